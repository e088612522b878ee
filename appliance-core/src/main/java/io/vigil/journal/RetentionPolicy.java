package io.vigil.journal;

/**
 * Which cycle files retention deletes, decided from numbers alone (the store lists and deletes the files): a cycle
 * goes when it ended more than {@code retainAgeMs} ago, or while the directory is larger than {@code retainBytes}.
 * The cycle being written never goes. Cycle {@code c} covers {@code [c, c+1) × cycleMillis} since the epoch.
 *
 * @param cycleMillis length of one roll cycle
 * @param retainAgeMs age limit (0: none)
 * @param retainBytes size limit of the directory (0: none)
 */
public record RetentionPolicy(long cycleMillis, long retainAgeMs, long retainBytes) {

    public RetentionPolicy {
        if (cycleMillis <= 0) throw new IllegalArgumentException("cycle length must be > 0");
    }

    /**
     * Whether the oldest remaining {@code cycle} is deleted while the directory holds {@code totalBytes}, with
     * {@code currentCycle} being written ({@link Integer#MIN_VALUE}: none yet) at {@code nowMs}. Callers go oldest
     * first and stop at the first cycle kept: age and size both only ever free the oldest.
     */
    public boolean deletes(int cycle, long totalBytes, int currentCycle, long nowMs) {
        if (cycle >= currentCycle || currentCycle == Integer.MIN_VALUE) return false;
        long cycleEndMs = (cycle + 1L) * cycleMillis;
        boolean tooOld = retainAgeMs > 0 && cycleEndMs < nowMs - retainAgeMs;
        boolean tooBig = retainBytes > 0 && totalBytes > retainBytes;
        return tooOld || tooBig;
    }
}
