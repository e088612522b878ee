package io.vigil.journal;

/**
 * "How many probes of X succeeded (and failed) between T1 and T2, and how fast?" answered from journal entries:
 * individual {@link Event.CheckResult}s (probes, {@code attempt ≥ 1}; checker transitions have attempt 0 and are
 * not probes) and the {@link Event.CheckSummary} runs {@link CheckCoalescer} folds repeats into. A summary wholly
 * inside [from, to) counts exactly; one wholly outside not at all; one that straddles a bound is reported as
 * {@code upUncertain}/{@code downUncertain} (between 0 and all of them fell inside), so the answer is exact
 * whenever the bounds fall between runs — and never silently wrong. Latency is over the exactly counted
 * successful probes: count, min, max, sum exactly, the histogram's quantiles within a factor of two.
 *
 * <p>Feed entries in any order with {@link #accept}; {@code target} matches an entry's target ("198.51.100.13:80"),
 * or its address alone ("198.51.100.13"), or its checker name.
 */
public final class ProbeQuery {
    private final String target;
    private final long fromNs, toNs;
    private long up, down, upUncertain, downUncertain, latCount, latMin = Long.MAX_VALUE, latMax = Long.MIN_VALUE, latSum;
    private final LatencyHistogram histogram = new LatencyHistogram();

    public ProbeQuery(String target, long fromWallNs, long toWallNs) {
        this.target = target;
        this.fromNs = fromWallNs;
        this.toNs = toWallNs;
    }

    public record Answer(long up, long down, long upUncertain, long downUncertain, long latencyCount, long latencyMinNs,
                         long latencyMaxNs, long latencySumNs, LatencyHistogram histogram) {
        public boolean exact() { return upUncertain == 0 && downUncertain == 0; }
        public long meanNs() { return latencyCount == 0 ? 0 : latencySumNs / latencyCount; }
    }

    boolean matches(String checker, String t) {
        return target == null || target.isEmpty() || t.equals(target) || t.startsWith(target + ":") || checker.equals(target);
    }

    private boolean inside(long wallNs) { return wallNs >= fromNs && wallNs < toNs; }

    public void accept(Entry e) {
        switch (e.event()) {
            case Event.CheckResult r when r.attempt() >= 1 && matches(r.checker(), r.target()) && inside(e.wallNs()) -> {
                if (r.up()) {
                    up++;
                    latency(1, r.latencyNs(), r.latencyNs(), r.latencyNs());
                    histogram.add(r.latencyNs());
                } else {
                    down++;
                }
            }
            case Event.CheckSummary s when matches(s.checker(), s.target()) -> {
                boolean all = inside(s.firstWallNs()) && inside(s.lastWallNs());
                boolean none = s.lastWallNs() < fromNs || s.firstWallNs() >= toNs;
                if (none) return;
                if (!all) {
                    if (s.up()) upUncertain += s.count(); else downUncertain += s.count();
                    return;
                }
                if (s.up()) {
                    up += s.count();
                    latency(s.count(), s.latencyMinNs(), s.latencyMaxNs(), s.latencySumNs());
                    histogram.add(LatencyHistogram.parse(s.histogram()));
                } else {
                    down += s.count();
                }
            }
            default -> { }
        }
    }

    private void latency(long n, long min, long max, long sum) {
        latCount += n;
        latMin = Math.min(latMin, min);
        latMax = Math.max(latMax, max);
        latSum += sum;
    }

    public Answer answer() {
        LatencyHistogram h = new LatencyHistogram();
        h.add(histogram);
        return new Answer(up, down, upUncertain, downUncertain, latCount, latCount == 0 ? 0 : latMin,
                latCount == 0 ? 0 : latMax, latSum, h);
    }
}
