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
 * The libc downcalls Vigil's edges need (FFM, no JNI). Every call that can fail captures errno through
 * {@link Linker.Option#captureCallState} into a per-thread segment and turns a -1 into a {@link LinuxException}
 * naming the call. Constants are Linux x86_64/aarch64 values (identical on both).
 */
public final class Libc {
    // address families, socket types
    public static final int AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    // levels and options
    public static final int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_RCVBUFFORCE = 33, SO_BINDTODEVICE = 25, SO_TIMESTAMPNS = 35;
    public static final int IPPROTO_IP = 0, IP_TOS = 1, IP_TTL = 2, IP_HDRINCL = 3, IP_PKTINFO = 8,
            IP_MTU_DISCOVER = 10, IP_RECVTTL = 12, IP_MULTICAST_IF = 32, IP_MULTICAST_TTL = 33,
            IP_MULTICAST_LOOP = 34, IP_ADD_MEMBERSHIP = 35, IP_DROP_MEMBERSHIP = 36, IP_PMTUDISC_DONT = 0;
    public static final int SOL_PACKET = 263, SOL_NETLINK = 270;
    // flags
    public static final int MSG_PEEK = 2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40;
    public static final short POLLIN = 1;
    public static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;
    public static final int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public static final int CLONE_NEWNET = 0x40000000;

    /** One errno slot per thread; lives as long as the thread does. */
    private static final ThreadLocal<MemorySegment> CAPTURE = ThreadLocal.withInitial(Syscalls::errnoSlot);

    private static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        return Syscalls.errnoCall(name, fd);
    }

    private static MethodHandle plainCall(String name, FunctionDescriptor fd) {
        return Syscalls.plainCall(name, fd);
    }

    private static final MethodHandle SOCKET = Syscalls.SOCKET;
    private static final MethodHandle BIND = Syscalls.BIND;
    private static final MethodHandle GETSOCKNAME = errnoCall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Syscalls.GETSOCKOPT;
    private static final MethodHandle SENDTO = errnoCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = errnoCall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = errnoCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = errnoCall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = errnoCall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Syscalls.READ;
    private static final MethodHandle WRITE = Syscalls.WRITE;
    private static final MethodHandle IF_NAMETOINDEX = errnoCall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IF_INDEXTONAME = errnoCall("if_indextoname", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR = plainCall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle CLOCK_GETTIME = plainCall("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final int CLOCK_REALTIME = 0;
    private static final MethodHandle SIGNAL = plainCall("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    /** SIGHUP, SIGINT, SIGTERM (the same on x86_64 and aarch64). */
    public static final int SIGHUP = 1, SIGINT = 2, SIGTERM = 15;

    private Libc() {}

    private static int errno(MemorySegment cs) {
        return Syscalls.errno(cs);
    }

    private static LinuxException fail(String op, MemorySegment cs) {
        return new LinuxException(op, errno(cs));
    }

    /** glibc's text for an errno ("Operation not permitted"). */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.equals(MemorySegment.NULL) ? "errno " + errno : s.reinterpret(512).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /**
     * Puts {@code sig} back to its default action; true if it was ignored. A JVM started under {@code nohup} (or in
     * the background of a script, for SIGINT) inherits SIG_IGN, and then {@code sun.misc.Signal.handle} installs
     * nothing and returns SIG_IGN: the handler would never run.
     */
    public static boolean signalDefault(int sig) {
        try {
            MemorySegment old = (MemorySegment) SIGNAL.invokeExact(sig, MemorySegment.NULL);
            return old.address() == 1L;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socket(int domain, int type, int protocol, String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        int fd;
        try { fd = (int) SOCKET.invokeExact(cs, domain, type | SOCK_CLOEXEC, protocol); } catch (Throwable t) { throw rethrow(t); }
        if (fd < 0) throw fail(what, cs);
        return fd;
    }

    public static void bind(int fd, MemorySegment addr, String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        int rc;
        try { rc = (int) BIND.invokeExact(cs, fd, addr, (int) addr.byteSize()); } catch (Throwable t) { throw rethrow(t); }
        if (rc < 0) throw fail(what, cs);
    }

    /** getsockname into {@code addr}; returns the address length the kernel wrote. */
    public static int getsockname(int fd, MemorySegment addr) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) addr.byteSize());
            int rc;
            try { rc = (int) GETSOCKNAME.invokeExact(cs, fd, addr, len); } catch (Throwable t) { throw rethrow(t); }
            if (rc < 0) throw fail("getsockname", cs);
            return len.get(JAVA_INT, 0);
        }
    }

    public static void setsockopt(int fd, int level, int option, MemorySegment value, String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        int rc;
        try { rc = (int) SETSOCKOPT.invokeExact(cs, fd, level, option, value, (int) value.byteSize()); } catch (Throwable t) { throw rethrow(t); }
        if (rc < 0) throw fail(what, cs);
    }

    public static void setsockoptInt(int fd, int level, int option, int value, String what) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            setsockopt(fd, level, option, v, what);
        }
    }

    public static int getsockoptInt(int fd, int level, int option, String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT), len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            int rc;
            try { rc = (int) GETSOCKOPT.invokeExact(cs, fd, level, option, v, len); } catch (Throwable t) { throw rethrow(t); }
            if (rc < 0) throw fail(what, cs);
            return v.get(JAVA_INT, 0);
        }
    }

    /**
     * CLOCK_REALTIME in nanoseconds since the epoch, through {@code ts} (a caller's 16-byte struct timespec, so
     * nothing is allocated; vDSO, no system call). The clock of the kernel's receive timestamps (SO_TIMESTAMPNS).
     */
    public static long realtimeNanos(MemorySegment ts) {
        int r;
        try { r = (int) CLOCK_GETTIME.invokeExact(CLOCK_REALTIME, ts); } catch (Throwable t) { throw rethrow(t); }
        if (r != 0) return Long.MIN_VALUE;
        return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
    }

    /** sendto; {@code addr} may be {@link MemorySegment#NULL} for a connected/bound-peer socket. */
    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        int alen = addr.equals(MemorySegment.NULL) ? 0 : (int) addr.byteSize();
        while (true) {
            long n;
            try { n = (long) SENDTO.invokeExact(cs, fd, buf, len, flags, addr, alen); } catch (Throwable t) { throw rethrow(t); }
            if (n >= 0) return n;
            if (errno(cs) != Errno.EINTR) throw fail(what, cs);
        }
    }

    /**
     * recvfrom; returns the byte count (the full datagram length when MSG_TRUNC is passed), or -1 when the call
     * would block (EAGAIN, only with MSG_DONTWAIT or a non-blocking socket). {@code from}/{@code fromLen} may be NULL.
     */
    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment from, MemorySegment fromLen,
                                String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        while (true) {
            long n;
            try { n = (long) RECVFROM.invokeExact(cs, fd, buf, len, flags, from, fromLen); } catch (Throwable t) { throw rethrow(t); }
            if (n >= 0) return n;
            int e = errno(cs);
            if (e == Errno.EAGAIN) return -1;
            if (e != Errno.EINTR) throw fail(what, cs);
        }
    }

    /** recvmsg; returns the byte count, or -1 on EAGAIN. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags, String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        while (true) {
            long n;
            try { n = (long) RECVMSG.invokeExact(cs, fd, msghdr, flags); } catch (Throwable t) { throw rethrow(t); }
            if (n >= 0) return n;
            int e = errno(cs);
            if (e == Errno.EAGAIN) return -1;
            if (e != Errno.EINTR) throw fail(what, cs);
        }
    }

    /**
     * poll over an array of {@code struct pollfd} (8 bytes each). Returns the number ready, 0 on timeout;
     * EINTR counts as a timeout-free wake-up (returns 0) so callers re-check their deadline.
     */
    public static int poll(MemorySegment fds, int nfds, int timeoutMillis) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        int n;
        try { n = (int) POLL.invokeExact(cs, fds, (long) nfds, timeoutMillis); } catch (Throwable t) { throw rethrow(t); }
        if (n >= 0) return n;
        if (errno(cs) == Errno.EINTR) return 0;
        throw fail("poll", cs);
    }

    /** close; errors are ignored because there is nothing a caller can do about them. */
    public static void close(int fd) {
        if (fd < 0) return;
        MemorySegment cs = CAPTURE.get();
        try { int rc = (int) CLOSE.invokeExact(cs, fd); } catch (Throwable t) { throw rethrow(t); }
    }

    public static int open(String path, int flags) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            int fd;
            try { fd = (int) OPEN.invokeExact(cs, a.allocateFrom(path), flags | O_CLOEXEC); } catch (Throwable t) { throw rethrow(t); }
            if (fd < 0) throw fail("open(" + path + ")", cs);
            return fd;
        }
    }

    /** setns(2): moves the CALLING THREAD into the namespace behind {@code fd}. */
    public static void setns(int fd, int nstype, String what) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        int rc;
        try { rc = (int) SETNS.invokeExact(cs, fd, nstype); } catch (Throwable t) { throw rethrow(t); }
        if (rc < 0) throw fail(what, cs);
    }

    public static int eventfd(int initial, int flags) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        int fd;
        try { fd = (int) EVENTFD.invokeExact(cs, initial, flags); } catch (Throwable t) { throw rethrow(t); }
        if (fd < 0) throw fail("eventfd", cs);
        return fd;
    }

    /** Adds 1 to an eventfd counter (wakes pollers). */
    public static void eventfdSignal(int fd) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            long n;
            try { n = (long) WRITE.invokeExact(cs, fd, one, 8L); } catch (Throwable t) { throw rethrow(t); }
            if (n < 0 && errno(cs) != Errno.EAGAIN) throw fail("write(eventfd)", cs);
        }
    }

    /** Resets a non-blocking eventfd counter to zero. */
    public static void eventfdDrain(int fd) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            long n;
            try { n = (long) READ.invokeExact(cs, fd, v, 8L); } catch (Throwable t) { throw rethrow(t); }
            if (n < 0 && errno(cs) != Errno.EAGAIN) throw fail("read(eventfd)", cs);
        }
    }

    /** Interface index for a name, e.g. "eth0" → 2 (in the calling thread's network namespace). */
    public static int ifNameToIndex(String name) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            int idx;
            try { idx = (int) IF_NAMETOINDEX.invokeExact(cs, a.allocateFrom(name)); } catch (Throwable t) { throw rethrow(t); }
            if (idx == 0) throw new LinuxException("if_nametoindex(" + name + ")", errno(cs) == 0 ? Errno.ENODEV : errno(cs),
                    "no such interface");
            return idx;
        }
    }

    public static String ifIndexToName(int index) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(16);
            MemorySegment r;
            try { r = (MemorySegment) IF_INDEXTONAME.invokeExact(cs, index, buf); } catch (Throwable t) { throw rethrow(t); }
            if (r.equals(MemorySegment.NULL)) throw new LinuxException("if_indextoname(" + index + ")", errno(cs), "no such interface");
            return buf.getString(0);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
