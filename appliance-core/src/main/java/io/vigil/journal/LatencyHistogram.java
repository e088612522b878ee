package io.vigil.journal;

import java.util.Arrays;

/**
 * Probe latencies in power-of-two buckets of microseconds: bucket {@code b} counts latencies below {@code 2^b µs}
 * (bucket 0: below 1 µs), the last one everything above ~36 min. Small enough to journal with every
 * {@link Event.CheckSummary}; percentiles read from it are upper bounds within a factor of two, while
 * count, min, max and sum travel exactly beside it. Text form: {@code "64us:3 128us:950 2ms:1"} (non-empty
 * buckets, by upper bound). Not thread-safe.
 */
public final class LatencyHistogram {
    static final int BUCKETS = 32;
    private final long[] counts = new long[BUCKETS];

    public static int bucket(long latencyNs) {
        long us = Math.max(0, latencyNs) / 1000;
        return Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(us)); // us < 2^b
    }

    /** Upper bound of bucket {@code b}, in ns. */
    public static long upperNs(int b) { return (1L << b) * 1000; }

    public void add(long latencyNs) { counts[bucket(latencyNs)]++; }

    public void add(LatencyHistogram o) { for (int i = 0; i < BUCKETS; i++) counts[i] += o.counts[i]; }

    public long count() { return Arrays.stream(counts).sum(); }

    public boolean isEmpty() { return count() == 0; }

    public void clear() { Arrays.fill(counts, 0); }

    /** Upper bound (ns) of the bucket holding the {@code p} quantile (0 < p ≤ 1); 0 when empty. */
    public long quantileUpperNs(double p) {
        long n = count(), seen = 0, rank = (long) Math.ceil(p * n);
        if (n == 0) return 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) return upperNs(i);
        }
        return upperNs(BUCKETS - 1);
    }

    public String format() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] == 0) continue;
            if (!b.isEmpty()) b.append(' ');
            b.append(label(i)).append(':').append(counts[i]);
        }
        return b.toString();
    }

    /** Reads {@link #format()}'s text; unknown labels are an error (a journal entry was altered or newer). */
    public static LatencyHistogram parse(String text) {
        LatencyHistogram h = new LatencyHistogram();
        if (text == null || text.isBlank()) return h;
        for (String part : text.trim().split(" +")) {
            int c = part.lastIndexOf(':');
            if (c < 0) throw new IllegalArgumentException("bad latency bucket '" + part + "'");
            h.counts[labelIndex(part.substring(0, c))] += Long.parseLong(part.substring(c + 1));
        }
        return h;
    }

    private static String label(int b) { return (1L << b) + "us"; }

    private static int labelIndex(String label) {
        for (int i = 0; i < BUCKETS; i++) if (label(i).equals(label)) return i;
        throw new IllegalArgumentException("bad latency bucket '" + label + "'");
    }

    @Override public boolean equals(Object o) { return o instanceof LatencyHistogram h && Arrays.equals(counts, h.counts); }
    @Override public int hashCode() { return Arrays.hashCode(counts); }
    @Override public String toString() { return format(); }
}
