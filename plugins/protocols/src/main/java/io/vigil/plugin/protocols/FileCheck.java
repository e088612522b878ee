package io.vigil.plugin.protocols;

import io.vertx.core.Future;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * One FILE_CHECK (keepalived track_file.c): read the file's integer as strtol(…, 0) does and turn it into a
 * verdict and a weight. keepalived reacts to inotify; here the file is read at each probe.
 */
final class FileCheck implements Check {
    private final String name;
    private final Path file;
    private final int weight;
    private final boolean reverse;
    private final int baseWeight;
    /** The last valid value: an unparsable number is ignored and the previous state kept, as keepalived does. */
    private volatile long last;

    FileCheck(String name, Path file, int weight, boolean reverse, int baseWeight) {
        this.name = name;
        this.file = file;
        this.weight = weight;
        this.reverse = reverse;
        this.baseWeight = baseWeight;
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        String what = "track_file " + name + " (" + file + ")";
        String note = "";
        long value;
        try {
            OptionalLong v = read(file);
            if (v.isEmpty()) {
                value = last;
                note = ", invalid number ignored";
            } else {
                value = v.getAsLong();
            }
        } catch (NoSuchFileException e) {
            value = 0;
            note = ", file absent";
        } catch (IOException e) {
            value = 0;
            note = ", unreadable (" + e.getMessage() + ")";
        }
        last = value;
        return Future.succeededFuture(verdict(value, CheckResult.since(start), what + " = " + value + note));
    }

    CheckResult verdict(long value, java.time.Duration latency, String detail) {
        if (weight == 0) {
            boolean fault = (value != 0) != reverse;
            return fault ? CheckResult.down(latency, detail + (reverse ? " (reverse, weight 0): fault" : " (weight 0): fault"))
                    : CheckResult.up(latency, detail);
        }
        long delta = value * weight * (reverse ? -1 : 1);
        if (delta <= Integer.MIN_VALUE) return CheckResult.down(latency, detail + ": weight " + delta + ", fault");
        long w = Math.max(0, Math.min(Integer.MAX_VALUE, (long) baseWeight + Math.min(delta, Integer.MAX_VALUE)));
        return CheckResult.up(latency, detail + ": weight " + baseWeight + (delta >= 0 ? " + " : " - ") + Math.abs(delta)
                + " = " + w).withWeight((int) w);
    }

    /** The value as strtol(buf, NULL, 0) reads the first 127 octets; empty when outside keepalived's int range. */
    static OptionalLong read(Path file) throws IOException {
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes(127);
        }
        return parse(new String(b, StandardCharsets.ISO_8859_1));
    }

    static OptionalLong parse(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) neg = s.charAt(i++) == '-';
        int radix = 10;
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < s.length() && s.charAt(i) == '0') {
            radix = 8;
        }
        long v = 0;
        for (; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) break;
            v = v * radix + d;
            if (v > 1L << 40) return OptionalLong.empty();
        }
        v = neg ? -v : v;
        if (v < Integer.MIN_VALUE || v > (long) Integer.MAX_VALUE + 1) return OptionalLong.empty();
        return OptionalLong.of(v);
    }

    @Override public String describe(CheckContext ctx) { return "FILE_CHECK " + name + " " + file; }
}
