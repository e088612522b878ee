package io.vigil.journal;

/**
 * The stable one-byte tag of every event type in the binary format, and its CLI / JSON name.
 * Tags are part of the on-disk format: never renumber, only add.
 */
public enum EventType {
    NODE_STARTED(1, "node-started", Event.NodeStarted.class),
    NODE_STOPPED(2, "node-stopped", Event.NodeStopped.class),
    CONFIG_APPLIED(3, "config-applied", Event.ConfigApplied.class),
    VRRP_TRANSITION(4, "vrrp-transition", Event.VrrpTransition.class),
    PRIORITY_CHANGED(5, "priority-changed", Event.PriorityChanged.class),
    ADVERT_ANOMALY(6, "advert-anomaly", Event.AdvertAnomaly.class),
    MASTER_SEEN(7, "master-seen", Event.MasterSeen.class),
    VIP_CHANGED(8, "vip-changed", Event.VipChanged.class),
    GARP_SENT(9, "garp-sent", Event.GarpSent.class),
    CHECK_RESULT(10, "check-result", Event.CheckResult.class),
    REAL_SERVER_CHANGED(11, "real-server-changed", Event.RealServerChanged.class),
    IPVS_CHANGED(12, "ipvs-changed", Event.IpvsChanged.class),
    NOTIFY_RUN(13, "notify-run", Event.NotifyRun.class),
    OPERATOR_ACTION(14, "operator-action", Event.OperatorAction.class),
    SNAPSHOT(15, "snapshot", Event.Snapshot.class),
    DROPPED(16, "dropped", Event.Dropped.class),
    NODE_ALIVE(17, "node-alive", Event.NodeAlive.class),
    QUORUM_CHANGED(18, "quorum-changed", Event.QuorumChanged.class),
    CHECK_SUMMARY(19, "check-summary", Event.CheckSummary.class),
    ROUTE_CHANGED(20, "route-changed", Event.RouteChanged.class),
    UNKNOWN(0, "unknown", Event.Unknown.class);

    private static final EventType[] BY_TAG = new EventType[256];
    static { for (EventType t : values()) if (t != UNKNOWN) BY_TAG[t.tag] = t; }

    private final int tag;
    private final String cliName;
    private final Class<? extends Event> type;

    EventType(int tag, String cliName, Class<? extends Event> type) {
        this.tag = tag; this.cliName = cliName; this.type = type;
    }

    public int tag() { return tag; }
    public String cliName() { return cliName; }
    public Class<? extends Event> type() { return type; }

    /** The type for a tag, or {@code null} if this version does not know it. */
    public static EventType ofTag(int tag) { return BY_TAG[tag & 0xff]; }

    public static EventType of(Event e) {
        return switch (e) {
            case Event.NodeStarted x -> NODE_STARTED;
            case Event.NodeStopped x -> NODE_STOPPED;
            case Event.ConfigApplied x -> CONFIG_APPLIED;
            case Event.VrrpTransition x -> VRRP_TRANSITION;
            case Event.PriorityChanged x -> PRIORITY_CHANGED;
            case Event.AdvertAnomaly x -> ADVERT_ANOMALY;
            case Event.MasterSeen x -> MASTER_SEEN;
            case Event.VipChanged x -> VIP_CHANGED;
            case Event.GarpSent x -> GARP_SENT;
            case Event.CheckResult x -> CHECK_RESULT;
            case Event.RealServerChanged x -> REAL_SERVER_CHANGED;
            case Event.IpvsChanged x -> IPVS_CHANGED;
            case Event.NotifyRun x -> NOTIFY_RUN;
            case Event.OperatorAction x -> OPERATOR_ACTION;
            case Event.Snapshot x -> SNAPSHOT;
            case Event.Dropped x -> DROPPED;
            case Event.NodeAlive x -> NODE_ALIVE;
            case Event.QuorumChanged x -> QUORUM_CHANGED;
            case Event.CheckSummary x -> CHECK_SUMMARY;
            case Event.RouteChanged x -> ROUTE_CHANGED;
            case Event.Unknown x -> UNKNOWN;
        };
    }

    /** Parses a CLI / JSON name ("vrrp-transition"; also accepts VRRP_TRANSITION). */
    public static EventType parse(String name) {
        for (EventType t : values())
            if (t.cliName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) return t;
        throw new IllegalArgumentException("unknown event type '" + name + "'");
    }
}
