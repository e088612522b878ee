package io.vigil.linux;

import io.vigil.vrrp.InternetChecksum;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 20-byte IPv4 header Vigil writes for VRRP (IP_HDRINCL), byte for byte what keepalived 2.2.7 sends:
 * version 4, IHL 5, TOS 0xc0 (internetwork control), an id counter, DF clear, TTL 255, protocol 112.
 */
public final class Ipv4Header {
    public static final int LENGTH = 20;
    public static final int TOS_INTERNETWORK_CONTROL = 0xc0, VRRP_TTL = 255, PROTOCOL_VRRP = 112;

    // field offsets, for the flyweight writer
    private static final int VERSION_IHL = 0, TOS = 1, TOTAL_LENGTH = 2, ID = 4, FLAGS_FRAGMENT = 6, TTL = 8, PROTOCOL = 9,
            CHECKSUM = 10, SOURCE = 12, DESTINATION = 16;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Ipv4Header() {}

    /**
     * The same header as {@link #write(ByteBuffer, int, Inet4Address, Inet4Address, int, int, int, int)} at the start
     * of {@code seg}, addresses as their 32 bits ({@code Ipv4Address.bits()}): the advert path's form, allocates nothing.
     */
    public static void write(MemorySegment seg, int id, int source, int destination, int payloadLength, int tos, int ttl, int protocol) {
        seg.set(ValueLayout.JAVA_BYTE, VERSION_IHL, (byte) 0x45);
        seg.set(ValueLayout.JAVA_BYTE, TOS, (byte) tos);
        seg.set(U16, TOTAL_LENGTH, (short) (LENGTH + payloadLength));
        seg.set(U16, ID, (short) id);
        seg.set(U16, FLAGS_FRAGMENT, (short) 0); // DF clear, as keepalived
        seg.set(ValueLayout.JAVA_BYTE, TTL, (byte) ttl);
        seg.set(ValueLayout.JAVA_BYTE, PROTOCOL, (byte) protocol);
        seg.set(U16, CHECKSUM, (short) 0);
        seg.set(U32, SOURCE, source);
        seg.set(U32, DESTINATION, destination);
        seg.set(U16, CHECKSUM, (short) InternetChecksum.compute(seg, 0, LENGTH));
    }

    /** Writes the header at {@code buf}'s position (advancing it) with the RFC 1071 checksum filled in. */
    public static void write(ByteBuffer buf, int id, Inet4Address source, Inet4Address destination, int payloadLength,
                             int tos, int ttl, int protocol) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.BIG_ENDIAN);
        int start = b.position();
        b.put((byte) 0x45).put((byte) tos).putShort((short) (LENGTH + payloadLength))
                .putShort((short) id).putShort((short) 0) // flags/fragment offset: DF clear, as keepalived
                .put((byte) ttl).put((byte) protocol).putShort((short) 0)
                .put(source.getAddress()).put(destination.getAddress());
        b.putShort(start + 10, (short) InternetChecksum.compute(MemorySegment.ofBuffer(b.duplicate().clear()), start, LENGTH));
        buf.position(start + LENGTH);
    }
}
