package io.vigil.journal;

import io.vigil.journal.Event.VrrpState;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What the journal says the node's state was after event {@code seq}: VRRP instances, VIPs held, real servers,
 * the IPVS table and the last check results. Immutable; {@link #apply} is a pure fold used both for the live
 * view (the journal writer folds every event it writes) and for replay ({@link JournalReader#stateAt}).
 *
 * <p>It is "what the events say", not a kernel probe: a VIP is held from its successful add to its
 * successful remove.
 */
public record View(long seq, long wallNs, String configHash,
                   SortedMap<String, Instance> instances,
                   SortedMap<String, Vip> vips,
                   SortedMap<String, RealServer> realServers,
                   SortedMap<String, Boolean> quorum,
                   SortedMap<String, IpvsService> ipvs,
                   SortedMap<String, Check> checks) {

    /** A vrrp_instance: state since the transition with seq {@code sinceSeq}; last MASTER seen. */
    public record Instance(String name, VrrpState state, int priority, String master, int masterPriority,
                           long sinceSeq, long sinceWallNs) {}

    /** A VIP this node holds (added successfully by event {@code sinceSeq}). */
    public record Vip(String address, String device, String instance, long sinceSeq) {}

    /** A real_server of a virtual_server; key in {@link #realServers} is "virtualServer|realServer". */
    public record RealServer(String virtualServer, String realServer, boolean up, int weight, long sinceSeq) {}

    /** A kernel IPVS service and its destinations (destination → entry). */
    public record IpvsService(String service, SortedMap<String, IpvsDest> destinations, long sinceSeq) {}

    /** A destination as of its last add/edit (event {@code sinceSeq}). */
    public record IpvsDest(String destination, int weight, String forwarding, long sinceSeq) {}

    /** Last result of one checker on one target; key in {@link #checks} is "checker|target". */
    public record Check(String checker, String target, boolean up, long latencyNs, String detail, int attempt,
                        long seq, long wallNs) {}

    public static final View EMPTY = new View(0, 0, "", empty(), empty(), empty(), empty(), empty(), empty());

    public View {
        configHash = configHash == null ? "" : configHash;
        instances = frozen(instances); vips = frozen(vips); realServers = frozen(realServers);
        quorum = frozen(quorum); ipvs = frozen(ipvs); checks = frozen(checks);
    }

    /** The pure fold: the state after {@code e}. Unknown and informational events only advance seq/time. */
    public View apply(Entry e) {
        long s = e.seq();
        View v = new View(s, e.wallNs(), configHash, instances, vips, realServers, quorum, ipvs, checks);
        return switch (e.event()) {
            case Event.Snapshot snap -> snap.view();
            case Event.ConfigApplied c -> new View(s, e.wallNs(), c.contentHash(), instances, vips, realServers, quorum, ipvs, checks);
            case Event.VrrpTransition t -> v.withInstances(m -> put(m, t.instance(), instance(t.instance())
                    .map(i -> new Instance(i.name(), t.to(), t.priority() > 0 ? t.priority() : i.priority(), i.master(),
                            i.masterPriority(), s, e.wallNs()))));
            case Event.PriorityChanged p -> v.withInstances(m -> put(m, p.instance(), instance(p.instance())
                    .map(i -> new Instance(i.name(), i.state(), p.newPriority(), i.master(), i.masterPriority(),
                            i.sinceSeq(), i.sinceWallNs()))));
            case Event.MasterSeen ms -> v.withInstances(m -> put(m, ms.instance(), instance(ms.instance())
                    .map(i -> new Instance(i.name(), i.state(), i.priority(), ms.peer(), ms.priority(),
                            i.sinceSeq(), i.sinceWallNs()))));
            case Event.VipChanged vc when vc.ok() -> vc.added()
                    ? v.withVips(m -> put(m, vc.address(), new Vip(vc.address(), vc.device(), vc.instance(), s)))
                    : v.withVips(m -> remove(m, vc.address()));
            case Event.CheckResult c -> v.withChecks(m -> put(m, c.checker() + "|" + c.target(), new Check(c.checker(),
                    c.target(), c.up(), c.latencyNs(), c.detail(), c.attempt(), s, e.wallNs())));
            case Event.RealServerChanged r -> new View(s, e.wallNs(), configHash, instances, vips,
                    put(realServers, r.virtualServer() + "|" + r.realServer(),
                            new RealServer(r.virtualServer(), r.realServer(), r.up(), r.weight(), s)),
                    put(quorum, r.virtualServer(), r.quorumUp()), ipvs, checks);
            case Event.IpvsChanged ic when ic.ok() -> v.withIpvs(m -> ipvsApply(m, ic, s));
            default -> v;
        };
    }

    /** The instance named {@code name}, or a fresh INIT one. */
    private InstanceRef instance(String name) {
        Instance i = instances.get(name);
        return new InstanceRef(i != null ? i : new Instance(name, VrrpState.INIT, 0, "", 0, 0, 0));
    }

    private record InstanceRef(Instance i) {
        Instance map(UnaryOperator<Instance> f) { return f.apply(i); }
    }

    private static SortedMap<String, IpvsService> ipvsApply(SortedMap<String, IpvsService> m, Event.IpvsChanged ic, long s) {
        IpvsService svc = m.get(ic.service());
        return switch (ic.op()) {
            case SERVICE_ADD, SERVICE_EDIT -> put(m, ic.service(),
                    new IpvsService(ic.service(), svc == null ? empty() : svc.destinations(), svc == null ? s : svc.sinceSeq()));
            case SERVICE_DELETE -> remove(m, ic.service());
            case DEST_ADD, DEST_EDIT -> {
                SortedMap<String, IpvsDest> d = svc == null ? empty() : svc.destinations();
                yield put(m, ic.service(), new IpvsService(ic.service(),
                        put(d, ic.destination(), new IpvsDest(ic.destination(), ic.weight(), ic.forwarding(), s)),
                        svc == null ? s : svc.sinceSeq()));
            }
            case DEST_DELETE -> svc == null ? m : put(m, ic.service(),
                    new IpvsService(ic.service(), remove(svc.destinations(), ic.destination()), svc.sinceSeq()));
        };
    }

    private View withInstances(UnaryOperator<SortedMap<String, Instance>> f) {
        return new View(seq, wallNs, configHash, f.apply(instances), vips, realServers, quorum, ipvs, checks);
    }
    private View withVips(UnaryOperator<SortedMap<String, Vip>> f) {
        return new View(seq, wallNs, configHash, instances, f.apply(vips), realServers, quorum, ipvs, checks);
    }
    private View withChecks(UnaryOperator<SortedMap<String, Check>> f) {
        return new View(seq, wallNs, configHash, instances, vips, realServers, quorum, ipvs, f.apply(checks));
    }
    private View withIpvs(UnaryOperator<SortedMap<String, IpvsService>> f) {
        return new View(seq, wallNs, configHash, instances, vips, realServers, quorum, f.apply(ipvs), checks);
    }

    // Copy-on-write helpers: the maps are small (instances, VIPs, real servers of one director).
    private static <V> SortedMap<String, V> put(SortedMap<String, V> m, String k, V v) {
        TreeMap<String, V> c = new TreeMap<>(m);
        c.put(k, v);
        return Collections.unmodifiableSortedMap(c);
    }
    private static <V> SortedMap<String, V> remove(SortedMap<String, V> m, String k) {
        if (!m.containsKey(k)) return m;
        TreeMap<String, V> c = new TreeMap<>(m);
        c.remove(k);
        return Collections.unmodifiableSortedMap(c);
    }
    private static <V> SortedMap<String, V> empty() { return Collections.emptySortedMap(); }
    private static <V> SortedMap<String, V> frozen(SortedMap<String, V> m) {
        if (m == null) return empty();
        return m.getClass().getName().startsWith("java.util.Collections$") ? m
                : Collections.unmodifiableSortedMap(new TreeMap<>(m));
    }
}
