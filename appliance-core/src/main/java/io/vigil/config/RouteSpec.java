package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One line of {@code static_routes} / {@code virtual_routes}, keepalived's (and ip-route's) words:
 * {@code [blackhole|unreachable|prohibit] DEST[/LEN] [src ADDR] [via|gw GW] [dev IF] [table N] [metric N] [scope S]},
 * options in any order. IPv4 only. {@code table} 254 (main) and {@code scope} 0 (universe) when not written, as keepalived.
 */
public record RouteSpec(Type type, String destination, int prefixLength, Optional<String> via, Optional<String> device,
                        Optional<String> source, int table, Optional<Integer> metric, int scope, String text,
                        SourceLocation where) {
    public enum Type { UNICAST, BLACKHOLE, UNREACHABLE, PROHIBIT }

    static final Map<String, Integer> TABLES = Map.of("main", 254, "local", 255, "default", 253);
    static final Map<String, Integer> SCOPES = Map.of("global", 0, "universe", 0, "site", 200, "link", 253, "host", 254,
            "nowhere", 255);

    /** The block's lines; each bad line is reported through {@code problem} at its line and skipped. */
    public static List<RouteSpec> parseAll(ConfigNode block, BiConsumer<SourceLocation, String> problem) {
        return block.children().stream().map(c -> parse(c, problem)).flatMap(Optional::stream).toList();
    }

    static Optional<RouteSpec> parse(ConfigNode line, BiConsumer<SourceLocation, String> problem) {
        var t = new java.util.ArrayList<String>();
        t.add(line.keyword());
        t.addAll(line.args());
        String text = String.join(" ", t);
        Type type = Type.UNICAST;
        String dest = null, via = null, dev = null, src = null;
        int table = 254, scope = 0;
        Integer metric = null;
        try {
            for (int i = 0; i < t.size(); i++) {
                String w = t.get(i);
                switch (w) {
                    case "blackhole", "unreachable", "prohibit" -> type = Type.valueOf(w.toUpperCase());
                    case "src" -> src = ipv4(value(t, ++i, w), "src");
                    case "via", "gw" -> via = ipv4(value(t, ++i, w), w);
                    case "dev", "oif" -> dev = value(t, ++i, w);
                    case "table" -> table = named(value(t, ++i, w), TABLES, 1, Integer.MAX_VALUE, "table");
                    case "metric", "priority", "preference" -> metric = named(value(t, ++i, w), Map.of(), 0, Integer.MAX_VALUE, w);
                    case "scope" -> scope = named(value(t, ++i, w), SCOPES, 0, 255, "scope");
                    default -> {
                        if (dest != null) throw new IllegalArgumentException("unknown route option '" + w + "'");
                        dest = w.equals("default") ? "0.0.0.0/0" : w;
                    }
                }
            }
            if (dest == null) throw new IllegalArgumentException("no destination");
            int slash = dest.indexOf('/');
            String addr = slash < 0 ? dest : dest.substring(0, slash);
            if (Values.isIpv6(addr)) throw new IllegalArgumentException("IPv6 routes are not applied");
            ipv4(addr, "destination");
            int len = slash < 0 ? 32 : named(dest.substring(slash + 1), Map.of(), 0, 32, "prefix length");
            if (type == Type.UNICAST && via == null && dev == null)
                throw new IllegalArgumentException("a route needs 'via' or 'dev'");
            return Optional.of(new RouteSpec(type, addr, len, Optional.ofNullable(via), Optional.ofNullable(dev),
                    Optional.ofNullable(src), table, Optional.ofNullable(metric), scope, text, line.where()));
        } catch (IllegalArgumentException e) {
            problem.accept(line.where(), "route '" + text + "': " + e.getMessage() + "; skipped");
            return Optional.empty();
        }
    }

    private static String value(List<String> t, int i, String option) {
        if (i >= t.size()) throw new IllegalArgumentException("'" + option + "' needs a value");
        return t.get(i);
    }

    private static String ipv4(String a, String what) {
        if (!Values.isIpv4(a)) throw new IllegalArgumentException(what + " '" + a + "' is not an IPv4 address");
        return a;
    }

    private static int named(String v, Map<String, Integer> names, long min, long max, String what) {
        if (names.containsKey(v)) return names.get(v);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) return (int) n;
        } catch (NumberFormatException ignored) { }
        throw new IllegalArgumentException(what + " '" + v + "' is not valid");
    }

    /** {@code static_ipaddress} lines: {@code ADDR[/LEN] dev IF [label L]}; IPv4. */
    public record StaticAddress(String address, int prefixLength, String device, Optional<String> label, SourceLocation where) {
        public static List<StaticAddress> parseAll(ConfigNode block, BiConsumer<SourceLocation, String> problem) {
            var out = new java.util.ArrayList<StaticAddress>();
            for (ConfigNode c : block.children()) {
                String spec = c.keyword();
                int slash = spec.indexOf('/');
                String addr = slash < 0 ? spec : spec.substring(0, slash);
                String dev = null, label = null;
                String bad = null;
                var a = c.args();
                for (int i = 0; i < a.size() && bad == null; i++) {
                    switch (a.get(i)) {
                        case "dev" -> dev = i + 1 < a.size() ? a.get(++i) : null;
                        case "label" -> label = i + 1 < a.size() ? a.get(++i) : null;
                        case "brd", "broadcast", "scope" -> i++; // set by the kernel's defaults, as for VIPs
                        default -> bad = "unknown option '" + a.get(i) + "'";
                    }
                }
                int len = 32;
                if (bad == null && !Values.isIpv4(addr)) bad = "'" + addr + "' is not an IPv4 address";
                if (bad == null && slash >= 0) {
                    try { len = Integer.parseInt(spec.substring(slash + 1)); } catch (NumberFormatException e) { len = -1; }
                    if (len < 0 || len > 32) bad = "prefix length must be 0..32";
                }
                if (bad == null && dev == null) bad = "needs 'dev IF'";
                if (bad != null) {
                    problem.accept(c.where(), "static_ipaddress " + spec + ": " + bad + "; skipped");
                    continue;
                }
                out.add(new StaticAddress(addr, len, dev, Optional.ofNullable(label), c.where()));
            }
            return out;
        }
    }
}
