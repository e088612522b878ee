package io.vigil.journal;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CheckCoalescer#fold} (the node's allocation-free path: nothing is built for a repeat) then {@link
 * CheckCoalescer#offer} for what it declines journals exactly what an offer per result does, and both match an
 * independent model of the rule: a result is journaled on its own iff it is a retry, its checker has no run yet, or
 * its state or detail class differs from the run's head. Reused state under test: the cached head cause and the last
 * detail text a run compared equal (a stale one would fold a result of another class).
 */
class CheckCoalescerFoldTest {
    static final long S = 1_000_000_000L;

    record Journaled(List<Entry> entries, List<Cause> returned) {}

    static Journaled journal(List<CheckCoalescerTest.Probe> probes, boolean foldFirst) {
        List<Entry> out = new ArrayList<>();
        List<Cause> returned = new ArrayList<>();
        AtomicLong seq = new AtomicLong();
        CheckCoalescer.Sink sink = (cause, ev, mono, wall) -> {
            long s = seq.incrementAndGet();
            out.add(new Entry("n1", s, wall, mono, cause, ev));
            return s;
        };
        CheckCoalescer c = new CheckCoalescer(60 * S);
        for (CheckCoalescerTest.Probe p : probes) {
            Cause r = foldFirst ? c.fold(p.checker(), p.up(), p.detail(), p.attempt(), p.latencyNs(), p.wallNs(), p.wallNs(), sink) : null;
            if (r == null) r = c.offer(Cause.timer("delay_loop " + p.checker()), new Event.CheckResult(p.checker(), p.target(),
                    p.up(), p.latencyNs(), p.detail(), p.attempt()), p.wallNs(), p.wallNs(), sink);
            returned.add(r);
        }
        c.flushAll(probes.getLast().wallNs() + 1, probes.getLast().wallNs() + 1, sink);
        return new Journaled(out, returned);
    }

    /** The rule, written out plainly: which probes are journaled individually, in order. */
    static List<CheckCoalescerTest.Probe> individuallyJournaled(List<CheckCoalescerTest.Probe> probes) {
        Map<String, CheckCoalescerTest.Probe> head = new HashMap<>();
        List<CheckCoalescerTest.Probe> out = new ArrayList<>();
        for (CheckCoalescerTest.Probe p : probes) {
            CheckCoalescerTest.Probe h = head.get(p.checker());
            boolean alone = p.attempt() > 1 || h == null || h.up() != p.up()
                    || !CheckCoalescer.detailClass(h.detail()).equals(CheckCoalescer.detailClass(p.detail()));
            if (alone) {
                out.add(p);
                head.put(p.checker(), p);
            }
        }
        return out;
    }

    @RepeatedTest(20)
    void foldThenOfferJournalsWhatOfferAloneDoesAndWhatTheRuleSays(org.junit.jupiter.api.RepetitionInfo rep) {
        List<CheckCoalescerTest.Probe> probes = CheckCoalescerTest.randomStream(new SplittableRandom(rep.getCurrentRepetition()), 6, 3000);
        check(probes);
    }

    /** Texts of one class that differ (durations), then another class, then the first text again. */
    @Test
    void aDetailOfAnotherClassIsNeverFoldedIntoARunWhoseLastDetailDiffers() {
        long t = 1_700_000_000L * S;
        String c = "TCP_CHECK#0 198.51.100.1:80";
        List<CheckCoalescerTest.Probe> probes = new ArrayList<>();
        String[] details = {"connect failed: connection timed out after 2000 ms", "connect failed: connection timed out after 2001 ms",
                "connect failed: Connection refused", "connect failed: Connection refused",
                "connect failed: connection timed out after 2001 ms", "connect failed: connection timed out after 2000 ms",
                "connect failed: No route to host", "connect failed: connection timed out after 1999 ms"};
        for (String d : details) probes.add(new CheckCoalescerTest.Probe(c, "198.51.100.1:80", false, 1_000_000, d, 1, t += S));
        Journaled j = check(probes);
        assertThat(j.entries().stream().filter(e -> e.event() instanceof Event.CheckResult).count()).isEqualTo(5);
    }

    /** An entry's content (its hash field is an array, compared by identity). */
    record Content(long seq, long wallNs, long monoNs, Cause cause, Event event) {}

    static List<Content> comparable(List<Entry> entries) {
        return entries.stream().map(e -> new Content(e.seq(), e.wallNs(), e.monoNs(), e.cause(), e.event())).toList();
    }

    private static Journaled check(List<CheckCoalescerTest.Probe> probes) {
        Journaled folded = journal(probes, true), offered = journal(probes, false);
        assertThat(comparable(folded.entries())).isEqualTo(comparable(offered.entries()));
        assertThat(folded.returned()).isEqualTo(offered.returned());
        List<CheckCoalescerTest.Probe> alone = individuallyJournaled(probes);
        List<String> expected = alone.stream().map(p -> p.checker() + " " + p.up() + " " + p.detail() + " " + p.wallNs()).toList();
        List<String> got = folded.entries().stream().filter(e -> e.event() instanceof Event.CheckResult)
                .map(e -> (Event.CheckResult) e.event()).map(r -> r.checker() + " " + r.up() + " " + r.detail())
                .toList();
        assertThat(got).isEqualTo(expected.stream().map(s -> s.substring(0, s.lastIndexOf(' '))).toList());
        long summarized = folded.entries().stream().filter(e -> e.event() instanceof Event.CheckSummary)
                .mapToLong(e -> ((Event.CheckSummary) e.event()).count()).sum();
        assertThat(summarized + alone.size()).as("every probe counted once").isEqualTo(probes.size());
        // a folded probe cites its run's head: the entry journaled for the last individually journaled probe
        Map<String, Long> headSeq = new HashMap<>();
        int i = 0, k = 0;
        List<Entry> results = folded.entries().stream().filter(e -> e.event() instanceof Event.CheckResult).toList();
        for (CheckCoalescerTest.Probe p : probes) {
            if (k < alone.size() && alone.get(k) == p) headSeq.put(p.checker(), results.get(k++).seq());
            assertThat(folded.returned().get(i++)).isEqualTo(Cause.event(headSeq.get(p.checker())));
        }
        return folded;
    }
}
