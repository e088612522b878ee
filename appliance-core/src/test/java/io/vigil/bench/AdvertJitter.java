package io.vigil.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Send-interval jitter from receive timestamps: |interval - nominal|, percentiles in ms. */
final class AdvertJitter {
    private AdvertJitter() { }

    /** {@code times} in seconds (tcpdump -tt), {@code nominal} the advert interval in seconds. */
    static String report(List<Double> times, double nominal) {
        if (times.size() < 3) return "too few adverts: " + times.size();
        double[] dev = new double[times.size() - 1];
        for (int i = 1; i < times.size(); i++) dev[i - 1] = Math.abs((times.get(i) - times.get(i - 1)) - nominal) * 1000;
        Arrays.sort(dev);
        return String.format(Locale.ROOT, "%d intervals, jitter |interval-%.0f ms|: p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms",
                dev.length, nominal * 1000, pct(dev, 50), pct(dev, 99), pct(dev, 99.9), dev[dev.length - 1]);
    }

    static double p999(List<Double> times, double nominal) {
        double[] dev = new double[times.size() - 1];
        for (int i = 1; i < times.size(); i++) dev[i - 1] = Math.abs((times.get(i) - times.get(i - 1)) - nominal) * 1000;
        Arrays.sort(dev);
        return pct(dev, 99.9);
    }

    /** The largest |interval - nominal| in ms. */
    static double max(List<Double> times, double nominal) {
        double max = 0;
        for (int i = 1; i < times.size(); i++) max = Math.max(max, Math.abs((times.get(i) - times.get(i - 1)) - nominal) * 1000);
        return max;
    }

    /**
     * How many intervals are off by more than {@code overMs}, and the {@code n} worst with the time of the advert that
     * ended them (UTC, to set beside a GC or safepoint log's wall-clock decorations) and signed deviation.
     */
    static String worst(List<Double> times, double nominal, double overMs, int n) {
        record Dev(double at, double ms) { }
        List<Dev> devs = new java.util.ArrayList<>();
        for (int i = 1; i < times.size(); i++) devs.add(new Dev(times.get(i), ((times.get(i) - times.get(i - 1)) - nominal) * 1000));
        long over = devs.stream().filter(d -> Math.abs(d.ms()) > overMs).count();
        var fmt = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(java.time.ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d intervals off by more than %.1f ms; worst:", over, overMs));
        devs.stream().sorted((x, y) -> Double.compare(Math.abs(y.ms()), Math.abs(x.ms()))).limit(n).forEach(d -> b.append(
                String.format(Locale.ROOT, " %s %+.3f ms;", fmt.format(java.time.Instant.ofEpochSecond((long) d.at(),
                        Math.round((d.at() - Math.floor(d.at())) * 1e9))), d.ms())));
        return b.toString();
    }

    /**
     * Of the intervals in {@code a} off by more than {@code overMs}, how many ended within {@code withinMs} of one in
     * {@code b} also off by more: two processes stalled together point at the machine, not at either of them.
     */
    static String coincident(List<Double> a, List<Double> b, double nominal, double overMs, double withinMs) {
        List<Double> ea = ends(a, nominal, overMs), eb = ends(b, nominal, overMs);
        long both = ea.stream().filter(t -> eb.stream().anyMatch(u -> Math.abs(u - t) * 1000 <= withinMs)).count();
        return String.format(Locale.ROOT, "%d of %d ended within %.0f ms of one of the other's %d", both, ea.size(), withinMs, eb.size());
    }

    private static List<Double> ends(List<Double> times, double nominal, double overMs) {
        List<Double> e = new java.util.ArrayList<>();
        for (int i = 1; i < times.size(); i++) if (Math.abs((times.get(i) - times.get(i - 1)) - nominal) * 1000 > overMs) e.add(times.get(i));
        return e;
    }

    static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
