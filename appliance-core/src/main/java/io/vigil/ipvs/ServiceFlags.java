package io.vigil.ipvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** IP_VS_SVC_F_* bits (linux/ip_vs.h) and keepalived's names for the scheduler flags. */
public final class ServiceFlags {
    public static final int PERSISTENT = 0x0001;
    public static final int HASHED = 0x0002;
    public static final int ONEPACKET = 0x0004;
    public static final int SCHED1 = 0x0008;
    public static final int SCHED2 = 0x0010;
    public static final int SCHED3 = 0x0020;
    /** Bits user space sets; the kernel adds HASHED on its own. */
    public static final int USER_MASK = PERSISTENT | ONEPACKET | SCHED1 | SCHED2 | SCHED3;

    private ServiceFlags() {}

    /**
     * keepalived's lb_flags words: sh-fallback/mh-fallback = SCHED1, sh-port/mh-port = SCHED2, flag-1..3.
     * (ops, one-packet scheduling, is a virtual_server keyword of its own.)
     */
    public static int parse(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "sh-fallback", "mh-fallback", "flag-1" -> SCHED1;
            case "sh-port", "mh-port", "flag-2" -> SCHED2;
            case "flag-3" -> SCHED3;
            case "ops" -> ONEPACKET;
            default -> throw new IllegalArgumentException("unknown scheduler flag '" + word + "'"
                    + " (sh-port, sh-fallback, mh-port, mh-fallback, flag-1, flag-2, flag-3)");
        };
    }

    /** Flag words as ipvsadm shows them for this scheduler. */
    public static String describe(String scheduler, int flags) {
        List<String> w = new ArrayList<>();
        boolean hashing = scheduler.equals("sh") || scheduler.equals("mh");
        if ((flags & ONEPACKET) != 0) w.add("ops");
        if ((flags & SCHED1) != 0) w.add(hashing ? scheduler + "-fallback" : "flag-1");
        if ((flags & SCHED2) != 0) w.add(hashing ? scheduler + "-port" : "flag-2");
        if ((flags & SCHED3) != 0) w.add("flag-3");
        return String.join(",", w);
    }

    static String dotted(int mask) {
        return ((mask >>> 24) & 255) + "." + ((mask >>> 16) & 255) + "." + ((mask >>> 8) & 255) + "." + (mask & 255);
    }
}
