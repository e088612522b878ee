package io.vigil.journal.store;

import io.vigil.journal.RetentionPolicy;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.io.File;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Deletes whole cycle files, oldest first, as {@link RetentionPolicy} decides: cycles that ended more than
 * {@code retainAge} ago, then more while the directory exceeds {@code retainBytes}. The cycle being written is never
 * deleted. Every cycle begins with a snapshot, so what remains replays without the deleted prefix.
 */
final class Retention {
    private static final long CHECK_EVERY_MS = 10_000;

    private final JournalConfig cfg;
    private final SingleChronicleQueue queue;
    private long lastRunMs = Long.MIN_VALUE / 2;
    private int lastRunCycle = Integer.MIN_VALUE;
    private long deleted;

    Retention(JournalConfig cfg, SingleChronicleQueue queue) {
        this.cfg = cfg;
        this.queue = queue;
    }

    long deletedFiles() { return deleted; }

    void maybeRun(int currentCycle) {
        long now = cfg.queueTime().currentTimeMillis();
        if (currentCycle == lastRunCycle && now - lastRunMs < CHECK_EVERY_MS) return;
        lastRunMs = now;
        lastRunCycle = currentCycle;
        run(currentCycle, now);
    }

    /** Applies retention now; returns the number of files deleted. */
    int run(int currentCycle, long nowMs) {
        var rc = cfg.rollCycle();
        File[] files = cfg.dir().toFile().listFiles((d, n) -> CycleFiles.cycleOf(rc, n) >= 0);
        if (files == null) return 0;
        Arrays.sort(files, Comparator.comparingInt(f -> CycleFiles.cycleOf(rc, f.getName())));
        long total = Arrays.stream(files).mapToLong(File::length).sum();
        RetentionPolicy policy = new RetentionPolicy(rc.lengthInMillis(), cfg.retainAge().toMillis(), cfg.retainBytes());
        int n = 0;
        for (File f : files) {
            if (!policy.deletes(CycleFiles.cycleOf(rc, f.getName()), total, currentCycle, nowMs)) break;
            long len = f.length();
            if (f.delete()) { total -= len; n++; }
        }
        if (n > 0) {
            deleted += n;
            queue.refreshDirectoryListing();
        }
        return n;
    }
}
