package io.vigil.cli;

import io.vigil.journal.*;
import io.vigil.journal.store.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil journal checks} and {@code journal show} on a real journal written through {@link CheckCoalescer}:
 * 10 minutes of a refused real server, then 5 minutes of successes at delay_loop 1 — a handful of entries,
 * and the counts and latencies an operator asks for come out as if every probe had been journaled.
 */
class JournalChecksCommandTest {
    @TempDir Path tmp;
    static final long S = 1_000_000_000L, T0 = 1_790_000_000L * S; // 2026-09-21T...

    @Test
    void countsAndLatencyFromCoalescedEntries() throws Exception {
        Path dir = tmp.resolve("journal");
        String checker = "TCP_CHECK#0 198.51.100.13:80 (vs 192.0.2.100:80 TCP)", target = "198.51.100.13:80";
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            CheckCoalescer c = new CheckCoalescer(300 * S);
            CheckCoalescer.Sink sink = (cause, ev, mono, wall) -> j.append(cause, ev, mono, wall);
            for (int i = 0; i < 900; i++) {
                boolean up = i >= 600;
                long lat = up ? (100 + i % 50) * 1000L : 40_000; // successes 100-149 µs
                c.offer(Cause.timer("delay_loop"), new Event.CheckResult(checker, target, up, lat,
                        up ? "connected" : "connect failed: Connection refused", 1), T0 + i * S, T0 + i * S, sink);
            }
            c.flushAll(T0 + 900 * S, T0 + 900 * S, sink);
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
        }
        String all = run("journal", "show", "--dir", dir.toString());
        assertThat(all.lines().filter(l -> l.contains(" check-summary ")).count()).isEqualTo(3); // 299 + 300 down, 299 up
        assertThat(all).contains("check-summary " + checker + " " + target + " DOWN x299 ");
        assertThat(all.lines().count()).isLessThan(10);

        // the whole story: 600 failed, 300 succeeded, latency of the successes exact (min 100 µs, max 149 µs)
        String whole = run("journal", "checks", "--dir", dir.toString(), "--target", target);
        assertThat(whole).contains("succeeded 300, failed 600 (exact)")
                .contains("latency of 300 successes: min 0.10 ms, mean 0.12 ms, max 0.15 ms");
        // a window on run boundaries: the first down probe and its run, then the first success alone
        String w = run("journal", "checks", "--dir", dir.toString(), "--target", "198.51.100.13",
                "--from", Long.toString(T0), "--to", Long.toString(T0 + 600 * S + 1));
        assertThat(w).contains("succeeded 1, failed 600 (exact)");
        // a window inside a run cannot be exact, and says so with the bracket
        String inside = run("journal", "checks", "--dir", dir.toString(), "--target", target,
                "--from", Long.toString(T0 + 100 * S), "--to", Long.toString(T0 + 200 * S));
        assertThat(inside).contains("succeeded 0, failed 0 (+ up to 300 in runs crossing the bounds)");
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        assertThat(rc).as(out + "" + err).isZero();
        return out.toString();
    }
}
