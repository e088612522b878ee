package io.vigil.linux;

import java.util.HexFormat;

/** A 48-bit Ethernet address held in the low bits of a long (a value, unlike byte[]). */
public record MacAddress(long value) {
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

    public MacAddress {
        if ((value & ~0xffff_ffff_ffffL) != 0) throw new IllegalArgumentException("not a 48-bit MAC: " + value);
    }

    public static MacAddress of(byte[] b) {
        if (b.length != 6) throw new IllegalArgumentException("a MAC has 6 bytes, got " + b.length);
        long v = 0;
        for (byte x : b) v = (v << 8) | (x & 0xff);
        return new MacAddress(v);
    }

    /** Parses "aa:bb:cc:dd:ee:ff". */
    public static MacAddress parse(String s) {
        String[] p = s.split(":");
        if (p.length != 6) throw new IllegalArgumentException("not a MAC address: " + s);
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) Integer.parseInt(p[i], 16);
        return of(b);
    }

    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) (value >>> (40 - 8 * i));
        return b;
    }

    @Override public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes());
    }
}
