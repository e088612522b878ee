package io.vigil.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The raw libc downcalls: each takes the caller's errno slot first and returns what the kernel returned, with no
 * exception on failure. {@link Libc} wraps them for the edges that want a {@link LinuxException}; a hot path that
 * must not allocate when a call fails (TCP_CHECK's connects: a refused connect is the common case) uses them as is.
 */
public final class Syscalls {
    public static final int SOCK_STREAM = 1, SO_ERROR = 4, EINTR = 4, EINPROGRESS = 115;
    public static final int EPOLL_CTL_ADD = 1, EPOLLIN = 1, EPOLLOUT = 4, EPOLL_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    /** The layout of an errno slot ({@link Linker.Option#captureCallState}). */
    public static final StructLayout ERRNO_SLOT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_SLOT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, CAPTURE_ERRNO);
    }

    static MethodHandle plainCall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd);
    }

    public static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    public static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    public static final MethodHandle CONNECT = errnoCall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    public static final MethodHandle GETSOCKOPT = errnoCall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    public static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    public static final MethodHandle WRITE = errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    public static final MethodHandle EPOLL_CREATE1 = errnoCall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    public static final MethodHandle EPOLL_CTL = errnoCall("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    public static final MethodHandle EPOLL_WAIT = errnoCall("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private Syscalls() {}

    /** A new errno slot, freed when it is no longer reachable (keep one per thread). */
    public static MemorySegment errnoSlot() {
        return Arena.ofAuto().allocate(ERRNO_SLOT);
    }

    /** The errno the last call through {@code slot} captured. */
    public static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }
}
