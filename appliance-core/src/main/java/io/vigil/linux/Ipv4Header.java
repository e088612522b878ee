package io.vigil.linux;

import io.vigil.vrrp.InternetChecksum;

import java.lang.foreign.MemorySegment;
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

    private Ipv4Header() {}

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
