package io.vigil.vrrp;

/** Why a state or priority changed. Every {@link VrrpEffect.StateChanged} and {@link VrrpEffect.PriorityChanged} carries one. */
public sealed interface Cause {
    /** The instance started (Initialize state). */
    record Startup() implements Cause {}

    /**
     * An advertisement from {@code from} carrying {@code priority}, heard at {@code heardAt} (the caller's monotonic
     * time of the input); {@code relation} compares it with our effective priority when it arrived.
     */
    record Advert(Ipv4Address from, int priority, Relation relation, long heardAt) implements Cause {}

    /**
     * Master_Down_Timer expired. {@code kind} says why it could run out; {@code last} is the last valid advert
     * heard (from anyone, in any state), or null if none was heard since the instance started.
     */
    record MasterDown(Kind kind, Advert last) implements Cause {
        /** Plain expiry with no advert heard (sync-group consent, tests). */
        public MasterDown() { this(Kind.MASTER_DOWN, null); }

        public enum Kind {
            /** The master fell silent: no acceptable advert for Master_Down_Interval. */
            MASTER_DOWN,
            /** Adverts of lower priority kept coming and were ignored because we preempt (RFC 5798 6.4.2). */
            PREEMPT,
            /** The master sent priority 0 (it is leaving): the timer was cut to Skew_Time. */
            PRIORITY_ZERO,
            /** As PREEMPT, once preempt_delay had run out. */
            PREEMPT_DELAY
        }
    }

    /** A tracked object changed; {@code value} is 1/0 for up/down and the file value for track_file. */
    record Tracker(TrackerSpec.Kind kind, String name, long value) implements Cause {}
    /** The instance's interface (or a tracked interface) went up or down. */
    record Interface(String name, boolean up) implements Cause {}
    /** Daemon shutdown (SIGTERM) or removal of the instance (the node says which). */
    record Shutdown() implements Cause {}
    /** An operator action, described in words (e.g. "priority set by config reload"). */
    record Operator(String what) implements Cause {}
    /** Moved by its sync group because member {@code member} changed for {@code memberCause}. */
    record SyncGroup(String group, String member, Cause memberCause) implements Cause {}

    /** How an advert compares with our effective priority (RFC 3768 6.4.3: higher wins, equal: higher address wins). */
    enum Relation {
        HIGHER("higher"), LOWER("lower"), EQUAL_HIGHER_ADDRESS("equal, higher address"),
        EQUAL_LOWER_ADDRESS("equal, lower address"), PRIORITY_ZERO("priority 0");

        private final String words;
        Relation(String words) { this.words = words; }
        /** The words the journal and log use ("equal, higher address"). */
        public String words() { return words; }

        /** {@code priority} from {@code from} compared with our {@code own} priority from {@code self}. */
        public static Relation of(int priority, Ipv4Address from, int own, Ipv4Address self) {
            if (priority == 0) return PRIORITY_ZERO;
            if (priority != own) return priority > own ? HIGHER : LOWER;
            return from.compareTo(self) > 0 ? EQUAL_HIGHER_ADDRESS : EQUAL_LOWER_ADDRESS;
        }
    }
}
