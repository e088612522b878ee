package io.vigil.linux;

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
        b.putShort(start + 10, (short) checksum(b, start, LENGTH));
        buf.position(start + LENGTH);
    }

    /** RFC 1071 Internet checksum of {@code len} bytes at {@code off} (absolute) in {@code b}. */
    public static int checksum(ByteBuffer b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) sum += ((b.get(off + i) & 0xff) << 8) | (b.get(off + i + 1) & 0xff);
        if ((len & 1) != 0) sum += (b.get(off + len - 1) & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }
}
