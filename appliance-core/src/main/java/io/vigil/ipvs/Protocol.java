package io.vigil.ipvs;

import java.util.Locale;

/** Virtual service protocol, with its IP protocol number as IPVS stores it. */
public enum Protocol {
    TCP(6), UDP(17), SCTP(132);

    private final int number;

    Protocol(int number) { this.number = number; }

    public int number() { return number; }

    public static Protocol ofNumber(int n) {
        for (Protocol p : values()) if (p.number == n) return p;
        throw new IllegalArgumentException("unknown IPVS protocol number " + n);
    }

    /** keepalived's {@code protocol} keyword value (case-insensitive). */
    public static Protocol parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("protocol must be TCP, UDP or SCTP, not '" + s + "'");
        }
    }
}
