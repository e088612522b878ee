package io.vigil.linux.ipvs;

import io.vigil.linux.Errno;
import io.vigil.linux.LinuxException;

/** A refused IPVS request, with the kernel's errno turned into what it means for that request. */
public final class IpvsException extends LinuxException {
    private static final long serialVersionUID = 1L;

    public IpvsException(String operation, int errno, String meaning) {
        super(operation, errno, meaning);
    }

    /** What an errno means for an IPVS command (linux/net/netfilter/ipvs/ip_vs_ctl.c). */
    static String meaning(int cmd, int errno, String kernelText) {
        if (cmd == IpvsGenl.CMD_NEW_DAEMON || cmd == IpvsGenl.CMD_DEL_DAEMON) {
            String d = switch (errno) {
                case Errno.EEXIST, Errno.EBUSY -> "a sync daemon in this state is already running";
                case Errno.ESRCH -> "no sync daemon in this state is running";
                case Errno.ENODEV -> "no such interface for the sync daemon";
                case Errno.EINVAL -> "invalid sync daemon settings (interface, sync id, maxlen, group)";
                default -> null;
            };
            if (d != null) return d;
        }
        String m = switch (errno) {
            case Errno.EEXIST -> cmd == IpvsGenl.CMD_NEW_SERVICE ? "the service already exists"
                    : "the destination already exists in this service";
            case Errno.ESRCH -> "no such service";
            case Errno.ENOENT -> cmd == IpvsGenl.CMD_NEW_SERVICE || cmd == IpvsGenl.CMD_SET_SERVICE
                    ? "scheduler (or persistence engine) not available in this kernel: no ip_vs_<name> module"
                    : "no such destination in this service";
            case Errno.EINVAL -> cmd == IpvsGenl.CMD_NEW_DEST || cmd == IpvsGenl.CMD_SET_DEST
                    ? "invalid destination (address not unicast here, e.g. no interface up, or a family/forwarding mix the kernel refuses)"
                    : "invalid request attributes";
            case Errno.ERANGE -> "weight or thresholds out of range (weight ≥ 0, lower threshold ≤ upper)";
            case Errno.EAFNOSUPPORT -> "address family not supported (kernel without IPv6 IPVS?)";
            case Errno.ENOMEM -> "the kernel is out of memory";
            default -> null;
        };
        if (kernelText != null && !kernelText.isEmpty()) m = m == null ? kernelText : m + " (" + kernelText + ")";
        return m;
    }
}
