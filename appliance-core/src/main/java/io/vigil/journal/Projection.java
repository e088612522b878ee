package io.vigil.journal;

import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.View.*;

import java.util.TreeMap;

/**
 * The journal's one state-transition function, on a mutable accumulator: {@link View#apply} (the pure fold),
 * the writer's live state, snapshots and {@link io.vigil.journal.store.JournalReader#stateAt} replay all run this code. The accumulator
 * exists for speed: folding millions of events must cost O(log n) per event, not a copy of the state.
 * Not thread-safe; {@link #view()} hands out an immutable copy.
 */
public final class Projection {
    private long seq, wallNs;
    private String configHash = "";
    private final TreeMap<String, Instance> instances = new TreeMap<>();
    private final TreeMap<String, Vip> vips = new TreeMap<>();
    private final TreeMap<String, RealServer> realServers = new TreeMap<>();
    private final TreeMap<String, Boolean> quorum = new TreeMap<>();
    private final TreeMap<String, Long> services = new TreeMap<>();                       // IPVS service -> since seq
    private final TreeMap<String, TreeMap<String, IpvsDest>> destinations = new TreeMap<>(); // IPVS service -> dests
    private final TreeMap<String, Check> checks = new TreeMap<>();

    public Projection() {}

    public static Projection of(View v) {
        Projection p = new Projection();
        p.reset(v);
        return p;
    }

    private void reset(View v) {
        seq = v.seq(); wallNs = v.wallNs(); configHash = v.configHash();
        instances.clear(); instances.putAll(v.instances());
        vips.clear(); vips.putAll(v.vips());
        realServers.clear(); realServers.putAll(v.realServers());
        quorum.clear(); quorum.putAll(v.quorum());
        services.clear(); destinations.clear();
        v.ipvs().forEach((k, svc) -> {
            services.put(k, svc.sinceSeq());
            destinations.put(k, new TreeMap<>(svc.destinations()));
        });
        checks.clear(); checks.putAll(v.checks());
    }

    public long seq() { return seq; }

    /** Folds one entry in. Unknown and informational events only advance seq and time. */
    public Projection apply(Entry e) {
        long s = e.seq();
        if (e.event() instanceof Event.Snapshot snap) {
            reset(snap.view());
            return this;
        }
        seq = s;
        wallNs = e.wallNs();
        switch (e.event()) {
            case Event.ConfigApplied c -> configHash = c.contentHash();
            case Event.VrrpTransition t -> {
                Instance i = instance(t.instance());
                instances.put(t.instance(), new Instance(i.name(), t.to(), t.priority() > 0 ? t.priority() : i.priority(),
                        i.master(), i.masterPriority(), s, e.wallNs()));
            }
            case Event.PriorityChanged p -> {
                Instance i = instance(p.instance());
                instances.put(p.instance(), new Instance(i.name(), i.state(), p.newPriority(), i.master(), i.masterPriority(),
                        i.sinceSeq(), i.sinceWallNs()));
            }
            case Event.MasterSeen m -> {
                Instance i = instance(m.instance());
                instances.put(m.instance(), new Instance(i.name(), i.state(), i.priority(), m.peer(), m.priority(),
                        i.sinceSeq(), i.sinceWallNs()));
            }
            case Event.VipChanged v when v.ok() -> {
                if (v.added()) vips.put(v.address(), new Vip(v.address(), v.device(), v.instance(), s));
                else vips.remove(v.address());
            }
            case Event.CheckResult c -> checks.put(c.checker() + "|" + c.target(), new Check(c.checker(), c.target(), c.up(),
                    c.latencyNs(), c.detail(), c.attempt(), s, e.wallNs()));
            // the checker's last result is still of its run's class; the summary dates it (latency: the run's mean)
            case Event.CheckSummary c -> checks.put(c.checker() + "|" + c.target(), new Check(c.checker(), c.target(), c.up(),
                    c.count() == 0 ? 0 : c.latencySumNs() / c.count(), c.detail(), 1, s, c.lastWallNs()));
            case Event.RealServerChanged r -> {
                realServers.put(r.virtualServer() + "|" + r.realServer(),
                        new RealServer(r.virtualServer(), r.realServer(), r.up(), r.weight(), s));
                quorum.put(r.virtualServer(), r.quorumUp());
            }
            case Event.QuorumChanged q -> quorum.put(q.virtualServer(), q.up());
            case Event.IpvsChanged ic when ic.ok() -> ipvs(ic, s);
            default -> { }
        }
        return this;
    }

    private Instance instance(String name) {
        Instance i = instances.get(name);
        return i != null ? i : new Instance(name, VrrpState.INIT, 0, "", 0, 0, 0);
    }

    private void ipvs(Event.IpvsChanged ic, long s) {
        String svc = ic.service();
        switch (ic.op()) {
            case SERVICE_ADD, SERVICE_EDIT -> {
                services.putIfAbsent(svc, s);
                destinations.computeIfAbsent(svc, k -> new TreeMap<>());
            }
            case SERVICE_DELETE -> { services.remove(svc); destinations.remove(svc); }
            case DEST_ADD, DEST_EDIT -> {
                services.putIfAbsent(svc, s);
                destinations.computeIfAbsent(svc, k -> new TreeMap<>())
                        .put(ic.destination(), new IpvsDest(ic.destination(), ic.weight(), ic.forwarding(), s));
            }
            case DEST_DELETE -> {
                TreeMap<String, IpvsDest> d = destinations.get(svc);
                if (d != null) d.remove(ic.destination());
            }
            case FLUSH -> { services.clear(); destinations.clear(); }
            case SYNC_DAEMON_START, SYNC_DAEMON_STOP, TIMEOUTS_SET -> { } // not part of the table
        }
    }

    /** An immutable copy of the current state. */
    public View view() {
        TreeMap<String, IpvsService> ipvs = new TreeMap<>();
        services.forEach((k, since) -> ipvs.put(k, new IpvsService(k, destinations.get(k), since)));
        return new View(seq, wallNs, configHash, instances, vips, realServers, quorum, ipvs, checks);
    }
}
