package io.vigil.journal;

import io.vigil.journal.Event.*;

import java.util.HashMap;
import java.util.Map;

/**
 * The stable one-byte tag of every event type in the binary format, and its CLI / JSON name.
 * Tags are part of the on-disk format: never renumber, only add. Each type carries its body codec: the record's
 * fields in on-disk order, written and read by the same expression (see {@link Fields}); adding a field to an
 * event means appending it to the record and to this list, with its default for older entries.
 */
public enum EventType {
    NODE_STARTED(1, "node-started", NodeStarted.class, (f, e) -> new NodeStarted(
            f.str(e, NodeStarted::version), f.varLong(e, NodeStarted::pid), f.str(e, NodeStarted::previousEnd),
            f.varLong(e, NodeStarted::previousLastSeq), f.fixedLong(e, NodeStarted::previousLastWallNs))),
    NODE_STOPPED(2, "node-stopped", NodeStopped.class, (f, e) -> new NodeStopped(f.str(e, NodeStopped::reason))),
    CONFIG_APPLIED(3, "config-applied", ConfigApplied.class, (f, e) -> new ConfigApplied(
            f.str(e, ConfigApplied::path), f.str(e, ConfigApplied::contentHash), f.str(e, ConfigApplied::diffSummary))),
    VRRP_TRANSITION(4, "vrrp-transition", VrrpTransition.class, (f, e) -> new VrrpTransition(
            f.str(e, VrrpTransition::instance), f.enumOf(e, VrrpTransition::from, VrrpState.values(), VrrpState.INIT),
            f.enumOf(e, VrrpTransition::to, VrrpState.values(), VrrpState.INIT), f.str(e, VrrpTransition::reason),
            f.varInt(e, VrrpTransition::priority))),
    PRIORITY_CHANGED(5, "priority-changed", PriorityChanged.class, (f, e) -> new PriorityChanged(
            f.str(e, PriorityChanged::instance), f.varInt(e, PriorityChanged::oldPriority),
            f.varInt(e, PriorityChanged::newPriority), f.str(e, PriorityChanged::tracker))),
    ADVERT_ANOMALY(6, "advert-anomaly", AdvertAnomaly.class, (f, e) -> new AdvertAnomaly(
            f.str(e, AdvertAnomaly::instance), f.enumOf(e, AdvertAnomaly::kind, AnomalyKind.values(), AnomalyKind.OTHER),
            f.str(e, AdvertAnomaly::source), f.str(e, AdvertAnomaly::detail))),
    MASTER_SEEN(7, "master-seen", MasterSeen.class, (f, e) -> new MasterSeen(
            f.str(e, MasterSeen::instance), f.str(e, MasterSeen::peer), f.varInt(e, MasterSeen::priority),
            f.bool(e, MasterSeen::sampled))),
    VIP_CHANGED(8, "vip-changed", VipChanged.class, (f, e) -> new VipChanged(
            f.str(e, VipChanged::instance), f.str(e, VipChanged::address), f.str(e, VipChanged::device),
            f.bool(e, VipChanged::added), f.bool(e, VipChanged::ok), f.str(e, VipChanged::error))),
    GARP_SENT(9, "garp-sent", GarpSent.class, (f, e) -> new GarpSent(
            f.str(e, GarpSent::instance), f.str(e, GarpSent::address), f.str(e, GarpSent::device), f.varInt(e, GarpSent::count))),
    CHECK_RESULT(10, "check-result", CheckResult.class, (f, e) -> new CheckResult(
            f.str(e, CheckResult::checker), f.str(e, CheckResult::target), f.bool(e, CheckResult::up),
            f.varLong(e, CheckResult::latencyNs), f.str(e, CheckResult::detail),
            f.varInt(e, CheckResult::attempt, 1))), // attempt: format 2
    REAL_SERVER_CHANGED(11, "real-server-changed", RealServerChanged.class, (f, e) -> new RealServerChanged(
            f.str(e, RealServerChanged::virtualServer), f.str(e, RealServerChanged::realServer), f.bool(e, RealServerChanged::up),
            f.varInt(e, RealServerChanged::weight), f.bool(e, RealServerChanged::quorumUp))),
    IPVS_CHANGED(12, "ipvs-changed", IpvsChanged.class, (f, e) -> new IpvsChanged(
            f.enumOf(e, IpvsChanged::op, IpvsOp.values(), null), f.str(e, IpvsChanged::service),
            f.str(e, IpvsChanged::destination), f.varInt(e, IpvsChanged::weight), f.str(e, IpvsChanged::forwarding),
            f.bool(e, IpvsChanged::ok), f.str(e, IpvsChanged::error))),
    NOTIFY_RUN(13, "notify-run", NotifyRun.class, (f, e) -> new NotifyRun(
            f.str(e, NotifyRun::script), f.str(e, NotifyRun::trigger), f.varInt(e, NotifyRun::exitCode),
            f.varLong(e, NotifyRun::durationNs), f.str(e, NotifyRun::output))),
    OPERATOR_ACTION(14, "operator-action", OperatorAction.class, (f, e) -> new OperatorAction(
            f.str(e, OperatorAction::who), f.str(e, OperatorAction::action), f.str(e, OperatorAction::detail))),
    SNAPSHOT(15, "snapshot", Snapshot.class, (f, e) -> new Snapshot(ViewCodec.field(f, e))),
    DROPPED(16, "dropped", Dropped.class, (f, e) -> new Dropped(f.varLong(e, Dropped::count))),
    NODE_ALIVE(17, "node-alive", NodeAlive.class, (f, e) -> new NodeAlive(
            f.varLong(e, NodeAlive::periodMs), f.str(e, NodeAlive::instances))),
    QUORUM_CHANGED(18, "quorum-changed", QuorumChanged.class, (f, e) -> new QuorumChanged(
            f.str(e, QuorumChanged::virtualServer), f.bool(e, QuorumChanged::up), f.str(e, QuorumChanged::detail))),
    CHECK_SUMMARY(19, "check-summary", CheckSummary.class, (f, e) -> {
        String checker = f.str(e, CheckSummary::checker), target = f.str(e, CheckSummary::target);
        boolean up = f.bool(e, CheckSummary::up);
        String detail = f.str(e, CheckSummary::detail);
        long count = f.varLong(e, CheckSummary::count), first = f.fixedLong(e, CheckSummary::firstWallNs);
        long last = first + f.varLong(e, x -> x.lastWallNs() - x.firstWallNs()); // stored as a duration
        return new CheckSummary(checker, target, up, detail, count, first, last, f.varLong(e, CheckSummary::latencyMinNs),
                f.varLong(e, CheckSummary::latencyMaxNs), f.varLong(e, CheckSummary::latencySumNs), f.str(e, CheckSummary::histogram));
    }),
    ROUTE_CHANGED(20, "route-changed", RouteChanged.class, (f, e) -> new RouteChanged(
            f.str(e, RouteChanged::owner), f.str(e, RouteChanged::route), f.bool(e, RouteChanged::added),
            f.bool(e, RouteChanged::ok), f.str(e, RouteChanged::error))),
    HOST_CHANGED(24, "host-changed", HostChanged.class, (f, e) -> new HostChanged(
            f.str(e, HostChanged::owner), f.str(e, HostChanged::setting), f.str(e, HostChanged::value),
            f.bool(e, HostChanged::ok), f.str(e, HostChanged::error))),
    /** Never written with tag 0: an entry of a tag this version does not know reads as {@link Unknown} and is
     *  written back (import) as its raw body. */
    UNKNOWN(0, "unknown", Unknown.class, (f, e) -> new Unknown(e == null ? 0 : e.tag(), f.rest(e, Unknown::body)));

    private static final EventType[] BY_TAG = new EventType[256];
    private static final Map<Class<?>, EventType> BY_CLASS = new HashMap<>();
    static {
        for (EventType t : values()) {
            if (t != UNKNOWN) BY_TAG[t.tag] = t;
            BY_CLASS.put(t.type, t);
        }
    }

    private final int tag;
    private final String cliName;
    private final Class<? extends Event> type;
    private final Fields.Codec<? extends Event> codec;

    <E extends Event> EventType(int tag, String cliName, Class<E> type, Fields.Codec<E> codec) {
        this.tag = tag; this.cliName = cliName; this.type = type; this.codec = codec;
    }

    public int tag() { return tag; }
    public String cliName() { return cliName; }
    public Class<? extends Event> type() { return type; }

    /** The body codec: field order is the on-disk order; append fields only (see {@link Fields}). */
    @SuppressWarnings("unchecked")
    public Fields.Codec<Event> codec() { return (Fields.Codec<Event>) codec; }

    /** The type for a tag, or {@code null} if this version does not know it. */
    public static EventType ofTag(int tag) { return BY_TAG[tag & 0xff]; }

    public static EventType of(Event e) { return BY_CLASS.get(e.getClass()); }

    /** Parses a CLI / JSON name ("vrrp-transition"; also accepts VRRP_TRANSITION). */
    public static EventType parse(String name) {
        for (EventType t : values())
            if (t.cliName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) return t;
        throw new IllegalArgumentException("unknown event type '" + name + "'");
    }
}
