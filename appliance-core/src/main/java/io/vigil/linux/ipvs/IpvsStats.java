package io.vigil.linux.ipvs;

/** Counters the kernel keeps per service and per destination (since creation or the last zero). */
public record IpvsStats(long conns, long inPackets, long outPackets, long inBytes, long outBytes) {
    public static final IpvsStats ZERO = new IpvsStats(0, 0, 0, 0, 0);
}
