package io.vigil.check.runtime;

import io.vigil.check.ProbeFault;
import io.vigil.check.api.CheckResult;
import java.util.Arrays;

/**
 * Probe hand-offs between threads in batches: runs from the engine's context to a probe event loop, verdicts from the
 * threads that produce them (the TCP prober, event loops, virtual threads) back to the engine's context. The first
 * entry of a batch asks the receiving context for one {@link #drain}, the rest are appended to arrays under a short
 * lock. Per probe that saves the context task and lambdas each hop used to cost.
 */
final class ProbeInbox {
    /** Takes each drained entry on the receiving context. */
    @FunctionalInterface
    interface Sink {
        void accept(int id, int gen, long start, CheckResult result, ProbeFault fault);
    }

    private static final class Batch {
        int size;
        int[] ids = new int[64], gens = new int[64];
        long[] starts = new long[64];
        CheckResult[] results = new CheckResult[64];
        ProbeFault[] faults = new ProbeFault[64];

        void add(int id, int gen, long start, CheckResult r, ProbeFault f) {
            if (size == ids.length) {
                int n = size * 2;
                ids = Arrays.copyOf(ids, n);
                gens = Arrays.copyOf(gens, n);
                starts = Arrays.copyOf(starts, n);
                results = Arrays.copyOf(results, n);
                faults = Arrays.copyOf(faults, n);
            }
            ids[size] = id;
            gens[size] = gen;
            starts[size] = start;
            results[size] = r;
            faults[size] = f;
            size++;
        }
    }

    private Batch filling = new Batch(), draining = new Batch();
    private boolean drainAsked;

    /** Appends an entry; true when the caller must ask the receiver for a {@link #drain} (none is pending). */
    boolean post(int id, int gen, long start, CheckResult result, ProbeFault fault) {
        synchronized (this) {
            filling.add(id, gen, start, result, fault);
            if (drainAsked) return false;
            drainAsked = true;
            return true;
        }
    }

    /** On the receiving context (one drain at a time): hands every entry posted so far to {@code sink}. */
    void drain(Sink sink) {
        Batch b;
        synchronized (this) {
            b = filling;
            filling = draining;
            draining = b;
            drainAsked = false;
        }
        try {
            for (int i = 0; i < b.size; i++) sink.accept(b.ids[i], b.gens[i], b.starts[i], b.results[i], b.faults[i]);
        } finally {
            Arrays.fill(b.results, 0, b.size, null);
            Arrays.fill(b.faults, 0, b.size, null);
            b.size = 0;
        }
    }
}
