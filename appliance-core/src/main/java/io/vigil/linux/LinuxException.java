package io.vigil.linux;

import java.io.IOException;

/**
 * A failed system call or netlink request: the operation, the errno and a message an operator can act on.
 * EPERM/EACCES always read "needs root or CAP_NET_RAW/CAP_NET_ADMIN" because that is the only fix.
 */
public class LinuxException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int errno;

    public LinuxException(String operation, int errno) {
        this(operation, errno, null);
    }

    /** @param detail extra text from the kernel (netlink extended ACK) or the caller; may be null */
    public LinuxException(String operation, int errno, String detail) {
        super(message(operation, errno, detail));
        this.operation = operation;
        this.errno = errno;
    }

    private static String message(String operation, int errno, String detail) {
        String what = isPermission(errno)
                ? "needs root or CAP_NET_RAW/CAP_NET_ADMIN (" + Errno.name(errno) + ")"
                : Libc.strerror(errno) + " (" + Errno.name(errno) + ")";
        return operation + ": " + what + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }

    private static boolean isPermission(int errno) {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }

    /** The call or request that failed, e.g. "socket(AF_INET, SOCK_RAW, 112)". */
    public String operation() { return operation; }

    public int errno() { return errno; }

    /** True when the process lacks the privilege: run as root or grant CAP_NET_RAW/CAP_NET_ADMIN. */
    public boolean isPermissionDenied() { return isPermission(errno); }
}
