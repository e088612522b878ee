package io.vigil.vrrp;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.util.List;

/**
 * One received advertisement, decoded and copied out of the receive buffer (so the buffer can be reused at once),
 * with what the IP header said. Validation against an instance's configuration happens in {@link VrrpInstance}.
 *
 * @param advertIntervalCentis v2 seconds scaled to centiseconds, v3 as sent
 * @param authData             v2 only (8 bytes); empty for v3
 * @param checksumValid        the VRRP checksum verified (v3 with the pseudo-header of source/destination)
 */
public record ReceivedAdvert(Ipv4Address source, Ipv4Address destination, int ttl,
                             int version, int type, int vrid, int priority, int authType, int advertIntervalCentis,
                             List<Ipv4Address> addresses, byte[] authData, int checksum, boolean checksumValid)
        implements Advert {

    public ReceivedAdvert {
        addresses = List.copyOf(addresses);
        authData = authData.clone();
    }

    @Override public byte[] authData() { return authData.clone(); }
    @Override public int sourceBits() { return source.bits(); }
    @Override public int destinationBits() { return destination.bits(); }
    @Override public int addressCount() { return addresses.size(); }
    @Override public int addressBits(int index) { return addresses.get(index).bits(); }
    @Override public boolean authDataEquals(byte[] expected) { return MessageDigest.isEqual(authData, expected); }
    @Override public ReceivedAdvert snapshot() { return this; }

    /** Outcome of decoding a datagram: an advert, or a reason to drop it before it reaches any instance. */
    public sealed interface Decoded {
        record Ok(ReceivedAdvert advert) implements Decoded {}
        /** {@code source} is null when even the IP header could not be read. */
        record Malformed(DropReason reason, Ipv4Address source) implements Decoded {}
    }

    /**
     * Decodes an IPv4 datagram as a raw IPPROTO_VRRP socket returns it (IP header first).
     * {@code length} is the number of bytes received.
     */
    public static Decoded decodeDatagram(MemorySegment buf, long offset, long length) {
        ReceivedAdvertView v = new ReceivedAdvertView();
        DropReason bad = v.wrapDatagram(buf, offset, length);
        return bad == null ? new Decoded.Ok(v.snapshot()) : new Decoded.Malformed(bad, v.sourceOrNull());
    }

    /** Decodes a bare VRRP message whose IP fields are already known (e.g. from recvmsg ancillary data). */
    public static Decoded decodeMessage(MemorySegment buf, long offset, long length,
                                        Ipv4Address source, Ipv4Address destination, int ttl) {
        ReceivedAdvertView v = new ReceivedAdvertView();
        DropReason bad = v.wrapMessage(buf, offset, length, source.bits(), destination.bits(), ttl);
        return bad == null ? new Decoded.Ok(v.snapshot()) : new Decoded.Malformed(bad, source);
    }

    /**
     * The VRID of a datagram the decoder refused, when its IPv4 header and the VRID byte are there to read (-1
     * otherwise), so a malformed advert can still be counted against the instance it was meant for.
     */
    public static int peekVrid(MemorySegment buf, long offset, long length) {
        if (length < Ipv4HeaderFlyweight.MIN_LENGTH) return -1;
        Ipv4HeaderFlyweight ip = new Ipv4HeaderFlyweight().wrap(buf, offset);
        int ihl = ip.headerLength();
        if (ip.version() != 4 || ihl < Ipv4HeaderFlyweight.MIN_LENGTH || ip.protocol() != VrrpAdvertFlyweight.PROTOCOL
                || length < ihl + 2L) return -1;
        return new VrrpAdvertFlyweight().wrap(buf, offset + ihl).vrid();
    }

    /** Convenience for tests and simulations: decodes a message held in an array. */
    public static Decoded decodeMessage(byte[] message, Ipv4Address source, Ipv4Address destination, int ttl) {
        return decodeMessage(MemorySegment.ofArray(message), 0, message.length, source, destination, ttl);
    }
}
