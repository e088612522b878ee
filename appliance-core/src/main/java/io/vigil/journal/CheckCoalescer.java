package io.vigil.journal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Journals probe results by change, not by probe: a result whose class differs from its checker's previous one
 * (up/down, or the class of its detail — "connection refused" vs "timed out"), and every retry, is journaled individually as a
 * {@link Event.CheckResult}; the repeats after it are folded into one {@link Event.CheckSummary} (count, first and
 * last time, latency min/max/sum/histogram, caused by that individual entry), written when the class changes
 * (just before the new individual result) or once the summary has been open {@code summaryEveryNs}. 10,000
 * real servers failing the same way at delay_loop 1 then cost 10,000 / interval entries per second, not 10,000,
 * and {@link ProbeQuery} still answers "how many probes of X succeeded between T1 and T2, how fast" from them.
 *
 * <p>A checker is known by its name, unique on a node (it names its target too). Pure: entries go to a {@link Sink} (the node's journal, or a list in tests). Synchronized: the check engine
 * offers from its context, the node flushes at close.
 */
public final class CheckCoalescer {

    /** Takes an entry; returns its seq, or -1 if it was not taken (then the next result is journaled individually). */
    @FunctionalInterface
    public interface Sink {
        long append(Cause cause, Event event, long monoNs, long wallNs);
    }

    /** Durations inside a detail ("after 2000 ms", "12.5ms") vary per probe without changing what happened. */
    private static final Pattern DURATION = Pattern.compile("\\d+(\\.\\d+)?\\s*(ns|us|µs|ms|s)\\b");

    private final long summaryEveryNs;
    private final Map<String, Run> runs = new HashMap<>();
    /** Runs with an open summary, in the order it opened (entries go stale when a summary closes early). */
    private final ArrayDeque<Due> due = new ArrayDeque<>();

    public CheckCoalescer(long summaryEveryNs) {
        if (summaryEveryNs <= 0) throw new IllegalArgumentException("summary interval must be > 0");
        this.summaryEveryNs = summaryEveryNs;
    }

    /** The class a detail belongs to: the detail with its durations blanked. */
    public static String detailClass(String detail) {
        if (detail == null || detail.isEmpty()) return "";
        boolean digit = false;
        for (int i = 0; i < detail.length() && !digit; i++) digit = Character.isDigit(detail.charAt(i));
        return digit ? DURATION.matcher(detail).replaceAll("#$2") : detail;
    }

    /**
     * Whether two details are of the same class ({@code detailClass(a).equals(detailClass(b))}) without building either
     * class: a scan that reads both as their classes would be written, so a result whose detail differs from its run's
     * only in a duration (HTTP details carry the URL and timings) costs no regex and no string per probe.
     */
    public static boolean sameClass(String a, String b) {
        if (a == null) a = "";
        if (b == null) b = "";
        if (a.equals(b)) return true;
        int ia = 0, ib = 0;          // next raw index
        int ua = 0, ea = 0, ub = 0, eb = 0; // the unit still to read after a duration's '#': [u, e)
        while (true) {
            int ca, cb;
            if (ua < ea) ca = a.charAt(ua++);
            else if (ia >= a.length()) ca = -1;
            else {
                long m = durationAt(a, ia);
                if (m >= 0) { ca = '#'; ua = (int) (m >>> 32); ea = ia = (int) m; } else ca = a.charAt(ia++);
            }
            if (ub < eb) cb = b.charAt(ub++);
            else if (ib >= b.length()) cb = -1;
            else {
                long m = durationAt(b, ib);
                if (m >= 0) { cb = '#'; ub = (int) (m >>> 32); eb = ib = (int) m; } else cb = b.charAt(ib++);
            }
            if (ca != cb) return false;
            if (ca < 0) return true;
        }
    }

    /**
     * {@link #DURATION} matched at {@code i} exactly as the regex would (ASCII digits, spaces and word boundary, as
     * Java's {@code \d}, {@code \s}, {@code \b}; the pattern never backtracks into a match): the unit's start in the
     * high half and the match's end in the low half, or -1.
     */
    private static long durationAt(String s, int i) {
        int n = s.length(), j = i;
        while (j < n && digit(s.charAt(j))) j++;
        if (j == i) return -1;
        if (j + 1 < n && s.charAt(j) == '.' && digit(s.charAt(j + 1))) {
            j += 2;
            while (j < n && digit(s.charAt(j))) j++;
        }
        while (j < n && space(s.charAt(j))) j++;
        if (j >= n) return -1;
        char c = s.charAt(j);
        if ((c == 'n' || c == 'u' || c == 'µ' || c == 'm') && j + 1 < n && s.charAt(j + 1) == 's' && boundary(s, j + 2))
            return (long) j << 32 | (j + 2);
        if (c == 's' && boundary(s, j + 1)) return (long) j << 32 | (j + 1);
        return -1;
    }

    private static boolean digit(char c) { return c >= '0' && c <= '9'; }

    private static boolean space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r'; }

    /** After a unit (which ends in a word character 's'): the end, or a character outside {@code [A-Za-z0-9_]}. */
    private static boolean boundary(String s, int k) {
        if (k >= s.length()) return true;
        char c = s.charAt(k);
        return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digit(c) || c == '_');
    }

    /**
     * One probe result ({@code r.attempt() ≥ 1}); {@code cause} is the probe's own cause. Returns what an event
     * caused by this probe should cite: its individual entry, or the entry that began the run it joined.
     */
    public synchronized Cause offer(Cause cause, Event.CheckResult r, long monoNs, long wallNs, Sink sink) {
        Cause joined = fold(r.checker(), r.up(), r.detail(), r.attempt(), r.latencyNs(), monoNs, wallNs, sink);
        if (joined != null) return joined;
        Run run = runs.get(r.checker());
        if (run != null) run.flush(monoNs, wallNs, sink);
        long seq = sink.append(cause, r, monoNs, wallNs);
        runs.put(r.checker(), new Run(r.checker(), r.target(), r.up(), r.detail(), seq));
        return seq >= 0 ? Cause.event(seq) : cause;
    }

    /**
     * The common case of {@link #offer} without building the entry: a result that repeats its checker's run is folded
     * into the run's summary and the run's head is returned (what an event caused by this probe cites); null means
     * it is journaled individually: call {@link #offer} with its entry. At 10,000 probes a second nearly every result
     * repeats, and this allocates nothing for it.
     */
    public synchronized Cause fold(String checker, boolean up, String detail, int attempt, long latencyNs,
                                   long monoNs, long wallNs, Sink sink) {
        flushDue(monoNs, wallNs, sink);
        if (detail == null) detail = "";
        Run run = runs.get(checker);
        // retries (attempt > 1) stay individual: they happen only on the way to a transition and chain to each other
        if (run == null || run.headSeq < 0 || attempt > 1 || run.up != up) return null;
        // the same text is the same class (the prober hands out one string per error); otherwise compare classes
        if (!detail.equals(run.lastDetail)) {
            if (!sameClass(run.lastDetail, detail)) return null;
            run.lastDetail = detail;
        }
        if (run.count > 0 && monoNs - run.openedMono >= summaryEveryNs) run.flush(monoNs, wallNs, sink);
        if (run.count == 0) {
            run.openedMono = monoNs;
            due.add(new Due(run, monoNs));
        }
        run.add(latencyNs, wallNs);
        return run.headCause;
    }

    /** Writes the summaries that have been open for the interval. */
    public synchronized void flushDue(long monoNs, long wallNs, Sink sink) {
        Due d;
        while ((d = due.peek()) != null && monoNs - d.openedMono >= summaryEveryNs) {
            due.poll();
            if (d.run.count > 0 && d.run.openedMono == d.openedMono && runs.get(d.run.checker) == d.run)
                d.run.flush(monoNs, wallNs, sink);
        }
    }

    /** Writes every open summary (checks stop: reload, shutdown). Runs stay, so a restart continues them. */
    public synchronized void flushAll(long monoNs, long wallNs, Sink sink) {
        for (Run r : runs.values()) r.flush(monoNs, wallNs, sink);
        due.clear();
    }

    /** Forgets every run: the next result of each checker is journaled individually. */
    public synchronized void reset() {
        runs.clear();
        due.clear();
    }

    private record Due(Run run, long openedMono) {}

    /** One checker's current class (that of {@code detail}) and its open summary. */
    private static final class Run {
        final String checker, target, detail;
        final boolean up;
        final long headSeq;
        final Cause headCause;
        /** The last detail seen of this class (a detail equal to it needs no {@link #detailClass} call). */
        String lastDetail;
        long count, first, last, min, max, sum, openedMono;
        LatencyHistogram histogram;

        Run(String checker, String target, boolean up, String detail, long headSeq) {
            this.checker = checker; this.target = target; this.up = up; this.detail = detail; this.headSeq = headSeq;
            this.headCause = Cause.event(headSeq);
            this.lastDetail = detail;
        }

        void add(long latencyNs, long wallNs) {
            if (count == 0) {
                first = wallNs;
                min = Long.MAX_VALUE;
                max = Long.MIN_VALUE;
                sum = 0;
                if (histogram == null) histogram = new LatencyHistogram(); else histogram.clear();
            }
            count++;
            last = wallNs;
            min = Math.min(min, latencyNs);
            max = Math.max(max, latencyNs);
            sum += latencyNs;
            histogram.add(latencyNs);
        }

        void flush(long monoNs, long wallNs, Sink sink) {
            if (count == 0) return;
            sink.append(headCause, new Event.CheckSummary(checker, target, up, detail, count, first, last,
                    min, max, sum, histogram.format()), monoNs, wallNs);
            count = 0;
        }
    }
}
