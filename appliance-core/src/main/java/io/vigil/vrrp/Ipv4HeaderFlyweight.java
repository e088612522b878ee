package io.vigil.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Read view of an IPv4 header as a raw IPPROTO_VRRP socket delivers it (the kernel includes the IP header on
 * receive). Only what VRRP validation needs: lengths, TTL, protocol, source and destination.
 */
public final class Ipv4HeaderFlyweight {
    public static final int MIN_LENGTH = 20;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    // field offsets (RFC 791)
    static final int VERSION_IHL = 0, TOS = 1, TOTAL_LENGTH = 2, IDENTIFICATION = 4, TTL = 8, PROTOCOL = 9,
            HEADER_CHECKSUM = 10, SOURCE = 12, DESTINATION = 16;

    private MemorySegment seg;
    private long off;

    public Ipv4HeaderFlyweight wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public int version() { return (seg.get(ValueLayout.JAVA_BYTE, off + VERSION_IHL) & 0xFF) >>> 4; }
    /** Header length in bytes (IHL * 4). */
    public int headerLength() { return (seg.get(ValueLayout.JAVA_BYTE, off + VERSION_IHL) & 0x0F) * 4; }
    public int tos() { return seg.get(ValueLayout.JAVA_BYTE, off + TOS) & 0xFF; }
    public int totalLength() { return Short.toUnsignedInt(seg.get(U16, off + TOTAL_LENGTH)); }
    public int identification() { return Short.toUnsignedInt(seg.get(U16, off + IDENTIFICATION)); }
    public int ttl() { return seg.get(ValueLayout.JAVA_BYTE, off + TTL) & 0xFF; }
    public int protocol() { return seg.get(ValueLayout.JAVA_BYTE, off + PROTOCOL) & 0xFF; }
    public int headerChecksum() { return Short.toUnsignedInt(seg.get(U16, off + HEADER_CHECKSUM)); }
    public Ipv4Address source() { return new Ipv4Address(sourceBits()); }
    public Ipv4Address destination() { return new Ipv4Address(destinationBits()); }
    public int sourceBits() { return seg.get(U32, off + SOURCE); }
    public int destinationBits() { return seg.get(U32, off + DESTINATION); }
    /** True if the header checksum verifies (RFC 1071 over the header sums to zero). */
    public boolean headerChecksumValid() { return InternetChecksum.compute(seg, off, headerLength()) == 0; }
}
