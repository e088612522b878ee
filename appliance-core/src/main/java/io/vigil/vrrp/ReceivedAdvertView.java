package io.vigil.vrrp;

import java.lang.foreign.MemorySegment;

/**
 * A received datagram read in place: the checks of the decoder over a reusable flyweight, nothing copied. Valid
 * until the buffer is reused or the view wrapped again; {@link #snapshot()} keeps one. One per receiving thread.
 */
public final class ReceivedAdvertView implements Advert {
    private final Ipv4HeaderFlyweight ip = new Ipv4HeaderFlyweight();
    private final VrrpAdvertFlyweight f = new VrrpAdvertFlyweight();
    private boolean sourceKnown;
    private int src, dst, ttl;

    /**
     * Wraps an IPv4 datagram as a raw IPPROTO_VRRP socket returns it (IP header first); {@code length} is the number
     * of bytes received. Null when it is a well-formed advert, else why it is dropped ({@link #sourceOrNull()} then
     * says from whom, when the IP header could be read).
     */
    public DropReason wrapDatagram(MemorySegment buf, long offset, long length) {
        sourceKnown = false;
        if (length < Ipv4HeaderFlyweight.MIN_LENGTH) return DropReason.TRUNCATED;
        ip.wrap(buf, offset);
        if (ip.version() != 4 || ip.headerLength() < Ipv4HeaderFlyweight.MIN_LENGTH) return DropReason.NOT_VRRP;
        src = ip.sourceBits();
        sourceKnown = true;
        if (ip.protocol() != VrrpAdvertFlyweight.PROTOCOL) return DropReason.NOT_VRRP;
        if (length < ip.headerLength()) return DropReason.TRUNCATED;
        if (ip.totalLength() != length) return DropReason.LENGTH_MISMATCH;
        return wrapMessage(buf, offset + ip.headerLength(), length - ip.headerLength(), src, ip.destinationBits(), ip.ttl());
    }

    /** Wraps a bare VRRP message whose IP fields are already known; as {@link #wrapDatagram} otherwise. */
    public DropReason wrapMessage(MemorySegment buf, long offset, long length, int sourceBits, int destinationBits, int ttl) {
        this.src = sourceBits;
        this.dst = destinationBits;
        this.ttl = ttl;
        sourceKnown = true;
        if (length < VrrpAdvertFlyweight.HEADER_LENGTH) return DropReason.TRUNCATED;
        f.wrap(buf, offset);
        int version = f.version();
        if (version != 2 && version != 3) return DropReason.VERSION_MISMATCH;
        int expected = f.messageLength();
        if (length < expected) return DropReason.TRUNCATED;
        if (length != expected) return DropReason.LENGTH_MISMATCH;
        return null;
    }

    /** The IP source of the last datagram wrapped, null if its header could not be read. */
    public Ipv4Address sourceOrNull() { return sourceKnown ? new Ipv4Address(src) : null; }

    @Override public int sourceBits() { return src; }
    @Override public int destinationBits() { return dst; }
    @Override public Ipv4Address source() { return new Ipv4Address(src); }
    @Override public Ipv4Address destination() { return new Ipv4Address(dst); }
    @Override public int ttl() { return ttl; }
    @Override public int version() { return f.version(); }
    @Override public int type() { return f.type(); }
    @Override public int vrid() { return f.vrid(); }
    @Override public int priority() { return f.priority(); }
    @Override public int authType() { return f.version() == 2 ? f.authType() : VrrpAdvertFlyweight.AUTH_NONE; }
    @Override public int advertIntervalCentis() { return f.advertIntervalCentis(); }
    @Override public boolean checksumValid() { return f.computeChecksum(src, dst) == f.checksum(); }
    @Override public int addressCount() { return f.count(); }
    @Override public int addressBits(int index) { return f.addressBits(index); }

    @Override
    public boolean authDataEquals(byte[] expected) {
        if (f.version() != 2) return expected.length == 0; // a v3 advert carries none
        return f.authDataEquals(expected);
    }

    @Override
    public ReceivedAdvert snapshot() {
        int version = f.version();
        return new ReceivedAdvert(source(), destination(), ttl, version, f.type(), f.vrid(), f.priority(), authType(),
                f.advertIntervalCentis(), f.addresses(), version == 2 ? f.authData() : new byte[0], f.checksum(),
                checksumValid());
    }
}
