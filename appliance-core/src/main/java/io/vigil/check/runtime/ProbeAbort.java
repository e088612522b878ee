package io.vigil.check.runtime;

import io.vigil.check.api.Abort;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One probe id's {@link Abort}, made once with its context and reused by every run: {@link #begin} before each
 * {@code run()} call, {@link #abort} when the host deadline passes, {@link #release} when a verdict is taken (so the
 * action, and the connection it holds, is not kept until the next run).
 */
final class ProbeAbort implements Abort {
    private static final Runnable ABORTED = () -> { };
    private final AtomicReference<Runnable> action = new AtomicReference<>();

    @Override public void onAbort(Runnable a) {
        while (true) {
            Runnable cur = action.get();
            if (cur == ABORTED) {
                run(a);
                return;
            }
            if (action.compareAndSet(cur, a)) return;
        }
    }

    @Override public boolean aborted() { return action.get() == ABORTED; }

    /** A new run of the probe starts: nothing registered, not aborted. */
    void begin() { action.set(null); }

    /** The host gave up: the registered action runs now, one registered later runs at once. */
    void abort() {
        Runnable a = action.getAndSet(ABORTED);
        if (a != null && a != ABORTED) run(a);
    }

    /** The run has its verdict: drop the action (an aborted run stays aborted until the next {@link #begin}). */
    void release() {
        Runnable cur = action.get();
        if (cur != null && cur != ABORTED) action.compareAndSet(cur, null);
    }

    private static void run(Runnable a) {
        try {
            a.run();
        } catch (RuntimeException ignored) {
            // a plugin's cleanup failing must not break the host; the probe is DOWN already
        }
    }
}
