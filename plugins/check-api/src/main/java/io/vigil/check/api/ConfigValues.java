package io.vigil.check.api;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Parsing helpers for checker blocks, so plugins report bad values the way Vigil's own parser does
 * ({@code file:line:col: keyword: reason}).
 */
public final class ConfigValues {
    private ConfigValues() {}

    /** The single argument of {@code node}, or an error naming it. */
    public static String arg(ConfigNode node) throws CheckConfigException {
        if (node.args().isEmpty()) throw new CheckConfigException(node.where(), node.keyword() + ": missing value");
        return node.args().getFirst();
    }

    /** All arguments joined with single spaces (for values that may contain spaces, like a script). */
    public static String joinedArgs(ConfigNode node) throws CheckConfigException {
        if (node.args().isEmpty()) throw new CheckConfigException(node.where(), node.keyword() + ": missing value");
        return String.join(" ", node.args());
    }

    public static int integer(ConfigNode node, long min, long max) throws CheckConfigException {
        String v = arg(node);
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new CheckConfigException(node.where(), node.keyword() + ": " + v + " is outside " + min + ".." + max);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new CheckConfigException(node.where(), node.keyword() + ": '" + v + "' is not an integer");
        }
    }

    /** keepalived timers: seconds, fractions allowed ({@code 1}, {@code 0.5}). */
    public static Duration seconds(ConfigNode node) throws CheckConfigException {
        String v = arg(node);
        try {
            double s = Double.parseDouble(v);
            if (s < 0 || Double.isNaN(s) || Double.isInfinite(s) || s > 86_400 * 365) {
                throw new CheckConfigException(node.where(), node.keyword() + ": " + v + " is not a valid number of seconds");
            }
            return Duration.ofNanos(Math.round(s * 1e9));
        } catch (NumberFormatException e) {
            throw new CheckConfigException(node.where(), node.keyword() + ": '" + v + "' is not a number of seconds");
        }
    }

    public static Optional<Duration> optionalSeconds(ConfigNode block, String key) throws CheckConfigException {
        Optional<ConfigNode> n = block.child(key);
        return n.isPresent() ? Optional.of(seconds(n.get())) : Optional.empty();
    }

    public static ConfigNode required(ConfigNode block, String key) throws CheckConfigException {
        return block.child(key).orElseThrow(() ->
                new CheckConfigException(block.where(), block.keyword() + ": missing required '" + key + "'"));
    }

    /**
     * Rejects children of {@code block} that are neither in {@code known} nor
     * {@link CommonKeywords#HOST_HANDLED}: a typo must not silently disable a check option.
     */
    public static void rejectUnknown(ConfigNode block, Set<String> known) throws CheckConfigException {
        for (ConfigNode c : block.children()) {
            if (!known.contains(c.keyword()) && !CommonKeywords.HOST_HANDLED.contains(c.keyword())
                    && !(block.keyword().equals("vrrp_script") && CommonKeywords.TRACKER_HANDLED.contains(c.keyword()))) {
                throw new CheckConfigException(c.where(), "unknown keyword '" + c.keyword() + "' in " + block.keyword());
            }
        }
    }
}
