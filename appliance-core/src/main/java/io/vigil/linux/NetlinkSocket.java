package io.vigil.linux;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An AF_NETLINK socket (rtnetlink, generic netlink, ...): request/ACK with errno and the kernel's extended-ACK
 * text, multi-part dumps, and multicast group membership for notifications. The namespace is the one of the
 * thread that opened it. Use one socket for requests and another for notifications, because
 * {@link #request}/{@link #dump} discard messages that are not replies to them.
 */
public final class NetlinkSocket extends NativeSocket {
    public static final int NETLINK_ROUTE = 0, NETLINK_GENERIC = 16;
    private static final int NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP = 2, NETLINK_CAP_ACK = 10,
            NETLINK_EXT_ACK = 11;
    private static final int RECEIVE_BUFFER = 64 * 1024;
    /** How long a request waits for the kernel's answer before giving up with ETIMEDOUT. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

    private final int protocol;
    private final int portId;
    private final MemorySegment rx;
    private final MemorySegment kernelAddr;
    private MemorySegment tx;
    private int sequence = (int) (System.nanoTime() & 0x3fffffff);

    private NetlinkSocket(int fd, int protocol) throws LinuxException {
        super(fd);
        this.protocol = protocol;
        try {
            MemorySegment sa = arena.allocate(12, 4); // struct sockaddr_nl { u16 family; u16 pad; u32 pid; u32 groups; }
            sa.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            Libc.bind(fd, sa, "bind(AF_NETLINK)");
            Libc.getsockname(fd, sa);
            this.portId = sa.get(JAVA_INT, 4);
            // Ask for the kernel's error text and a short ACK (no echo of our request).
            try {
                Libc.setsockoptInt(fd, Libc.SOL_NETLINK, NETLINK_EXT_ACK, 1, "setsockopt(NETLINK_EXT_ACK)");
                Libc.setsockoptInt(fd, Libc.SOL_NETLINK, NETLINK_CAP_ACK, 1, "setsockopt(NETLINK_CAP_ACK)");
            } catch (LinuxException oldKernel) {
                // pre-4.12 kernels: plain errno only
            }
            this.rx = arena.allocate(RECEIVE_BUFFER, 8);
            this.tx = arena.allocate(4096, 8);
            this.kernelAddr = arena.allocate(12, 4);
            kernelAddr.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        } catch (LinuxException e) {
            super.close();
            throw e;
        }
    }

    /** Opens and binds a netlink socket of the given protocol ({@link #NETLINK_ROUTE}, {@link #NETLINK_GENERIC}). */
    public static NetlinkSocket open(int protocol) throws LinuxException {
        String what = "socket(AF_NETLINK, SOCK_RAW, " + protocol + ")";
        return new NetlinkSocket(Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW, protocol, what), protocol);
    }

    public int protocol() { return protocol; }

    /** The port id the kernel assigned (nl_pid). */
    public int portId() { return portId; }

    /** Subscribes to a multicast group by number (e.g. RTNLGRP_LINK = 1), as NETLINK_ADD_MEMBERSHIP does. */
    public void joinGroup(int group) throws LinuxException {
        Libc.setsockoptInt(fd, Libc.SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group, "setsockopt(NETLINK_ADD_MEMBERSHIP, " + group + ")");
    }

    public void leaveGroup(int group) throws LinuxException {
        Libc.setsockoptInt(fd, Libc.SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group, "setsockopt(NETLINK_DROP_MEMBERSHIP, " + group + ")");
    }

    /** Sets SO_RCVBUF (SO_RCVBUFFORCE when root) so bursts of notifications do not overrun (ENOBUFS). */
    public void setReceiveBuffer(int bytes) throws LinuxException {
        try {
            Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, bytes, "setsockopt(SO_RCVBUFFORCE)");
        } catch (LinuxException e) {
            Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, bytes, "setsockopt(SO_RCVBUF)");
        }
    }

    /** Sends a message as is (adds NLM_F_REQUEST); returns the sequence number used. */
    public int send(NetlinkMessageBuilder message) throws LinuxException, ClosedChannelException {
        sendLock.lock();
        try {
            ensureOpen();
            int seq = ++sequence;
            ByteBuffer b = message.addFlags(NetlinkMessage.NLM_F_REQUEST).build(seq, 0);
            int len = b.remaining();
            if (tx.byteSize() < len) tx = arena.allocate(Math.max(len, tx.byteSize() * 2), 8);
            MemorySegment.copy(MemorySegment.ofBuffer(b), 0, tx, 0, len);
            Libc.sendto(fd, tx, len, 0, kernelAddr, "sendto(netlink type " + message.type() + ")");
            return seq;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Sends a request with NLM_F_ACK and waits for the kernel's answer. Returns the reply messages that came
     * before the ACK (empty for plain changes; the object for a GET). A kernel error becomes a LinuxException
     * whose operation is {@code what} and whose detail is the extended-ACK text.
     */
    public List<NetlinkMessage> request(NetlinkMessageBuilder message, String what) throws LinuxException, ClosedChannelException {
        return exchange(message, NetlinkMessage.NLM_F_ACK, what);
    }

    /** Sends a dump request (NLM_F_DUMP) and returns every message of the multi-part answer, up to NLMSG_DONE. */
    public List<NetlinkMessage> dump(NetlinkMessageBuilder message, String what) throws LinuxException, ClosedChannelException {
        return exchange(message, NetlinkMessage.NLM_F_DUMP, what);
    }

    /** Send with {@code flags} added and collect the answer; the receive lock keeps one exchange at a time. */
    private List<NetlinkMessage> exchange(NetlinkMessageBuilder message, int flags, String what)
            throws LinuxException, ClosedChannelException {
        receiveLock.lock();
        try {
            int seq = send(message.addFlags(flags));
            return collect(seq, what);
        } finally {
            receiveLock.unlock();
        }
    }

    private List<NetlinkMessage> collect(int seq, String what) throws LinuxException, ClosedChannelException {
        List<NetlinkMessage> out = new ArrayList<>();
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) throw new LinuxException(what, Errno.ETIMEDOUT, "no netlink reply");
            List<NetlinkMessage> batch = receiveLocked(left);
            if (batch == null) continue;
            for (NetlinkMessage m : batch) {
                if (m.sequence() != seq || m.portId() != portId && m.portId() != 0) continue; // stale / not ours
                switch (m.type()) {
                    case NetlinkMessage.NLMSG_ERROR -> {
                        if (m.error() == 0) return out;
                        throw new LinuxException(what, -m.error(), m.extAckMessage());
                    }
                    case NetlinkMessage.NLMSG_DONE -> {
                        int err = m.error();
                        if (err < 0) throw new LinuxException(what, -err, m.extAckMessage());
                        return out;
                    }
                    case NetlinkMessage.NLMSG_NOOP -> { }
                    default -> out.add(m);
                }
            }
        }
    }

    /**
     * Receives one datagram's messages (notifications), waiting up to {@code timeout}. Returns an empty list on
     * timeout or {@link #wakeup()}. An ENOBUFS LinuxException means notifications were lost: resynchronise.
     */
    public List<NetlinkMessage> receive(Duration timeout) throws LinuxException, ClosedChannelException {
        receiveLock.lock();
        try {
            List<NetlinkMessage> r = receiveLocked(timeout);
            return r == null ? List.of() : r;
        } finally {
            receiveLock.unlock();
        }
    }

    private List<NetlinkMessage> receiveLocked(Duration timeout) throws LinuxException, ClosedChannelException {
        if (awaitReadable(timeout) != Ready.READABLE) return null;
        long n = Libc.recvfrom(fd, rx, rx.byteSize(), Libc.MSG_TRUNC | Libc.MSG_DONTWAIT, MemorySegment.NULL,
                MemorySegment.NULL, "recvfrom(netlink)");
        if (n < 0) return null;
        if (n > rx.byteSize()) throw new LinuxException("recvfrom(netlink)", Errno.EMSGSIZE, n + "-byte message truncated");
        ByteBuffer d = ByteBuffer.wrap(rx.asSlice(0, n).toArray(JAVA_BYTE)).order(ByteOrder.nativeOrder());
        return NetlinkMessage.parseAll(d);
    }
}
