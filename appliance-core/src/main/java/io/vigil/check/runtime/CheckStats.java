package io.vigil.check.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters per check keyword, for metrics and {@code vigil} status output. */
public final class CheckStats {
    /** Counters of one keyword. */
    public static final class Counters {
        public final LongAdder probes = new LongAdder();
        public final LongAdder down = new LongAdder();
        public final LongAdder pluginErrors = new LongAdder();
        public final LongAdder timeouts = new LongAdder();
        public final LongAdder lateResults = new LongAdder();
        /** Probes not started because the previous run() call of the same check had still not returned. */
        public final LongAdder stuckCalls = new LongAdder();
        /** run() calls of a {@code nonBlocking()} check that held an event loop too long (repeat offenders move to virtual threads). */
        public final LongAdder blockedLoop = new LongAdder();

        @Override public String toString() {
            return "probes=" + probes + " down=" + down + " pluginErrors=" + pluginErrors + " timeouts=" + timeouts
                    + " late=" + lateResults + " stuck=" + stuckCalls + " blockedLoop=" + blockedLoop;
        }
    }

    private final Map<String, Counters> byKeyword = new ConcurrentHashMap<>();
    final LongAdder listenerErrors = new LongAdder();

    public Counters of(String keyword) { return byKeyword.computeIfAbsent(keyword, k -> new Counters()); }

    public long listenerErrors() { return listenerErrors.sum(); }

    public Map<String, Counters> snapshot() { return new TreeMap<>(byKeyword); }

    @Override public String toString() { return snapshot().toString(); }
}
