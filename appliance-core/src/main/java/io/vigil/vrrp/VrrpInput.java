package io.vigil.vrrp;

/** What can happen to an instance. {@code now} is a caller-supplied monotonic time in nanoseconds (System.nanoTime()). */
public sealed interface VrrpInput {
    long now();

    /** Leave INIT: go BACKUP (or MASTER if address owner with state MASTER, FAULT if a tracker is down). */
    record Start(long now) implements VrrpInput {}
    /** An advert for this instance's VRID arrived on its interface. */
    record AdvertReceived(long now, ReceivedAdvert advert) implements VrrpInput {}
    /** Time passed; call at (or after) the deadline of the last {@link VrrpEffect.TimerRequest}. */
    record Tick(long now) implements VrrpInput {}
    /**
     * A tracked object changed. {@code up} for scripts/interfaces/processes; {@code value} for track_file
     * (ignored for the others).
     */
    record TrackerChanged(long now, TrackerSpec.Kind kind, String name, boolean up, long value) implements VrrpInput {
        public static TrackerChanged script(long now, String name, boolean up) { return new TrackerChanged(now, TrackerSpec.Kind.SCRIPT, name, up, up ? 0 : 1); }
        public static TrackerChanged file(long now, String name, long value) { return new TrackerChanged(now, TrackerSpec.Kind.FILE, name, value == 0, value); }
    }
    /** Link state of an interface (the instance's own, or one in track_interface). */
    record InterfaceChanged(long now, String name, boolean up) implements VrrpInput {}
    /** Operator/config change of the configured (base) priority. */
    record SetPriority(long now, int priority, String why) implements VrrpInput {}
    /**
     * Config reload that changes only what an instance can take in place (priority, trackers, notify scripts,
     * garp settings, preempt, virtual addresses, advert options — used from the next advert or timer on): the instance keeps its state and timers; a MASTER removes the
     * addresses no longer configured and adds (with GARPs) the new ones, the others untouched; the new priority is compared
     * as any priority change (a MASTER stays MASTER unless a peer's advert now wins). Tracker values already known
     * are kept; a new tracker counts as up until reported.
     */
    record Reconfigure(long now, VrrpInstanceSpec spec, String why) implements VrrpInput {}
    /** Graceful stop: a MASTER sends priority 0 and releases its addresses. */
    record Shutdown(long now) implements VrrpInput {}
}
