package io.vigil.bench;

import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalClock;
import io.vigil.journal.store.JournalConfig;
import io.vigil.journal.store.JournalReader;
import io.vigil.journal.View;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * stateAt(T) latency on a journal of N events (default 10 M) spread over 24 h of wall time: random T, fresh
 * reader per run (cold) and then repeated queries on one reader. Target < 100 ms. Also bytes on disk per event.
 * Usage: bin/bench io.vigil.bench.JournalStateAtBench [events=10000000] [queries=200]
 */
public final class JournalStateAtBench {
    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "vigil-bench-stateat-");
        try {
            long base = 1_790_000_000_000_000_000L;
            long step = 86_400_000_000_000L / events; // 24 h
            AtomicLong n = new AtomicLong();
            JournalClock clock = new JournalClock() {
                @Override public long wallNs() { return base + n.getAndIncrement() * step; }
                @Override public long monoNs() { return n.get(); }
            };
            JournalConfig cfg = JournalConfig.defaults(dir, "bench").withDurability(JournalConfig.Durability.OS).withClock(clock);
            long t0 = System.nanoTime();
            try (Journal j = Journal.open(cfg)) {
                long prev = 0;
                for (long i = 0; i < events; i++) {
                    long s = j.appendOrWait(JournalBenchSupport.cause(i, prev), JournalBenchSupport.event(i), Duration.ofSeconds(30));
                    if (s > 0) prev = s;
                }
                j.flush(Duration.ofMinutes(10));
            }
            long t1 = System.nanoTime();
            long bytes = JournalBenchSupport.dirBytes(dir);
            System.out.printf("JournalStateAtBench: wrote %,d events in %.1f s (%,.0f/s); %,d bytes on disk = %.1f bytes/event (incl. snapshots every %d)%n",
                    events, (t1 - t0) / 1e9, events / ((t1 - t0) / 1e9), bytes, bytes / (double) events, cfg.snapshotEvery());

            Random rnd = new Random(1);
            long end = base + events * step;
            try (JournalReader r = JournalReader.open(dir)) {
                long c0 = System.nanoTime();
                View first = r.stateAt(base + (end - base) / 2);
                long c1 = System.nanoTime();
                System.out.printf("first stateAt (cold reader, mid-journal): %.2f ms -> seq %d, %d real servers, %d IPVS services%n",
                        (c1 - c0) / 1e6, first.seq(), first.realServers().size(), first.ipvs().size());
                double[] ms = new double[queries], cpu = new double[queries];
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int q = 0; q < queries; q++) {
                    long t = base + (long) (rnd.nextDouble() * (end - base));
                    long c = mx.getCurrentThreadCpuTime();
                    long a = System.nanoTime();
                    View v = r.stateAt(t);
                    ms[q] = (System.nanoTime() - a) / 1e6;
                    cpu[q] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
                    if (v.wallNs() > t) throw new IllegalStateException("stateAt returned a later state");
                }
                Arrays.sort(ms);
                Arrays.sort(cpu);
                System.out.printf("stateAt over %d random T: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        queries, ms[queries / 2], ms[queries * 9 / 10], ms[Math.min(queries - 1, queries * 99 / 100)], ms[queries - 1]);
                System.out.printf("  thread CPU per stateAt: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (load avg %.1f on %d cpus)%n",
                        cpu[queries / 2], cpu[queries * 9 / 10], cpu[Math.min(queries - 1, queries * 99 / 100)], cpu[queries - 1],
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        Runtime.getRuntime().availableProcessors());
                long v0 = System.nanoTime();
                JournalReader.VerifyResult vr = r.verify();
                System.out.printf("verify: %s %,d entries in %.1f s%n", vr.ok() ? "OK" : "BAD " + vr.problem(), vr.entries(),
                        (System.nanoTime() - v0) / 1e9);
            }
        } finally {
            JournalBenchSupport.delete(dir);
        }
    }
}
