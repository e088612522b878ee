package io.vigil.ipvs;

import java.util.List;
import java.util.Locale;

/** The IPVS schedulers keepalived's lb_algo accepts. Whether the running kernel has one shows on first use. */
public final class Schedulers {
    public static final List<String> KNOWN =
            List.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "mh", "sed", "nq", "fo", "ovf", "twos");

    private Schedulers() {}

    public static String parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!KNOWN.contains(n)) {
            throw new IllegalArgumentException("unknown lb_algo '" + name + "' (one of " + String.join(", ", KNOWN) + ")");
        }
        return n;
    }
}
