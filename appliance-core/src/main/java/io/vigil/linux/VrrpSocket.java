package io.vigil.linux;

import io.vigil.vrrp.Ipv4Address;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A raw IPv4 socket for VRRP (protocol 112) on one interface, set up as keepalived does: bound to the device
 * (SO_BINDTODEVICE), member of 224.0.0.18 on that interface (ip_mreqn with ifindex), IP_MULTICAST_IF/TTL 255,
 * multicast loopback off, and IP_HDRINCL so every advert carries keepalived's exact header (TOS 0xc0, TTL 255,
 * DF clear, incrementing id). Serves multicast and unicast (unicast_peer / unicast_src_ip) alike.
 * Receives return the IP header + VRRP payload, the source, destination, TTL and arrival ifindex.
 * Send from one thread and receive on another; {@link #wakeup()}/{@link #close()} end a blocked receive.
 */
public final class VrrpSocket extends NativeSocket {
    public static final int IPPROTO_VRRP = 112;
    public static final Inet4Address VRRP_GROUP = Ipv4InterfaceAddress.inet4("224.0.0.18");
    /** The largest datagram a receive returns (a VRRP advert is at most ~1.1 KiB). */
    public static final int MAX_PACKET = 4096;
    private static final int CONTROL = 128;
    private static final ValueLayout.OfInt BE_INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /**
     * The most a datagram's kernel receive timestamp may predate our reading of it and still date it: beyond, the
     * arrival is taken as that long ago (a CLOCK_REALTIME step between the two readings can move it by no more).
     */
    public static final long MAX_STAMP_AGE_NANOS = 5_000_000L;

    private final String ifname;
    private final int ifindex;
    private final MemorySegment txPacket, txAddr, warmPacket, warmAddr, rxPacket, rxControl, rxIov, rxMsg, rxFrom, rxClock;
    private final String recvWhat, sendWhat;
    private int ipId;
    // the last datagram receiveInto() returned: plain fields, read by the receiving thread only
    private int lastSource, lastDestination, lastTtl, lastIfindex;
    private long lastArrived, lastStampAge;

    /** One received datagram: the IP header and VRRP payload as they arrived, and where they came from. */
    public record Received(byte[] packet, Inet4Address source, Inet4Address destination, int ttl, int ifindex) {
        public int headerLength() { return (packet[0] & 0x0f) * 4; }
        public int tos() { return packet[1] & 0xff; }
        /** The VRRP message after the IP header (a read-only view, network order). */
        public ByteBuffer vrrp() {
            return ByteBuffer.wrap(packet, headerLength(), packet.length - headerLength()).slice().asReadOnlyBuffer()
                    .order(ByteOrder.BIG_ENDIAN);
        }
    }

    private VrrpSocket(int fd, String ifname, int ifindex) throws LinuxException {
        super(fd);
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.recvWhat = "recvmsg(VRRP on " + ifname + ")"; // built once: neither path concatenates per datagram
        this.sendWhat = "sendto(VRRP via " + ifname + ")";
        txPacket = arena.allocate(MAX_PACKET, 8);
        txAddr = arena.allocate(16, 4);
        warmPacket = arena.allocate(MAX_PACKET, 8);
        warmAddr = arena.allocate(16, 4);
        rxPacket = arena.allocate(MAX_PACKET, 8);
        rxControl = arena.allocate(CONTROL, 8);
        rxIov = arena.allocate(16, 8);
        rxMsg = arena.allocate(56, 8);
        rxFrom = arena.allocate(16, 4);
        rxClock = arena.allocate(16, 8);
    }

    /**
     * Opens the VRRP socket on {@code ifname} in the calling thread's network namespace. Without root or
     * CAP_NET_RAW this fails with "needs root or CAP_NET_RAW/CAP_NET_ADMIN".
     */
    public static VrrpSocket open(String ifname) throws LinuxException {
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW, IPPROTO_VRRP, "socket(AF_INET, SOCK_RAW, 112) for VRRP on " + ifname);
        VrrpSocket s = null;
        try {
            int idx = Libc.ifNameToIndex(ifname);
            s = new VrrpSocket(fd, ifname, idx);
            s.configure();
            return s;
        } catch (LinuxException | RuntimeException e) {
            if (s != null) s.close(); else Libc.close(fd);
            throw e;
        }
    }

    private void configure() throws LinuxException {
        String on = " on " + ifname;
        MemorySegment dev = arena.allocateFrom(ifname);
        Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, dev.asSlice(0, ifname.length() + 1), "setsockopt(SO_BINDTODEVICE)" + on);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_HDRINCL, 1, "setsockopt(IP_HDRINCL)" + on);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "setsockopt(IP_PKTINFO)" + on);
        // the kernel's receive time of each datagram: Master_Down_Timer runs from it, not from our wake-up
        Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1, "setsockopt(SO_TIMESTAMPNS)" + on);
        // IP_TOS / IP_MTU_DISCOVER only matter without HDRINCL; set for tools that inspect the socket.
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_TOS, Ipv4Header.TOS_INTERNETWORK_CONTROL, "setsockopt(IP_TOS)" + on);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER, Libc.IP_PMTUDISC_DONT, "setsockopt(IP_MTU_DISCOVER)" + on);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, Ipv4Header.VRRP_TTL, "setsockopt(IP_MULTICAST_TTL)" + on);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0, "setsockopt(IP_MULTICAST_LOOP)" + on);
        Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_IF, mreqn(VRRP_GROUP, ifindex), "setsockopt(IP_MULTICAST_IF)" + on);
        joinGroup(VRRP_GROUP, ifindex);
    }

    /** struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; } */
    private MemorySegment mreqn(Inet4Address group, int index) {
        MemorySegment m = arena.allocate(12, 4);
        MemorySegment.copy(group.getAddress(), 0, m, JAVA_BYTE, 0, 4);
        m.set(JAVA_INT, 8, index);
        return m;
    }

    /** Joins a multicast group on an interface (224.0.0.18 on this socket's interface is joined at open). */
    public void joinGroup(Inet4Address group, int index) throws LinuxException {
        Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, mreqn(group, index),
                "setsockopt(IP_ADD_MEMBERSHIP " + group.getHostAddress() + ", ifindex " + index + ")");
    }

    public void leaveGroup(Inet4Address group, int index) throws LinuxException {
        Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_DROP_MEMBERSHIP, mreqn(group, index),
                "setsockopt(IP_DROP_MEMBERSHIP " + group.getHostAddress() + ", ifindex " + index + ")");
    }

    public String interfaceName() { return ifname; }

    public int ifindex() { return ifindex; }

    /**
     * Sends one VRRP message (position..limit of {@code vrrp}, checksum already set) from {@code source} to
     * {@code destination} (224.0.0.18 or a unicast peer) with the next IP id. Returns the id used.
     */
    public int send(Inet4Address source, Inet4Address destination, ByteBuffer vrrp) throws LinuxException, ClosedChannelException {
        return send(source, destination, Ipv4Header.VRRP_TTL, vrrp);
    }

    /** As {@link #send(Inet4Address, Inet4Address, ByteBuffer)} with IP TTL {@code ttl} (keepalived's unicast_ttl). */
    public int send(Inet4Address source, Inet4Address destination, int ttl, ByteBuffer vrrp) throws LinuxException, ClosedChannelException {
        return send(bits(source), bits(destination), ttl, vrrp);
    }

    /**
     * The advert path: as {@link #send(Inet4Address, Inet4Address, int, ByteBuffer)} with the addresses as their 32
     * bits ({@code Ipv4Address.bits()}). Allocates nothing when {@code vrrp} is a heap buffer (as the node's is).
     */
    public int send(int source, int destination, int ttl, ByteBuffer vrrp) throws LinuxException, ClosedChannelException {
        sendLock.lock();
        try {
            ensureOpen();
            int id = ipId = (ipId + 1) & 0xffff;
            sendWithId(id, source, destination, ttl, vrrp);
            return id;
        } finally {
            sendLock.unlock();
        }
    }

    /** Like {@link #send} with a caller-chosen IP id (e.g. a per-instance counter as keepalived keeps). */
    public void send(int ipIdentification, Inet4Address source, Inet4Address destination, ByteBuffer vrrp)
            throws LinuxException, ClosedChannelException {
        sendLock.lock();
        try {
            ensureOpen();
            sendWithId(ipIdentification, bits(source), bits(destination), Ipv4Header.VRRP_TTL, vrrp);
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Runs the whole send path of {@code vrrp} but hands the kernel a length it refuses (EINVAL: shorter than an IP
     * header), so nothing reaches the wire and the IP id does not move. For the start-up rehearsal: a backup never
     * sent, and its first advert would otherwise pay for linking this path. Returns whether the kernel refused it.
     * It writes buffers of its own and takes no lock, so a sender never waits for it (the rehearsal runs at normal
     * priority, the sender at real-time); one rehearsing thread at a time.
     */
    public boolean warmSend(Inet4Address source, Inet4Address destination, int ttl, ByteBuffer vrrp) throws ClosedChannelException {
        return warmSend(bits(source), bits(destination), ttl, vrrp);
    }

    /** {@link #warmSend(Inet4Address, Inet4Address, int, ByteBuffer)} in the advert path's form (addresses as bits). */
    public boolean warmSend(int source, int destination, int ttl, ByteBuffer vrrp) throws ClosedChannelException {
        try {
            ensureOpen();
            prepare(warmPacket, warmAddr, ipId, source, destination, ttl, vrrp);
            transmit(warmPacket, warmAddr, 0, destination);
            return false;
        } catch (LinuxException expected) {
            return expected.errno() == Errno.EINVAL;
        }
    }

    private void sendWithId(int id, int source, int destination, int ttl, ByteBuffer vrrp) throws LinuxException {
        int len = prepare(txPacket, txAddr, id, source, destination, ttl, vrrp);
        transmit(txPacket, txAddr, Ipv4Header.LENGTH + len, destination);
    }

    private void transmit(MemorySegment packet, MemorySegment addr, int length, int destination) throws LinuxException {
        try {
            Libc.sendto(fd, packet, length, 0, addr, sendWhat);
        } catch (LinuxException e) { // the destination is named on failure only: a send concatenates nothing
            throw new LinuxException("sendto(VRRP " + new Ipv4Address(destination) + " via " + ifname + ")", e.errno());
        }
    }

    private static final ValueLayout.OfInt BE32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int SIN_FAMILY = 0, SIN_ADDR = 4; // struct sockaddr_in { u16 family; be16 port; in_addr addr; zero[8] }

    /**
     * Header and message (position..limit of {@code vrrp}, which does not move) into {@code packet}, destination
     * into {@code addr}; returns the message length. Allocates nothing for a heap buffer.
     */
    private static int prepare(MemorySegment packet, MemorySegment addr, int id, int source, int destination,
                               int ttl, ByteBuffer vrrp) {
        int len = vrrp.remaining();
        if (len + Ipv4Header.LENGTH > MAX_PACKET) throw new IllegalArgumentException("VRRP message of " + len + " bytes");
        Ipv4Header.write(packet, id, source, destination, len, Ipv4Header.TOS_INTERNETWORK_CONTROL, ttl, IPPROTO_VRRP);
        if (vrrp.hasArray()) MemorySegment.copy(vrrp.array(), vrrp.arrayOffset() + vrrp.position(), packet, JAVA_BYTE, Ipv4Header.LENGTH, len);
        else MemorySegment.copy(MemorySegment.ofBuffer(vrrp), 0, packet, Ipv4Header.LENGTH, len);
        addr.fill((byte) 0);
        addr.set(JAVA_SHORT, SIN_FAMILY, (short) Libc.AF_INET);
        addr.set(BE32, SIN_ADDR, destination);
        return len;
    }

    private static int bits(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /**
     * Waits up to {@code timeout} for one VRRP datagram. Empty on timeout or {@link #wakeup()}; a closed socket
     * throws ClosedChannelException. Truncated datagrams (over 4 KiB, never valid VRRP) are skipped.
     * Allocates the result; the per-packet path is {@link #receiveInto}.
     */
    public Optional<Received> receive(Duration timeout) throws LinuxException, ClosedChannelException {
        receiveLock.lock();
        try {
            int n = receiveRaw(timeout.toNanos());
            if (n < 0) return Optional.empty();
            byte[] pkt = rxPacket.asSlice(0, n).toArray(JAVA_BYTE);
            return Optional.of(new Received(pkt, addr(pkt, 12), addr(pkt, 16), pkt[8] & 0xff, lastIfindex));
        } finally {
            receiveLock.unlock();
        }
    }

    /**
     * Allocation-free receive: waits up to {@code timeoutNanos} for one VRRP datagram and copies its IP header and
     * payload to the start of {@code dst} (when {@code dst} is null, or smaller than the datagram, the datagram is
     * consumed and -1 returned: a caller with nowhere to put it drops it). Returns the length, or -1 on timeout,
     * {@link #wakeup()} or a datagram that did not fit. Source, destination, TTL and arrival ifindex of the datagram
     * returned are in {@link #lastSource()} and friends until the next receive. A closed socket throws.
     */
    public int receiveInto(MemorySegment dst, long timeoutNanos) throws LinuxException, ClosedChannelException {
        receiveLock.lock();
        try {
            int n = receiveRaw(timeoutNanos);
            if (n < 0 || dst == null || n > dst.byteSize()) return -1;
            MemorySegment.copy(rxPacket, 0, dst, 0, n);
            return n;
        } finally {
            receiveLock.unlock();
        }
    }

    /** Source address of the datagram {@link #receiveInto} returned last, as a big-endian int (a.b.c.d = a<<24|...). */
    public int lastSource() { return lastSource; }

    /** Destination address (big-endian int) of the datagram {@link #receiveInto} returned last. */
    public int lastDestination() { return lastDestination; }

    public int lastTtl() { return lastTtl; }

    /** The interface the last datagram arrived on (IP_PKTINFO), this socket's own when the kernel said nothing. */
    public int lastIfindex() { return lastIfindex; }

    /**
     * When the datagram {@link #receiveInto} returned last reached this host, on the System.nanoTime() scale: the
     * kernel's receive timestamp (SO_TIMESTAMPNS), so a late wake-up of the receiving thread does not delay it; the
     * time of the receive when the kernel gave none; never more than {@link #MAX_STAMP_AGE_NANOS} before it.
     */
    public long lastArrivedNanos() { return lastArrived; }

    /** How long before our reading the kernel stamped the last datagram (ns, clamped as above; 0 without a stamp). */
    public long lastStampAgeNanos() { return lastStampAge; }

    /** The arrival of a datagram stamped {@code stamp} (CLOCK_REALTIME ns, 0 = none) read at {@code real}/{@code mono}. */
    static long arrival(long stamp, long real, long mono) {
        if (stamp <= 0 || real == Long.MIN_VALUE) return mono;
        return mono - Math.clamp(real - stamp, 0, MAX_STAMP_AGE_NANOS);
    }

    /** The receive loop of both calls: the datagram's length in rxPacket, -1 when none. Hold receiveLock. */
    private int receiveRaw(long timeoutNanos) throws LinuxException, ClosedChannelException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            if (awaitReadable(Math.max(0, deadline - System.nanoTime())) != Ready.READABLE) return -1;
            int n = receiveOne();
            if (n >= 0 || deadline - System.nanoTime() <= 0) return n;
        }
    }

    private int receiveOne() throws LinuxException {
        rxIov.set(ADDRESS, 0, rxPacket);
        rxIov.set(JAVA_LONG, 8, MAX_PACKET);
        rxMsg.fill((byte) 0); // struct msghdr (LP64): name, namelen, iov, iovlen, control, controllen, flags
        rxMsg.set(ADDRESS, 0, rxFrom);
        rxMsg.set(JAVA_INT, 8, 16);
        rxMsg.set(ADDRESS, 16, rxIov);
        rxMsg.set(JAVA_LONG, 24, 1L);
        rxMsg.set(ADDRESS, 32, rxControl);
        rxMsg.set(JAVA_LONG, 40, CONTROL);
        long n = Libc.recvmsg(fd, rxMsg, Libc.MSG_DONTWAIT, recvWhat);
        if (n < Ipv4Header.LENGTH || (rxMsg.get(JAVA_INT, 48) & Libc.MSG_TRUNC) != 0) return -1;
        long real = Libc.realtimeNanos(rxClock), mono = System.nanoTime(); // as close to each other as we can
        int arrived = ifindex;
        long stamp = 0;
        long controlLen = rxMsg.get(JAVA_LONG, 40);
        for (long pos = 0; pos + 16 <= controlLen; ) { // struct cmsghdr { size_t len; int level; int type; data }
            long clen = rxControl.get(JAVA_LONG, pos);
            if (clen < 16) break;
            int level = rxControl.get(JAVA_INT, pos + 8), type = rxControl.get(JAVA_INT, pos + 12);
            if (level == Libc.IPPROTO_IP && type == Libc.IP_PKTINFO)
                arrived = rxControl.get(JAVA_INT, pos + 16); // struct in_pktinfo { int ifindex; ... }
            else if (level == Libc.SOL_SOCKET && type == Libc.SO_TIMESTAMPNS && clen >= 32) // SCM_TIMESTAMPNS: struct timespec
                stamp = rxControl.get(JAVA_LONG, pos + 16) * 1_000_000_000L + rxControl.get(JAVA_LONG, pos + 24);
            pos += (clen + 7) & ~7L;
        }
        lastArrived = arrival(stamp, real, mono);
        lastStampAge = mono - lastArrived;
        lastSource = rxPacket.get(BE_INT, 12);
        lastDestination = rxPacket.get(BE_INT, 16);
        lastTtl = rxPacket.get(JAVA_BYTE, 8) & 0xff;
        lastIfindex = arrived;
        return (int) n;
    }

    private static Inet4Address addr(byte[] b, int off) {
        return Ipv4InterfaceAddress.inet4((b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff));
    }
}
