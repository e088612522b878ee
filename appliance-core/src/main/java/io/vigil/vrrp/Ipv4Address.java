package io.vigil.vrrp;

/**
 * An IPv4 address as its 32 bits in network (big-endian) order. Ordering is unsigned, as VRRP's
 * "higher primary IP wins" tie-break compares addresses as unsigned integers.
 */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    /** The VRRP multicast group 224.0.0.18 (RFC 5798 §5.1.1.2). */
    public static final Ipv4Address VRRP_GROUP = of(224, 0, 0, 18);

    public static Ipv4Address of(int a, int b, int c, int d) {
        return new Ipv4Address((a & 255) << 24 | (b & 255) << 16 | (c & 255) << 8 | (d & 255));
    }

    /** Parses dotted-quad text; throws IllegalArgumentException naming the text if it is not one. */
    public static Ipv4Address parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + text);
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit))
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            int octet = Integer.parseInt(p);
            if (octet > 255) throw new IllegalArgumentException("not an IPv4 address: " + text);
            v = v << 8 | octet;
        }
        return new Ipv4Address(v);
    }

    public static Ipv4Address fromBytes(byte[] b) {
        if (b.length != 4) throw new IllegalArgumentException("IPv4 address needs 4 bytes, got " + b.length);
        return of(b[0], b[1], b[2], b[3]);
    }

    public byte[] toBytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    public boolean isMulticast() {
        return isMulticast(bits);
    }

    public static boolean isMulticast(int bits) {
        return (bits >>> 28) == 0xE;
    }

    @Override public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(bits, o.bits);
    }

    @Override public String toString() {
        return (bits >>> 24) + "." + (bits >>> 16 & 255) + "." + (bits >>> 8 & 255) + "." + (bits & 255);
    }
}
