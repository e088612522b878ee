package io.vigil.ipvs;

import java.util.Locale;

/**
 * keepalived's {@code lb_kind}, as the IPVS connection-flag forwarding method. LOCAL is never asked for: the
 * kernel reports it for a destination whose address is local to the director, whatever method was set.
 */
public enum ForwardMethod {
    NAT(0, "Masq"), LOCAL(1, "Local"), TUN(2, "Tunnel"), DR(3, "Route");

    /** IP_VS_CONN_F_FWD_MASK */
    public static final int MASK = 0x7;

    private final int connFlags;
    private final String ipvsadmName;

    ForwardMethod(int connFlags, String ipvsadmName) {
        this.connFlags = connFlags;
        this.ipvsadmName = ipvsadmName;
    }

    public int connFlags() { return connFlags; }

    /** The word {@code ipvsadm -Ln} prints in its Forward column. */
    public String ipvsadmName() { return ipvsadmName; }

    public static ForwardMethod ofConnFlags(int flags) {
        int m = flags & MASK;
        for (ForwardMethod f : values()) if (f.connFlags == m) return f;
        throw new IllegalArgumentException("unknown IPVS forwarding method " + m);
    }

    /** keepalived's lb_kind: DR, NAT or TUN (also the old spellings DIRECT_ROUTE/TUNNEL). */
    public static ForwardMethod parse(String s) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "DR", "DIRECT_ROUTE" -> DR;
            case "NAT", "MASQ" -> NAT;
            case "TUN", "TUNNEL" -> TUN;
            default -> throw new IllegalArgumentException("lb_kind must be DR, NAT or TUN, not '" + s + "'");
        };
    }
}
