package io.vigil.vrrp;

/** Why a state or priority changed. Every {@link VrrpEffect.StateChanged} and {@link VrrpEffect.PriorityChanged} carries one. */
public sealed interface Cause {
    /** The instance started (Initialize state). */
    record Startup() implements Cause {}
    /** An advertisement from {@code from} carrying {@code priority}. */
    record Advert(Ipv4Address from, int priority) implements Cause {}
    /** Master_Down_Timer expired: no acceptable advert for Master_Down_Interval (or skew after a priority 0). */
    record MasterDown() implements Cause {}
    /** A tracked object changed; {@code value} is 1/0 for up/down and the file value for track_file. */
    record Tracker(TrackerSpec.Kind kind, String name, long value) implements Cause {}
    /** The instance's interface (or a tracked interface) went up or down. */
    record Interface(String name, boolean up) implements Cause {}
    /** Daemon shutdown (SIGTERM). */
    record Shutdown() implements Cause {}
    /** An operator action, described in words (e.g. "priority set by config reload"). */
    record Operator(String what) implements Cause {}
    /** Moved by its sync group because member {@code member} changed for {@code memberCause}. */
    record SyncGroup(String group, String member, Cause memberCause) implements Cause {}
}
