package io.vigil.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc downcalls Vigil's edges need (FFM, no JNI). Every call that can fail captures errno through
 * {@link java.lang.foreign.Linker.Option#captureCallState} into a per-thread segment and turns a -1 into a {@link LinuxException}
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

    private static final MethodHandle SOCKET = Syscalls.SOCKET;
    private static final MethodHandle BIND = Syscalls.BIND;
    private static final MethodHandle GETSOCKNAME = Syscalls.link("getsockname", 3);
    private static final MethodHandle SETSOCKOPT = Syscalls.link("setsockopt", 5);
    private static final MethodHandle GETSOCKOPT = Syscalls.GETSOCKOPT;
    private static final MethodHandle SENDTO = Syscalls.link("sendto", 6);
    private static final MethodHandle RECVFROM = Syscalls.link("recvfrom", 6);
    private static final MethodHandle RECVMSG = Syscalls.link("recvmsg", 3);
    private static final MethodHandle POLL = Syscalls.link("poll", 3);
    private static final MethodHandle CLOSE = Syscalls.link("close", 1);
    private static final MethodHandle OPEN = Syscalls.link("open", 2);
    private static final MethodHandle SETNS = Syscalls.link("setns", 2);
    private static final MethodHandle EVENTFD = Syscalls.link("eventfd", 2);
    private static final MethodHandle READ = Syscalls.READ;
    private static final MethodHandle WRITE = Syscalls.WRITE;
    private static final MethodHandle IF_NAMETOINDEX = Syscalls.link("if_nametoindex", 1);
    private static final MethodHandle IF_INDEXTONAME = Syscalls.link("if_indextoname", 2);
    private static final MethodHandle STRERROR = Syscalls.link("strerror", 1);
    private static final MethodHandle CLOCK_GETTIME = Syscalls.link("clock_gettime", 2);
    private static final int CLOCK_REALTIME = 0;
    private static final MethodHandle SIGNAL = Syscalls.link("signal", 2);
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
            long s = Syscalls.call(STRERROR, Syscalls.threadSlot(), errno);
            return s == 0 ? "errno " + errno : MemorySegment.ofAddress(s).reinterpret(512).getString(0);
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
        return Syscalls.call(SIGNAL, Syscalls.threadSlot(), sig, 0L) == 1L; // SIG_DFL is 0, SIG_IGN 1
    }

    public static int socket(int domain, int type, int protocol, String what) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        int fd = (int) Syscalls.call(SOCKET, cs, domain, type | SOCK_CLOEXEC, protocol);
        if (fd < 0) throw fail(what, cs);
        return fd;
    }

    public static void bind(int fd, MemorySegment addr, String what) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        int rc = (int) Syscalls.call(BIND, cs, fd, Syscalls.ptr(addr), addr.byteSize());
        Reference.reachabilityFence(addr);
        if (rc < 0) throw fail(what, cs);
    }

    /** getsockname into {@code addr}; returns the address length the kernel wrote. */
    public static int getsockname(int fd, MemorySegment addr) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) addr.byteSize());
            int rc = (int) Syscalls.call(GETSOCKNAME, cs, fd, Syscalls.ptr(addr), Syscalls.ptr(len));
            Reference.reachabilityFence(addr);
            if (rc < 0) throw fail("getsockname", cs);
            return len.get(JAVA_INT, 0);
        }
    }

    public static void setsockopt(int fd, int level, int option, MemorySegment value, String what) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        int rc = (int) Syscalls.call(SETSOCKOPT, cs, fd, level, option, Syscalls.ptr(value), value.byteSize());
        Reference.reachabilityFence(value);
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
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT), len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            int rc = (int) Syscalls.call(GETSOCKOPT, cs, fd, level, option, Syscalls.ptr(v), Syscalls.ptr(len));
            if (rc < 0) throw fail(what, cs);
            return v.get(JAVA_INT, 0);
        }
    }

    /**
     * CLOCK_REALTIME in nanoseconds since the epoch, through {@code ts} (a caller's 16-byte struct timespec, so
     * nothing is allocated; vDSO, no system call). The clock of the kernel's receive timestamps (SO_TIMESTAMPNS).
     */
    public static long realtimeNanos(MemorySegment ts) {
        int r = (int) Syscalls.call(CLOCK_GETTIME, Syscalls.threadSlot(), CLOCK_REALTIME, Syscalls.ptr(ts));
        Reference.reachabilityFence(ts);
        if (r != 0) return Long.MIN_VALUE;
        return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
    }

    /** sendto; {@code addr} may be {@link MemorySegment#NULL} for a connected/bound-peer socket. */
    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, String what) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        int alen = addr.equals(MemorySegment.NULL) ? 0 : (int) addr.byteSize();
        while (true) {
            long n = Syscalls.call(SENDTO, cs, fd, Syscalls.ptr(buf), len, flags, Syscalls.ptr(addr), alen);
            Reference.reachabilityFence(buf); // the caller's segments live through the call
            Reference.reachabilityFence(addr);
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
        MemorySegment cs = Syscalls.threadSlot();
        while (true) {
            long n = Syscalls.call(RECVFROM, cs, fd, Syscalls.ptr(buf), len, flags, Syscalls.ptr(from), Syscalls.ptr(fromLen));
            Reference.reachabilityFence(buf); // the caller's segments live through the call
            Reference.reachabilityFence(from);
            Reference.reachabilityFence(fromLen);
            if (n >= 0) return n;
            int e = errno(cs);
            if (e == Errno.EAGAIN) return -1;
            if (e != Errno.EINTR) throw fail(what, cs);
        }
    }

    /** recvmsg; returns the byte count, or -1 on EAGAIN. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags, String what) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        while (true) {
            long n = Syscalls.call(RECVMSG, cs, fd, Syscalls.ptr(msghdr), flags);
            Reference.reachabilityFence(msghdr);
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
        MemorySegment cs = Syscalls.threadSlot();
        int n = (int) Syscalls.call(POLL, cs, Syscalls.ptr(fds), nfds, timeoutMillis);
        Reference.reachabilityFence(fds);
        if (n >= 0) return n;
        if (errno(cs) == Errno.EINTR) return 0;
        throw fail("poll", cs);
    }

    /** close; errors are ignored because there is nothing a caller can do about them. */
    public static void close(int fd) {
        if (fd < 0) return;
        MemorySegment cs = Syscalls.threadSlot();
        Syscalls.call(CLOSE, cs, fd);
    }

    public static int open(String path, int flags) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) Syscalls.call(OPEN, cs, Syscalls.ptr(a.allocateFrom(path)), flags | O_CLOEXEC);
            if (fd < 0) throw fail("open(" + path + ")", cs);
            return fd;
        }
    }

    /** setns(2): moves the CALLING THREAD into the namespace behind {@code fd}. */
    public static void setns(int fd, int nstype, String what) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        int rc = (int) Syscalls.call(SETNS, cs, fd, nstype);
        if (rc < 0) throw fail(what, cs);
    }

    public static int eventfd(int initial, int flags) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        int fd = (int) Syscalls.call(EVENTFD, cs, initial, flags);
        if (fd < 0) throw fail("eventfd", cs);
        return fd;
    }

    /** Adds 1 to an eventfd counter (wakes pollers). */
    public static void eventfdSignal(int fd) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            long n = Syscalls.call(WRITE, cs, fd, Syscalls.ptr(one), 8L);
            if (n < 0 && errno(cs) != Errno.EAGAIN) throw fail("write(eventfd)", cs);
        }
    }

    /** Resets a non-blocking eventfd counter to zero. */
    public static void eventfdDrain(int fd) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            long n = Syscalls.call(READ, cs, fd, Syscalls.ptr(v), 8L);
            if (n < 0 && errno(cs) != Errno.EAGAIN) throw fail("read(eventfd)", cs);
        }
    }

    /** Interface index for a name, e.g. "eth0" → 2 (in the calling thread's network namespace). */
    public static int ifNameToIndex(String name) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            int idx = (int) Syscalls.call(IF_NAMETOINDEX, cs, Syscalls.ptr(a.allocateFrom(name)));
            if (idx == 0) throw new LinuxException("if_nametoindex(" + name + ")", errno(cs) == 0 ? Errno.ENODEV : errno(cs),
                    "no such interface");
            return idx;
        }
    }

    public static String ifIndexToName(int index) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(16);
            long r = Syscalls.call(IF_INDEXTONAME, cs, index, Syscalls.ptr(buf));
            if (r == 0) throw new LinuxException("if_indextoname(" + index + ")", errno(cs), "no such interface");
            return buf.getString(0);
        }
    }
}
