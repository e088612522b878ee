package io.vigil.linux;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Sends gratuitous ARPs through an AF_PACKET socket, the frame keepalived 2.2.7 sends on becoming MASTER:
 * Ethernet broadcast from the interface MAC, ARP request, sender IP = target IP = VIP, target MAC
 * ff:ff:ff:ff:ff:ff. The socket has protocol 0, so it never queues received frames.
 */
public final class GarpSender extends NativeSocket {
    public static final int ETH_P_ARP = 0x0806, ETH_P_IP = 0x0800;
    public static final int FRAME_LENGTH = 42;

    private final MemorySegment frame = arena.allocate(64, 8);
    private final MemorySegment to = arena.allocate(20, 4);

    private GarpSender(int fd) throws LinuxException {
        super(fd);
    }

    /** Opens the sender in the calling thread's namespace (needs CAP_NET_RAW). */
    public static GarpSender open() throws LinuxException {
        return new GarpSender(Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW, 0, "socket(AF_PACKET, SOCK_RAW) for gratuitous ARP"));
    }

    /** The 42-byte Ethernet + ARP frame for {@code vip} from {@code mac}. */
    public static byte[] frame(MacAddress mac, Inet4Address vip) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_LENGTH).order(ByteOrder.BIG_ENDIAN);
        byte[] m = mac.bytes(), ip = vip.getAddress(), bcast = MacAddress.BROADCAST.bytes();
        b.put(bcast).put(m).putShort((short) ETH_P_ARP);                     // Ethernet II
        b.putShort((short) 1).putShort((short) ETH_P_IP).put((byte) 6).put((byte) 4).putShort((short) 1); // ARP request
        b.put(m).put(ip).put(bcast).put(ip);                                 // sender MAC/IP, target MAC/IP
        return b.array();
    }

    /** Sends one gratuitous ARP for {@code vip} out of interface {@code ifindex} whose MAC is {@code mac}. */
    public void send(int ifindex, MacAddress mac, Inet4Address vip) throws LinuxException, ClosedChannelException {
        sendLock.lock();
        try {
            ensureOpen();
            MemorySegment.copy(frame(mac, vip), 0, frame, JAVA_BYTE, 0, FRAME_LENGTH);
            // struct sockaddr_ll { u16 family; be16 protocol; int ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8]; }
            to.fill((byte) 0);
            to.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
            to.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) ETH_P_ARP);
            to.set(JAVA_INT, 4, ifindex);
            to.set(JAVA_BYTE, 11, (byte) 6);
            MemorySegment.copy(MacAddress.BROADCAST.bytes(), 0, to, JAVA_BYTE, 12, 6);
            Libc.sendto(fd, frame, FRAME_LENGTH, 0, to, "sendto(gratuitous ARP " + vip.getHostAddress() + " ifindex " + ifindex + ")");
        } finally {
            sendLock.unlock();
        }
    }
}
