package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * {@code garp_extra_if [all] SECONDS} (instance) and {@code vrrp_garp_extra_if [all] SECONDS} (global_defs, its
 * default): while MASTER, one gratuitous ARP every {@code seconds} on the interfaces of the instance's addresses other
 * than its own: VMACs of other interfaces, or with {@code all} every such interface (keepalived 2.2.7).
 *
 * @param seconds 0 = off (an instance's own 0 turns the global default off)
 */
public record GarpExtraIf(int seconds, boolean all) {
    /**
     * Reads the keyword's words in any order as keepalived does; {@code min} is 1 for the global keyword, 0 for the
     * instance's. A bad word or a missing time is reported to {@code warn} and the keyword ignored.
     */
    public static Optional<GarpExtraIf> parse(ConfigNode c, int min, BiConsumer<SourceLocation, String> warn) {
        boolean all = false;
        Integer seconds = null;
        for (String a : c.args()) {
            if (a.equals("all")) { all = true; continue; }
            try {
                int v = Integer.parseInt(a);
                if (v < min || v > 86400) throw new NumberFormatException();
                seconds = v;
            } catch (NumberFormatException e) {
                warn.accept(c.where(), c.keyword() + " '" + a + "' invalid (keepalived accepts " + min + "..86400 seconds and 'all'); ignored");
                return Optional.empty();
            }
        }
        if (seconds == null) {
            warn.accept(c.where(), c.keyword() + " specified without time; ignored");
            return Optional.empty();
        }
        return Optional.of(new GarpExtraIf(seconds, all));
    }
}
