package io.vigil.check;

import java.util.OptionalInt;

/**
 * Everything the check engine records. Each event carries its own sequence number and its cause, so the
 * journal can answer "why was 10.0.0.13:80 removed?" with the probe that did it.
 * Times are the caller's monotonic nanoseconds.
 */
public sealed interface HealthEvent {
    long seq();
    Cause cause();
    long atNanos();

    /**
     * One probe's verdict (the engine's input, journaled first). {@code attempt} counts as keepalived's checker
     * does: 1 for a probe after delay_loop, 2.. for the retries after delay_before_retry (at most retry + 1).
     */
    record ProbeCompleted(long seq, Cause cause, long atNanos, String checker, String keyword, boolean up,
                          long latencyNanos, String detail, OptionalInt weight, ProbeFault fault, int attempt) implements HealthEvent {
        public ProbeCompleted(long seq, Cause cause, long atNanos, String checker, String keyword, boolean up,
                              long latencyNanos, String detail, OptionalInt weight, ProbeFault fault) {
            this(seq, cause, atNanos, checker, keyword, up, latencyNanos, detail, weight, fault, 1);
        }
    }

    /** A checker's state flipped (after retry/rise/fall were applied). */
    record CheckerChanged(long seq, Cause cause, long atNanos, String checker, String realServer, boolean up,
                          String reason) implements HealthEvent {}

    /**
     * A real server became alive or failed. {@code weight} is what IPVS should carry while it is present;
     * when failed with {@code inhibit_on_failure} it stays in IPVS with weight 0 ({@code inhibited}),
     * otherwise it is removed. {@code quorumUp} is the virtual server's quorum <em>after</em> this change (a
     * {@link QuorumChanged} caused by this event follows when it moved).
     */
    record RealServerChanged(long seq, Cause cause, long atNanos, String virtualServer, String realServer,
                             boolean alive, int weight, boolean inhibited, boolean quorumUp) implements HealthEvent {}

    /** misc_dynamic changed an alive real server's weight; {@code quorumUp} as in {@link RealServerChanged}. */
    record RealServerWeightChanged(long seq, Cause cause, long atNanos, String virtualServer, String realServer,
                                   int weight, boolean quorumUp) implements HealthEvent {}

    /**
     * A virtual server gained or lost quorum (sum of alive weights vs quorum ± hysteresis): lost when the alive
     * weight is 0 or below quorum − hysteresis, regained at quorum + hysteresis, as keepalived's
     * update_quorum_state (and {@link io.vigil.ipvs.IpvsPlanner}, which puts in the sorry server).
     */
    record QuorumChanged(long seq, Cause cause, long atNanos, String virtualServer, boolean up, long aliveWeight,
                         int quorum, int hysteresis) implements HealthEvent {}

    /**
     * A vrrp_script (tracker) changed state. {@code priorityDelta} is what it now adds to the VRRP priority of
     * instances tracking it; {@code fault} is true when a weight-0 script failed (instance goes to FAULT).
     */
    record TrackerChanged(long seq, Cause cause, long atNanos, String tracker, boolean ok, int weight,
                          int priorityDelta, boolean fault) implements HealthEvent {}
}
