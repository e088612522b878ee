package io.vigil.plugin.protocols;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux ping socket (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)) through the FFM API: Java has no ICMP sockets.
 * The kernel fills in the echo id and checksum and hands back only replies to this socket. Creating one needs the
 * caller's group in net.ipv4.ping_group_range; like keepalived (check_ping.c set_ping_group_range), a refusal
 * widens the range's low end to 0 once and tries again.
 */
final class PingSocket implements AutoCloseable {
    private static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2, SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
    private static final int IPPROTO_ICMP = 1, IPPROTO_ICMPV6 = 58, MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11, EACCES = 13;
    private static final Path GROUP_RANGE = Path.of("/proc/sys/net/ipv4/ping_group_range");

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = handle("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_BYTE), ValueLayout.JAVA_INT));
    private static volatile boolean rangeWidened;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
    private final int fd;
    private final boolean v6;

    private static MethodHandle handle(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), d, ERRNO);
    }

    private PingSocket(int fd, boolean v6) {
        this.fd = fd;
        this.v6 = v6;
    }

    static PingSocket open(boolean v6) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Linker.Option.captureStateLayout());
            for (int attempt = 0; ; attempt++) {
                int fd = (int) SOCKET.invokeExact(st, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
                if (fd >= 0) return new PingSocket(fd, v6);
                int errno = (int) ERRNO_HANDLE.get(st, 0L);
                if (errno == EACCES && attempt == 0 && widenGroupRange()) continue;
                throw new IOException("cannot open a ping socket: " + strerror(errno)
                        + (errno == EACCES ? " (net.ipv4.ping_group_range " + groupRange() + " excludes this process's group)" : ""));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** keepalived's fix: "low high" becomes "0 high" so root's group may open ping sockets (per network namespace). */
    private static synchronized boolean widenGroupRange() {
        try {
            String[] r = readSysctl().trim().split("\\s+");
            if (r.length != 2 || r[0].equals("0")) return false;
            long high = Long.parseLong(r[1]);
            // the default "1 0" (nobody) becomes "0 0": root's group only, as keepalived writes it
            Files.writeString(GROUP_RANGE, "0\t" + Math.max(high, 0) + "\n");
            rangeWidened = true;
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String groupRange() {
        try {
            return "'" + readSysctl().trim().replace('\t', ' ') + "'";
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /** One read at offset 0: a sysctl file answers a read at a later offset with EOF, so readString sees "1" of "1\t0". */
    static String readSysctl() throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(GROUP_RANGE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64);
            ch.read(b);
            return new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** Whether this process widened net.ipv4.ping_group_range (for tests and logs). */
    static boolean rangeWidened() { return rangeWidened; }

    void bind(InetAddress local) throws IOException {
        MemorySegment sa = sockaddr(local, arena);
        int rc = invoke(() -> (int) BIND.invokeExact(state, fd, sa, (int) sa.byteSize()));
        if (rc != 0) throw new IOException("bindto " + local.getHostAddress() + ": " + strerror(errno()));
    }

    void send(byte[] packet, InetAddress dst) throws IOException {
        MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, packet);
        MemorySegment sa = sockaddr(dst, arena);
        long n = invokeLong(() -> (long) SENDTO.invokeExact(state, fd, buf, (long) packet.length, 0, sa, (int) sa.byteSize()));
        if (n < 0) throw new IOException("send ICMP echo to " + dst.getHostAddress() + ": " + strerror(errno()));
    }

    /** Octets received, 0 when nothing is there yet; an error (ICMP unreachable reported on the socket) throws. */
    int receive(byte[] into) throws IOException {
        MemorySegment buf = arena.allocate(into.length);
        long n = invokeLong(() -> (long) RECV.invokeExact(state, fd, buf, (long) into.length, MSG_DONTWAIT));
        if (n < 0) {
            int e = errno();
            if (e == EAGAIN) return 0;
            throw new IOException("recv ICMP: " + strerror(e));
        }
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, into, 0, (int) n);
        return (int) n;
    }

    private int errno() { return (int) ERRNO_HANDLE.get(state, 0L); }

    private MemorySegment sockaddr(InetAddress a, Arena arena) throws IOException {
        byte[] addr = a.getAddress();
        if (v6 != (addr.length == 16)) throw new IOException(a.getHostAddress() + " is not an IPv" + (v6 ? "6" : "4") + " address");
        MemorySegment sa = arena.allocate(v6 ? 28 : 16);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
        MemorySegment.copy(addr, 0, sa, ValueLayout.JAVA_BYTE, v6 ? 8 : 4, addr.length);
        if (v6 && a instanceof java.net.Inet6Address i6) sa.set(ValueLayout.JAVA_INT, 24, i6.getScopeId());
        return sa;
    }

    static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256).getString(0).toLowerCase(java.util.Locale.ROOT);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private interface IntCall { int call() throws Throwable; }
    private interface LongCall { long call() throws Throwable; }

    private static int invoke(IntCall c) throws IOException {
        try { return c.call(); } catch (Throwable t) { throw new IOException(t); }
    }

    private static long invokeLong(LongCall c) throws IOException {
        try { return c.call(); } catch (Throwable t) { throw new IOException(t); }
    }

    @Override public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // nothing more to do with a descriptor that will not close
        }
        arena.close();
    }
}
