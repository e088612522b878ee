package io.vigil.journal;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coalescing is lossless for "how many probes of X succeeded / failed between T1 and T2, and how fast": the
 * answer {@link ProbeQuery} gives from the coalesced journal equals the answer from the raw stream (every probe
 * journaled) whenever it says it is exact, brackets it otherwise, and is exact for windows that start and end
 * between runs and for the whole stream.
 */
class CheckCoalescerTest {
    static final long S = 1_000_000_000L;

    /** One raw probe: what the node would have journaled without coalescing. */
    record Probe(String checker, String target, boolean up, long latencyNs, String detail, int attempt, long wallNs) {}

    static List<Probe> randomStream(SplittableRandom rnd, int checkers, int probes) {
        List<Probe> out = new ArrayList<>();
        long t = 1_700_000_000L * S;
        boolean[] up = new boolean[checkers];
        int[] cls = new int[checkers];
        String[] details = {"connect failed: Connection refused", "connect failed: connection timed out after %d ms", "HTTP status 503"};
        for (int i = 0; i < probes; i++) {
            t += rnd.nextLong(1, 200_000_000L); // probes of all checkers interleave, 0-200 ms apart
            int c = rnd.nextInt(checkers);
            // mostly steady, sometimes a change of state or of error class (a flapping subset flips more often)
            if (rnd.nextInt(c == 0 ? 5 : 60) == 0) up[c] = !up[c];
            if (rnd.nextInt(40) == 0) cls[c] = rnd.nextInt(details.length);
            int attempt = !up[c] && rnd.nextInt(30) == 0 ? 2 + rnd.nextInt(2) : 1;
            long lat = up[c] ? rnd.nextLong(20_000, 5_000_000) : rnd.nextLong(1_000, 3_000_000_000L);
            String detail = up[c] ? "connected" : details[cls[c]].formatted(lat / 1_000_000);
            out.add(new Probe("TCP_CHECK#" + c + " 198.51.100." + c + ":80", "198.51.100." + c + ":80", up[c], lat, detail, attempt, t));
        }
        return out;
    }

    /** Journals the stream through a coalescer; the entries as the journal would hold them (wall = append time). */
    static List<Entry> coalesce(List<Probe> probes, long summaryEveryNs) {
        List<Entry> out = new ArrayList<>();
        AtomicLong seq = new AtomicLong();
        CheckCoalescer.Sink sink = (cause, ev, mono, wall) -> {
            long s = seq.incrementAndGet();
            out.add(new Entry("n1", s, wall, mono, cause, ev));
            return s;
        };
        CheckCoalescer c = new CheckCoalescer(summaryEveryNs);
        long mono = 0;
        for (Probe p : probes) {
            mono = p.wallNs(); // the node's monotonic and wall clocks move together here
            c.offer(Cause.timer("delay_loop " + p.checker()), new Event.CheckResult(p.checker(), p.target(), p.up(),
                    p.latencyNs(), p.detail(), p.attempt()), mono, p.wallNs(), sink);
        }
        c.flushAll(mono + 1, probes.getLast().wallNs() + 1, sink);
        return out;
    }

    static List<Entry> raw(List<Probe> probes) {
        List<Entry> out = new ArrayList<>();
        long s = 0;
        for (Probe p : probes)
            out.add(new Entry("n1", ++s, p.wallNs(), p.wallNs(), Cause.NONE,
                    new Event.CheckResult(p.checker(), p.target(), p.up(), p.latencyNs(), p.detail(), p.attempt())));
        return out;
    }

    static ProbeQuery.Answer ask(List<Entry> entries, String target, long from, long to) {
        ProbeQuery q = new ProbeQuery(target, from, to);
        entries.forEach(q::accept);
        return q.answer();
    }

    @RepeatedTest(20)
    void coalescedAnswersEqualTheRawStreamsAnswers(org.junit.jupiter.api.RepetitionInfo rep) {
        SplittableRandom rnd = new SplittableRandom(rep.getCurrentRepetition() * 7919L);
        List<Probe> probes = randomStream(rnd, 6, 4000);
        List<Entry> raw = raw(probes);
        List<Entry> coalesced = coalesce(probes, 30 * S);
        assertThat(coalesced.size()).as("coalescing writes fewer entries").isLessThan(raw.size() / 3);
        long start = probes.getFirst().wallNs(), end = probes.getLast().wallNs() + 1;
        // boundaries between records: times no summary spans (just after an individual entry or a summary's last probe)
        List<Long> cuts = boundaries(coalesced, start, end);
        int exact = 0;
        for (int i = 0; i < 300; i++) {
            String target = "198.51.100." + rnd.nextInt(6) + (rnd.nextBoolean() ? ":80" : "");
            long from, to;
            if (i % 2 == 0) { // random window
                from = rnd.nextLong(start - S, end);
                to = rnd.nextLong(from, end + S);
            } else { // a window between runs
                long a = cuts.get(rnd.nextInt(cuts.size())), b = cuts.get(rnd.nextInt(cuts.size()));
                from = Math.min(a, b);
                to = Math.max(a, b);
            }
            ProbeQuery.Answer want = ask(raw, target, from, to), got = ask(coalesced, target, from, to);
            assertThat(want.exact()).isTrue();
            if (got.exact()) {
                exact++;
                assertThat(got).as("window %d..%d %s", from, to, target).isEqualTo(want);
            } else {
                assertThat(want.up()).isBetween(got.up(), got.up() + got.upUncertain());
                assertThat(want.down()).isBetween(got.down(), got.down() + got.downUncertain());
            }
            if (i % 2 == 1) assertThat(got.exact()).as("window between runs is exact").isTrue();
        }
        assertThat(exact).isGreaterThanOrEqualTo(150);
        assertThat(ask(coalesced, "", start - S, end + S)).isEqualTo(ask(raw, "", start - S, end + S));
    }

    /** Times at which no summary is open: before the first probe, and just after each record that ends a run. */
    static List<Long> boundaries(List<Entry> coalesced, long start, long end) {
        List<long[]> spans = new ArrayList<>();
        for (Entry e : coalesced)
            if (e.event() instanceof Event.CheckSummary s) spans.add(new long[] {s.firstWallNs(), s.lastWallNs()});
        List<Long> cuts = new ArrayList<>(List.of(start - 1, end + 1));
        for (Entry e : coalesced) {
            long t = e.event() instanceof Event.CheckSummary s ? s.lastWallNs() + 1 : e.wallNs() + 1;
            if (spans.stream().noneMatch(sp -> sp[0] < t && t <= sp[1])) cuts.add(t);
        }
        return cuts;
    }

    @Test
    void aSteadyFailureIsOneEntryPerIntervalAndTheDetailClassIgnoresDurations() {
        List<Probe> probes = new ArrayList<>();
        long t = 1_700_000_000L * S;
        for (int i = 0; i < 600; i++) // 10 minutes at delay_loop 1, timing out after varying times
            probes.add(new Probe("TCP_CHECK#0 x", "198.51.100.1:80", false, 2 * S, "connect failed: connection timed out after "
                    + (2000 + i % 3) + " ms", 1, t + i * S));
        List<Entry> out = coalesce(probes, 300 * S);
        assertThat(out).extracting(e -> e.type().cliName()).containsExactly("check-result", "check-summary", "check-summary");
        Event.CheckSummary first = (Event.CheckSummary) out.get(1).event();
        assertThat(first.count() + ((Event.CheckSummary) out.get(2).event()).count()).isEqualTo(599);
        assertThat(first.detail()).as("the run's first detail").isEqualTo("connect failed: connection timed out after 2000 ms");
        assertThat(out.get(1).cause()).isEqualTo(Cause.event(out.get(0).seq()));
        assertThat(CheckCoalescer.detailClass("timed out after 2000 ms")).isEqualTo(CheckCoalescer.detailClass("timed out after 12.5ms"));
        assertThat(CheckCoalescer.detailClass("HTTP status 503")).isNotEqualTo(CheckCoalescer.detailClass("HTTP status 500"));
    }

    @Test
    void latencyHistogramRoundTripsAndBoundsQuantiles() {
        LatencyHistogram h = new LatencyHistogram();
        for (long us : new long[] {50, 60, 100, 3000, 3_000_000}) h.add(us * 1000);
        assertThat(LatencyHistogram.parse(h.format())).isEqualTo(h);
        assertThat(h.format()).isEqualTo("64us:2 128us:1 4096us:1 4194304us:1");
        assertThat(h.quantileUpperNs(0.5)).isEqualTo(128_000);
        assertThat(h.quantileUpperNs(1.0)).isGreaterThanOrEqualTo(3_000_000_000L);
    }
}
