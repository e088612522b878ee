package io.vigil.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Flyweight over a VRRP advertisement (the VRRP message only, after the IP header), in the style of Aeron's
 * DataHeaderFlyweight: no copy, getters and setters at fixed offsets. Works over a heap segment
 * ({@code MemorySegment.ofArray}) or the native receive buffer of a raw socket alike.
 *
 * <pre>
 *  0                   1                   2                   3
 * |Version| Type  | Virtual Rtr ID|   Priority    | Count IPv4 Addr|
 * v2: | Auth Type | Adver Int (s) |   v3: |rsvd(4)| Max Adver Int (12 bits, centiseconds)|   then Checksum (16)
 * |                         IPv4 Address(es)                      |
 * v2 only: |            Authentication Data (8 bytes)             |
 * </pre>
 */
public final class VrrpAdvertFlyweight {
    public static final int PROTOCOL = 112;
    public static final int HEADER_LENGTH = 8;
    public static final int AUTH_DATA_LENGTH = 8;
    public static final int TYPE_ADVERTISEMENT = 1;
    public static final int AUTH_NONE = 0;
    public static final int AUTH_PASS = 1;
    public static final int AUTH_AH = 2;
    /** RFC 3768/5798: a VRRP advertisement must be received with IP TTL 255. */
    public static final int REQUIRED_TTL = 255;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    // field offsets (RFC 3768 §5.1, RFC 5798 §5.1); addresses follow the header, v2 auth data follows them
    static final int VERSION_TYPE = 0, VRID = 1, PRIORITY = 2, COUNT = 3, AUTH_TYPE = 4, ADVERT_INT = 5,
            MAX_ADVERT_INT = 4, CHECKSUM = 6, ADDRESSES = HEADER_LENGTH;

    private MemorySegment seg;
    private long off;

    public VrrpAdvertFlyweight wrap(MemorySegment segment, long offset) {
        this.seg = segment;
        this.off = offset;
        return this;
    }

    public MemorySegment segment() { return seg; }
    public long offset() { return off; }

    /** Bytes in a message of this version with {@code count} IPv4 addresses (v2 carries 8 bytes of auth data). */
    public static int messageLength(int version, int count) {
        return HEADER_LENGTH + 4 * count + (version == 2 ? AUTH_DATA_LENGTH : 0);
    }

    /** Length implied by this message's version and count fields. */
    public int messageLength() { return messageLength(version(), count()); }

    private int u8(long at) { return seg.get(ValueLayout.JAVA_BYTE, off + at) & 0xFF; }
    private void u8(long at, int v) { seg.set(ValueLayout.JAVA_BYTE, off + at, (byte) v); }

    public int version() { return u8(VERSION_TYPE) >>> 4; }
    public VrrpAdvertFlyweight version(int v) { u8(VERSION_TYPE, (v & 0x0F) << 4 | type()); return this; }
    public int type() { return u8(VERSION_TYPE) & 0x0F; }
    public VrrpAdvertFlyweight type(int t) { u8(VERSION_TYPE, version() << 4 | (t & 0x0F)); return this; }
    public int vrid() { return u8(VRID); }
    public VrrpAdvertFlyweight vrid(int v) { u8(VRID, v); return this; }
    public int priority() { return u8(PRIORITY); }
    public VrrpAdvertFlyweight priority(int p) { u8(PRIORITY, p); return this; }
    public int count() { return u8(COUNT); }
    public VrrpAdvertFlyweight count(int c) { u8(COUNT, c); return this; }

    /** v2 only: authentication type (0 none, 1 simple text password, 2 IP AH). */
    public int authType() { return u8(AUTH_TYPE); }
    public VrrpAdvertFlyweight authType(int t) { u8(AUTH_TYPE, t); return this; }
    /** v2 only: advertisement interval in seconds. */
    public int advertIntervalSeconds() { return u8(ADVERT_INT); }
    public VrrpAdvertFlyweight advertIntervalSeconds(int s) { u8(ADVERT_INT, s); return this; }
    /** v3 only: maximum advertisement interval in centiseconds (low 12 bits; the 4 reserved bits are ignored). */
    public int maxAdvertIntervalCentis() { return Short.toUnsignedInt(seg.get(U16, off + MAX_ADVERT_INT)) & 0x0FFF; }
    public VrrpAdvertFlyweight maxAdvertIntervalCentis(int cs) { seg.set(U16, off + MAX_ADVERT_INT, (short) (cs & 0x0FFF)); return this; }

    /** The advertisement interval in centiseconds whatever the version (v2 seconds are scaled by 100). */
    public int advertIntervalCentis() {
        return version() == 2 ? advertIntervalSeconds() * 100 : maxAdvertIntervalCentis();
    }

    public int checksum() { return Short.toUnsignedInt(seg.get(U16, off + CHECKSUM)); }
    public VrrpAdvertFlyweight checksum(int c) { seg.set(U16, off + CHECKSUM, (short) c); return this; }

    public Ipv4Address address(int index) { return new Ipv4Address(addressBits(index)); }
    public int addressBits(int index) { return seg.get(U32, off + ADDRESSES + 4L * index); }
    public VrrpAdvertFlyweight address(int index, Ipv4Address a) { seg.set(U32, off + ADDRESSES + 4L * index, a.bits()); return this; }

    public List<Ipv4Address> addresses() {
        int n = count();
        List<Ipv4Address> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(address(i));
        return List.copyOf(out);
    }

    private long authOffset() { return off + ADDRESSES + 4L * count(); }

    /** v2 only: the 8 authentication data bytes (the PASS password, zero padded). */
    public byte[] authData() {
        return seg.asSlice(authOffset(), AUTH_DATA_LENGTH).toArray(ValueLayout.JAVA_BYTE);
    }

    /** v2 only: whether the 8 auth data bytes equal {@code expected}, in constant time (as MessageDigest.isEqual). */
    public boolean authDataEquals(byte[] expected) {
        if (expected.length != AUTH_DATA_LENGTH) return false;
        long at = authOffset();
        int diff = 0;
        for (int i = 0; i < AUTH_DATA_LENGTH; i++) diff |= seg.get(ValueLayout.JAVA_BYTE, at + i) ^ expected[i];
        return diff == 0;
    }

    /** v2 only: writes up to 8 bytes of auth data, zero padding the rest. Set count first. */
    public VrrpAdvertFlyweight authData(byte[] data) {
        long at = authOffset();
        for (int i = 0; i < AUTH_DATA_LENGTH; i++)
            seg.set(ValueLayout.JAVA_BYTE, at + i, i < data.length ? data[i] : 0);
        return this;
    }

    /**
     * The checksum this message should carry: v2 over the VRRP message alone (RFC 3768 §5.3.8), v3 over the IPv4
     * pseudo-header (src, dst, 0, 112, length) plus the message (RFC 5798 §5.2.8). The checksum field is
     * treated as zero.
     */
    public int computeChecksum(Ipv4Address source, Ipv4Address destination) {
        return computeChecksum(source.bits(), destination.bits());
    }

    /** As {@link #computeChecksum(Ipv4Address, Ipv4Address)}, the addresses as their bits. */
    public int computeChecksum(int sourceBits, int destinationBits) {
        int len = messageLength();
        long sum = 0;
        if (version() == 3) {
            sum = InternetChecksum.add(sum, sourceBits);
            sum = InternetChecksum.add(sum, destinationBits);
            sum += PROTOCOL;
            sum += len;
        }
        sum = InternetChecksum.add(sum, seg, off, CHECKSUM);    // skip the checksum field
        sum = InternetChecksum.add(sum, seg, off + CHECKSUM + 2, len - (CHECKSUM + 2L));
        return InternetChecksum.finish(sum);
    }

    public boolean checksumValid(Ipv4Address source, Ipv4Address destination) {
        return computeChecksum(source, destination) == checksum();
    }

    /** Computes and stores the checksum. */
    public VrrpAdvertFlyweight fillChecksum(Ipv4Address source, Ipv4Address destination) {
        return checksum(computeChecksum(source, destination));
    }

    /**
     * Encodes a whole advertisement into a new array. {@code advertCentis} must be a multiple of 100 for v2.
     * {@code authData} is ignored for v3 and may be null for auth type none.
     */
    public static byte[] encode(int version, int vrid, int priority, int advertCentis, List<Ipv4Address> addresses,
                                int authType, byte[] authData, Ipv4Address source, Ipv4Address destination) {
        byte[] buf = new byte[messageLength(version, addresses.size())];
        VrrpAdvertFlyweight f = new VrrpAdvertFlyweight().wrap(MemorySegment.ofArray(buf), 0);
        f.version(version).type(TYPE_ADVERTISEMENT).vrid(vrid).priority(priority).count(addresses.size());
        if (version == 2) {
            f.authType(authType).advertIntervalSeconds(advertCentis / 100);
        } else {
            f.maxAdvertIntervalCentis(advertCentis);
        }
        for (int i = 0; i < addresses.size(); i++) f.address(i, addresses.get(i));
        if (version == 2) f.authData(authData == null ? new byte[0] : authData);
        f.fillChecksum(source, destination);
        return buf;
    }
}
