package io.vigil.check.api;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The outcome of one probe.
 *
 * @param up      whether the target passed
 * @param latency time from probe start to verdict
 * @param detail  one line for operators and the journal: status code, digest mismatch, exit code, error
 * @param weight  a new real-server weight chosen by the check ({@code misc_dynamic}: exit code - 2); empty
 *                keeps the configured weight
 */
public record CheckResult(boolean up, Duration latency, String detail, OptionalInt weight) {
    public CheckResult {
        Objects.requireNonNull(latency, "latency");
        detail = detail == null ? "" : detail;
        weight = weight == null ? OptionalInt.empty() : weight;
    }

    public static CheckResult up(Duration latency, String detail) {
        return new CheckResult(true, latency, detail, OptionalInt.empty());
    }

    public static CheckResult down(Duration latency, String detail) {
        return new CheckResult(false, latency, detail, OptionalInt.empty());
    }

    /** Elapsed time since {@code startNanos} (a {@link System#nanoTime()} reading). */
    public static Duration since(long startNanos) { return Duration.ofNanos(System.nanoTime() - startNanos); }

    public CheckResult withWeight(int w) { return new CheckResult(up, latency, detail, OptionalInt.of(w)); }
}
