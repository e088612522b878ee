package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.math.BigDecimal;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads keepalived value syntax from statements, reporting what keepalived accepts when a value is wrong.
 * Every reader returns empty (after a diagnostic) for a bad value, so the caller keeps its default — which is
 * what keepalived does ("... not valid! ... Using default 100").
 */
final class Values {
    private final Diagnostics diags;
    private final ArgLocations locs;

    Values(Diagnostics diags, ArgLocations locs) {
        this.diags = diags;
        this.locs = locs;
    }

    /** Where argument {@code i} of {@code c} was written. */
    io.vigil.check.api.SourceLocation at(ConfigNode c, int i) { return locs.of(c, i); }

    /** The single argument of {@code c}; warns about a missing or extra ones. */
    Optional<String> string(ConfigNode c) {
        if (c.args().isEmpty()) {
            diags.warning(c.where(), c.keyword() + " needs a value; ignored");
            return Optional.empty();
        }
        extraArgs(c, 1);
        return Optional.of(c.args().getFirst());
    }

    /** Warns about arguments beyond {@code allowed} — keepalived silently ignores most of them. */
    void extraArgs(ConfigNode c, int allowed) {
        if (c.args().size() <= allowed) return;
        String extra = String.join(" ", c.args().subList(allowed, c.args().size()));
        diags.warning(at(c, allowed), "extra text after " + c.keyword() + " ignored: '" + extra + "'" + slashHint(extra));
    }

    static String slashHint(String text) {
        return text.startsWith("//") ? " ('//' does not start a comment in keepalived.conf; use '#' or '!')" : "";
    }

    Optional<Long> integer(ConfigNode c, long min, long max, String fallback) {
        return string(c).flatMap(s -> integer(c, s, min, max, fallback));
    }

    Optional<Long> integer(ConfigNode c, String s, long min, long max, String fallback) {
        var where = at(c, c.args().indexOf(s));
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            diags.warning(where, c.keyword() + " '" + s + "' is not a number: keepalived accepts " + min + ".." + max
                    + "; " + fallback);
            return Optional.empty();
        }
        if (v < min || v > max) {
            diags.warning(where, c.keyword() + " " + v + " is out of range: keepalived accepts " + min + ".." + max
                    + "; " + fallback);
            return Optional.empty();
        }
        return Optional.of(v);
    }

    Optional<Integer> int32(ConfigNode c, long min, long max, String fallback) {
        return integer(c, min, max, fallback).map(Long::intValue);
    }

    /** keepalived TIMER: seconds with an optional fraction, microsecond resolution. */
    Optional<Duration> timer(ConfigNode c, double minSeconds, double maxSeconds, String fallback) {
        return string(c).flatMap(s -> timer(c, s, minSeconds, maxSeconds, fallback));
    }

    Optional<Duration> timer(ConfigNode c, String s, double minSeconds, double maxSeconds, String fallback) {
        var where = at(c, c.args().indexOf(s));
        if (!isDecimal(s)) { // no exponents: "1e999999999" must not hang us
            diags.warning(where, c.keyword() + " '" + s + "' is not a time in seconds: keepalived accepts "
                    + num(minSeconds) + ".." + num(maxSeconds) + "; " + fallback);
            return Optional.empty();
        }
        long micros = micros(s);
        if (micros < Math.round(minSeconds * 1e6) || micros > Math.round(maxSeconds * 1e6)) {
            diags.warning(where, c.keyword() + " " + s + " is out of range: keepalived accepts " + num(minSeconds)
                    + ".." + num(maxSeconds) + " seconds; " + fallback);
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(micros * 1000));
    }

    /**
     * A {@link #isDecimal} text in microseconds, rounded half up (away from zero), saturating at the long's range.
     * Not through BigDecimal: its class initialiser alone took 20-80 ms of {@code vigil run}'s start-up (it squares
     * large BigIntegers), and advert_int is in every configuration.
     */
    static long micros(String s) {
        boolean negative = s.charAt(0) == '-';
        int dot = s.indexOf('.'), end = dot < 0 ? s.length() : dot;
        long whole = 0;
        for (int i = negative ? 1 : 0; i < end; i++) whole = whole * 10 + (s.charAt(i) - '0'); // <= 17 digits: no overflow
        if (whole > Long.MAX_VALUE / 1_000_000 - 1) return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        long fraction = 0;
        for (int i = 1; i <= 6; i++) {
            int at = dot + i;
            fraction = fraction * 10 + (dot >= 0 && at < s.length() ? s.charAt(at) - '0' : 0);
        }
        if (dot >= 0 && dot + 7 < s.length() && s.charAt(dot + 7) >= '5') fraction++;
        long m = whole * 1_000_000 + fraction;
        return negative ? -m : m;
    }

    /** keepalived TIMER syntax: digits with an optional fraction, at most 18 characters. */
    static boolean isDecimal(String s) {
        int n = s.length(), i = 0;
        if (n == 0 || n > 18) return false;
        if (s.charAt(0) == '-') i++;
        int digits = 0;
        boolean dot = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') digits++;
            else if (c == '.' && !dot) dot = true;
            else return false;
        }
        return digits > 0;
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** keepalived BOOL: no argument means true; on|off|true|false|yes|no. */
    Optional<Boolean> bool(ConfigNode c) {
        if (c.args().isEmpty()) return Optional.of(true);
        extraArgs(c, 1);
        return switch (c.args().getFirst().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> Optional.of(true);
            case "off", "false", "no" -> Optional.of(false);
            default -> {
                diags.warning(at(c, 0), c.keyword() + " '" + c.args().getFirst()
                        + "' is not a boolean: keepalived accepts on|off|true|false|yes|no; ignored");
                yield Optional.empty();
            }
        };
    }

    /** A keyword that takes no value (nopreempt, alpha, ...): a value is ignored with a warning. */
    void flag(ConfigNode c) { extraArgs(c, 0); }

    // ------------------------------------------------------------------ addresses

    static boolean isIpv4(String s) {
        int parts = 0, i = 0, n = s.length();
        while (i <= n) {
            int start = i, v = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v * 10 + (s.charAt(i) - '0');
                if (v > 255 || i - start >= 3) return false;
                i++;
            }
            if (i == start) return false;
            parts++;
            if (i == n) break;
            if (s.charAt(i) != '.') return false;
            i++;
        }
        return parts == 4;
    }

    static boolean isIpv6(String s) {
        if (s.indexOf(':') < 0) return false;
        try {
            Inet6Address.ofLiteral(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isIp(String s) { return isIpv4(s) || isIpv6(s); }

    /** A port number 0..65535 in {@code args[index]}, or empty after a warning. */
    Optional<Integer> port(ConfigNode c, int index) {
        if (c.args().size() <= index) return Optional.empty();
        String s = c.args().get(index);
        try {
            int p = Integer.parseInt(s);
            if (p >= 0 && p <= 65535) return Optional.of(p);
        } catch (NumberFormatException e) {
            // reported below
        }
        diags.warning(at(c, index), c.keyword() + ": port '" + s + "' is not valid: keepalived accepts 0..65535" + slashHint(s));
        return Optional.empty();
    }
}
