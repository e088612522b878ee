package io.vigil.bench;

import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Append throughput: N events from 1 and 4 producer threads through Journal.append (ring → writer thread →
 * Chronicle Queue, hash chain, snapshots), timed until the last event is in the queue. Target ≥ 1 M events/s.
 * Usage: bin/bench io.vigil.bench.JournalAppendBench [events=5000000] [rounds=3]
 */
public final class JournalAppendBench {
    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("JournalAppendBench: %,d events per run, %d rounds, %d cpus%n", events, rounds,
                Runtime.getRuntime().availableProcessors());
        for (int threads : new int[]{1, 4}) {
            for (int r = 0; r < rounds; r++) run(events, threads, r);
        }
    }

    private static void run(long events, int threads, int round) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "vigil-bench-append-");
        try {
            JournalConfig cfg = JournalConfig.defaults(dir, "bench").withDurability(JournalConfig.Durability.OS);
            long t0, t1, dropped, writerCpu, cpu0, cpu1;
            try (Journal j = Journal.open(cfg)) {
                long per = events / threads;
                List<Thread> ts = new ArrayList<>();
                cpu0 = JournalBenchSupport.processCpuNs();
                t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    long base = t * per;
                    ts.add(Thread.ofPlatform().start(() -> {
                        long prev = 0;
                        for (long i = base; i < base + per; i++) {
                            long s = j.appendOrWait(JournalBenchSupport.cause(i, prev), JournalBenchSupport.event(i), Duration.ofSeconds(30));
                            if (s > 0) prev = s;
                        }
                    }));
                }
                for (Thread t : ts) t.join();
                if (!j.flush(Duration.ofMinutes(5))) throw new IllegalStateException("writer did not catch up");
                t1 = System.nanoTime();
                cpu1 = JournalBenchSupport.processCpuNs();
                writerCpu = JournalBenchSupport.writerCpuNs();
                dropped = j.dropped();
            }
            long n = (events / threads) * threads;
            long bytes = JournalBenchSupport.dirBytes(dir);
            System.out.printf("threads=%d round=%d: %,d events in %.3f s wall = %,.0f events/s; process CPU %.2f s;"
                            + " writer thread %.0f ns CPU/event (= %,.0f events/s per writer core); %.1f bytes/event on disk; dropped %d; load avg %.1f%n",
                    threads, round, n, (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9), (cpu1 - cpu0) / 1e9,
                    writerCpu / (double) n, n / (writerCpu / 1e9), bytes / (double) n, dropped,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            JournalBenchSupport.delete(dir);
        }
    }
}
