package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One line of {@code static_rules} / {@code virtual_rules}, ip-rule's words in any order:
 * {@code [from PFX|all] [to PFX|all] [iif IF] [oif IF] [fwmark N] table N|main|local [priority|preference|pref N]}.
 * IPv4 only. A rule without a preference gets keepalived's: 16384, then one less for each such rule in file order
 * (keepalived warns "probably not what you want"; so does Vigil, at the line).
 */
public record RuleSpec(Optional<String> from, int fromLength, Optional<String> to, int toLength, Optional<String> iif,
                       Optional<String> oif, Optional<Long> fwmark, int table, Optional<Integer> preference, String text,
                       SourceLocation where) {

    static final String NOTE = "IPv4 lookup rules (`from`, `to`, `iif`, `oif`, `fwmark`, `table`, `priority`), proto keepalived";

    /** Parses for the warnings: bad lines, and each rule without a preference (keepalived's own warning). */
    static void audit(ConfigNode block, BiConsumer<SourceLocation, String> warn) {
        for (RuleSpec r : parseAll(block, warn))
            if (r.preference().isEmpty())
                warn.accept(r.where(), "rule '" + r.text() + "' has no preference: numbered down from 16384 in file "
                        + "order, as keepalived does (probably not what you want)");
    }

    public RuleSpec withPreference(int p) {
        return new RuleSpec(from, fromLength, to, toLength, iif, oif, fwmark, table, Optional.of(p), text, where);
    }

    public static List<RuleSpec> parseAll(ConfigNode block, BiConsumer<SourceLocation, String> problem) {
        return block.children().stream().map(c -> parse(c, problem)).flatMap(Optional::stream).toList();
    }

    static Optional<RuleSpec> parse(ConfigNode line, BiConsumer<SourceLocation, String> problem) {
        var t = new java.util.ArrayList<String>();
        t.add(line.keyword());
        t.addAll(line.args());
        String text = String.join(" ", t);
        String[] from = {null, "0"}, to = {null, "0"};
        String iif = null, oif = null;
        Long mark = null;
        Integer table = null, pref = null;
        try {
            for (int i = 0; i < t.size(); i++) {
                String w = t.get(i);
                switch (w) {
                    case "from" -> from = prefix(value(t, ++i, w));
                    case "to" -> to = prefix(value(t, ++i, w));
                    case "iif", "dev" -> iif = value(t, ++i, w);
                    case "oif" -> oif = value(t, ++i, w);
                    case "fwmark" -> mark = Long.decode(value(t, ++i, w));
                    case "table", "lookup" -> table = number(value(t, ++i, w), RouteSpec.TABLES, 1, Integer.MAX_VALUE, "table");
                    case "priority", "preference", "pref" -> pref = number(value(t, ++i, w), Map.of(), 0, Integer.MAX_VALUE, w);
                    default -> throw new IllegalArgumentException("unknown rule option '" + w + "'");
                }
            }
            if (table == null) throw new IllegalArgumentException("a rule needs 'table N' (Vigil adds lookup rules only)");
            return Optional.of(new RuleSpec(Optional.ofNullable(from[0]), Integer.parseInt(from[1]), Optional.ofNullable(to[0]),
                    Integer.parseInt(to[1]), Optional.ofNullable(iif), Optional.ofNullable(oif), Optional.ofNullable(mark),
                    table, Optional.ofNullable(pref), text, line.where()));
        } catch (IllegalArgumentException e) {
            problem.accept(line.where(), "rule '" + text + "': " + e.getMessage() + "; skipped");
            return Optional.empty();
        }
    }

    /** "all" → none; ADDR[/LEN] → {addr, len}. */
    private static String[] prefix(String v) {
        if (v.equals("all")) return new String[] {null, "0"};
        int slash = v.indexOf('/');
        String a = slash < 0 ? v : v.substring(0, slash);
        if (Values.isIpv6(a)) throw new IllegalArgumentException("IPv6 rules are not applied");
        if (!Values.isIpv4(a)) throw new IllegalArgumentException("'" + a + "' is not an IPv4 address");
        int len = slash < 0 ? 32 : number(v.substring(slash + 1), Map.of(), 0, 32, "prefix length");
        return new String[] {a, Integer.toString(len)};
    }

    private static String value(List<String> t, int i, String option) {
        if (i >= t.size()) throw new IllegalArgumentException("'" + option + "' needs a value");
        return t.get(i);
    }

    private static int number(String v, Map<String, Integer> names, long min, long max, String what) {
        if (names.containsKey(v)) return names.get(v);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) return (int) n;
        } catch (NumberFormatException ignored) { }
        throw new IllegalArgumentException(what + " '" + v + "' is not valid");
    }
}
