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

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every libc downcall of the node, in one of seven shapes: {@code n} longs in (n = 0..6), a long out, errno
 * captured into the caller's slot; no exception on failure. {@link Libc} wraps them for the edges that want a
 * {@link LinuxException}; a hot path that must not allocate when a call fails (TCP_CHECK's connects: a refused
 * connect is the common case) uses them as is.
 *
 * <p>Why one shape per arity: FFM generates a stub class and some ten method-handle classes for every distinct
 * {@link FunctionDescriptor} it links, ~7 ms of CPU each at start-up (22 descriptors were ~0.2 s of the warm-up
 * thread, on the way to BACKUP); handles of one descriptor share them. On x86-64 and AArch64 an int or a pointer
 * argument travels in a 64-bit register whose upper half the callee ignores, so a long carries either (pointers as
 * {@link MemorySegment#address()}: the caller keeps the segment reachable until the call returns). An int result
 * fills only the lower half of the return register: callers narrow it with {@code (int)} before testing it.
 */
public final class Syscalls {
    public static final int SOCK_STREAM = 1, SO_ERROR = 4, EINTR = 4, EINPROGRESS = 115;
    public static final int EPOLL_CTL_ADD = 1, EPOLLIN = 1, EPOLLOUT = 4, EPOLL_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    /** The layout of an errno slot ({@link Linker.Option#captureCallState}). */
    public static final StructLayout ERRNO_SLOT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_SLOT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final FunctionDescriptor[] SHAPES = new FunctionDescriptor[7];

    static {
        for (int n = 0; n < SHAPES.length; n++) {
            MemoryLayout[] args = new MemoryLayout[n];
            java.util.Arrays.fill(args, JAVA_LONG);
            SHAPES[n] = FunctionDescriptor.of(JAVA_LONG, args);
        }
    }

    /** libc's {@code name} taking {@code arity} arguments: invoked as (errno slot, long × arity) → long. */
    public static MethodHandle link(String name, int arity) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), SHAPES[arity], CAPTURE_ERRNO);
    }

    public static final MethodHandle SOCKET = link("socket", 3);
    public static final MethodHandle BIND = link("bind", 3);
    public static final MethodHandle CONNECT = link("connect", 3);
    public static final MethodHandle GETSOCKOPT = link("getsockopt", 5);
    public static final MethodHandle READ = link("read", 3);
    public static final MethodHandle WRITE = link("write", 3);
    public static final MethodHandle EPOLL_CREATE1 = link("epoll_create1", 1);
    public static final MethodHandle EPOLL_CTL = link("epoll_ctl", 4);
    public static final MethodHandle EPOLL_WAIT = link("epoll_wait", 4);

    private Syscalls() {}

    /** One errno slot per thread, shared by every caller on it: errno is read right after the call that set it. */
    private static final ThreadLocal<MemorySegment> SLOT = ThreadLocal.withInitial(Syscalls::errnoSlot);

    /** A new errno slot, freed when it is no longer reachable (keep one per thread). */
    public static MemorySegment errnoSlot() {
        return Arena.ofAuto().allocate(ERRNO_SLOT);
    }

    /** The calling thread's errno slot. */
    public static MemorySegment threadSlot() {
        return SLOT.get();
    }

    /** The errno the last call through {@code slot} captured. */
    public static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    /** A native segment's address for a call; a heap segment has none the kernel could use, so it is refused. */
    public static long ptr(MemorySegment s) {
        if (!s.isNative()) throw new IllegalArgumentException("a heap segment cannot be passed to a native call");
        return s.address();
    }

    // the calls, one per arity: ints widen to long at the call, pointers are passed as their addresses

    public static long call(MethodHandle h, MemorySegment errno) {
        try { return (long) h.invokeExact(errno); } catch (Throwable t) { throw rethrow(t); }
    }

    public static long call(MethodHandle h, MemorySegment errno, long a) {
        try { return (long) h.invokeExact(errno, a); } catch (Throwable t) { throw rethrow(t); }
    }

    public static long call(MethodHandle h, MemorySegment errno, long a, long b) {
        try { return (long) h.invokeExact(errno, a, b); } catch (Throwable t) { throw rethrow(t); }
    }

    public static long call(MethodHandle h, MemorySegment errno, long a, long b, long c) {
        try { return (long) h.invokeExact(errno, a, b, c); } catch (Throwable t) { throw rethrow(t); }
    }

    public static long call(MethodHandle h, MemorySegment errno, long a, long b, long c, long d) {
        try { return (long) h.invokeExact(errno, a, b, c, d); } catch (Throwable t) { throw rethrow(t); }
    }

    public static long call(MethodHandle h, MemorySegment errno, long a, long b, long c, long d, long e) {
        try { return (long) h.invokeExact(errno, a, b, c, d, e); } catch (Throwable t) { throw rethrow(t); }
    }

    public static long call(MethodHandle h, MemorySegment errno, long a, long b, long c, long d, long e, long f) {
        try { return (long) h.invokeExact(errno, a, b, c, d, e, f); } catch (Throwable t) { throw rethrow(t); }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
