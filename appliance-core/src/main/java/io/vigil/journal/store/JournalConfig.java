package io.vigil.journal.store;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a journal is stored.
 *
 * @param dir            queue directory (default /var/lib/vigil/journal)
 * @param nodeId         stamped on every entry
 * @param rollCycle      one file per cycle; retention deletes whole cycles
 * @param retainAge      delete cycles whose newest possible entry is older than this (Duration.ZERO: keep)
 * @param retainBytes    delete oldest cycles while the directory is larger than this (0: no limit)
 * @param ringCapacity   append buffer between producers and the writer thread (power of two)
 * @param snapshotEvery  write a {@link Event.Snapshot} after this many events (and at every cycle start)
 * @param durability     when data is forced to disk (see docs/journal.md)
 * @param clock          time stamps for entries
 * @param queueTime      Chronicle's clock for roll cycles (tests move it)
 */
public record JournalConfig(Path dir, String nodeId, RollCycle rollCycle, Duration retainAge, long retainBytes,
                            int ringCapacity, int snapshotEvery, Durability durability, JournalClock clock,
                            TimeProvider queueTime) {

    /** A constant, so naming it does not initialise this class (whose roll cycle initialises Chronicle: vigil run's start-up). */
    public static final String DEFAULT_DIR_NAME = "/var/lib/vigil/journal";
    public static final Path DEFAULT_DIR = Path.of(DEFAULT_DIR_NAME);
    /** Hourly files: retention granularity of an hour, small files to copy off a box after an incident. */
    public static final RollCycle DEFAULT_ROLL_CYCLE = RollCycles.FAST_HOURLY;

    /** When journal data reaches the disk, beyond "in the page cache" (which survives kill -9). */
    public enum Durability {
        /** The OS writes the mapped pages back on its own schedule (typically within 30 s). */
        OS,
        /** The writer thread msyncs when it has drained the buffer (bounded loss on power failure, batched cost). */
        SYNC_BATCH,
        /** Chronicle msyncs each entry before the next (slow; every acknowledged entry survives power loss). */
        SYNC_EACH
    }

    public JournalConfig {
        if (Integer.bitCount(ringCapacity) != 1) throw new IllegalArgumentException("ringCapacity must be a power of two");
        if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be >= 1");
    }

    public static JournalConfig defaults(Path dir, String nodeId) {
        return new JournalConfig(dir, nodeId, DEFAULT_ROLL_CYCLE, Duration.ofDays(14), 2L << 30,
                1 << 16, 4096, Durability.SYNC_BATCH, JournalClock.SYSTEM, SystemTimeProvider.INSTANCE);
    }

    public JournalConfig withRollCycle(RollCycle r) { return new JournalConfig(dir, nodeId, r, retainAge, retainBytes, ringCapacity, snapshotEvery, durability, clock, queueTime); }
    public JournalConfig withRetention(Duration age, long bytes) { return new JournalConfig(dir, nodeId, rollCycle, age, bytes, ringCapacity, snapshotEvery, durability, clock, queueTime); }
    public JournalConfig withRingCapacity(int c) { return new JournalConfig(dir, nodeId, rollCycle, retainAge, retainBytes, c, snapshotEvery, durability, clock, queueTime); }
    public JournalConfig withSnapshotEvery(int n) { return new JournalConfig(dir, nodeId, rollCycle, retainAge, retainBytes, ringCapacity, n, durability, clock, queueTime); }
    public JournalConfig withDurability(Durability d) { return new JournalConfig(dir, nodeId, rollCycle, retainAge, retainBytes, ringCapacity, snapshotEvery, d, clock, queueTime); }
    public JournalConfig withClock(JournalClock c) { return new JournalConfig(dir, nodeId, rollCycle, retainAge, retainBytes, ringCapacity, snapshotEvery, durability, c, queueTime); }
    public JournalConfig withQueueTime(TimeProvider t) { return new JournalConfig(dir, nodeId, rollCycle, retainAge, retainBytes, ringCapacity, snapshotEvery, durability, clock, t); }
}
