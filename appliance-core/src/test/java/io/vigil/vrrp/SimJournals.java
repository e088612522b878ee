package io.vigil.vrrp;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journals the simulated routers would write, as the node shell writes them: the engine's transitions and
 * priority changes with causes mapped by {@link JournalCauses} (the node's own mapping), liveness marks every second
 * while a router runs, start-up and clean stop entries, MasterSeen on a new master or priority, other_master
 * anomalies, track_script results. A crash writes nothing. Each router's clock is off by its own offset.
 */
final class SimJournals implements VrrpSim.Listener {
    static final long T0 = 1_780_000_000_000_000_000L, S = 1_000_000_000L;

    final class Node {
        final VrrpSim.Router router;
        final String id;
        final long offset;
        final List<Entry> entries = new ArrayList<>();
        final Map<String, Long> trackerSeq = new HashMap<>();
        long seq, run;
        boolean running;
        Ipv4Address seenFrom;
        int seenPriority = -1;
        final Map<Ipv4Address, Long> otherMasterAt = new HashMap<>();

        Node(VrrpSim.Router router, long offset) { this.router = router; this.id = "r" + router.id; this.offset = offset; }

        long append(Cause cause, Event ev) { return append(cause, ev, sim.now); }

        long append(Cause cause, Event ev, long at) {
            entries.add(new Entry(id, ++seq, wall(at), at, cause, ev));
            return seq;
        }

        long wall(long simNs) { return T0 + simNs + offset; }

        /** The engine's monotonic clock (which may wrap) to this node's wall clock. */
        long wallOfEngine(long engineNs) { return wall(engineNs - sim.clockBase); }
    }

    final VrrpSim sim;
    final Map<Integer, Node> nodes = new LinkedHashMap<>();

    SimJournals(VrrpSim sim, long[] offsets) {
        this.sim = sim;
        for (VrrpSim.Router r : sim.routers) nodes.put(r.id, new Node(r, offsets[r.id]));
        sim.listener = this;
    }

    Map<String, List<Entry>> journals() {
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        for (Node n : nodes.values()) if (!n.entries.isEmpty()) out.put(n.id, n.entries);
        return out;
    }

    @Override public void started(VrrpSim.Router r) {
        Node n = nodes.get(r.id);
        Entry last = n.entries.isEmpty() ? null : n.entries.getLast();
        String prev = last == null ? Event.NodeStarted.FIRST_RUN
                : last.event() instanceof Event.NodeStopped ? Event.NodeStarted.CLEAN : Event.NodeStarted.CRASHED;
        n.append(Cause.NONE, new Event.NodeStarted("sim", r.id, prev, last == null ? 0 : last.seq(), last == null ? 0 : last.wallNs()));
        n.running = true;
        n.seenFrom = null;
        long run = ++n.run;
        alive(n, run, sim.now + S);
    }

    private void alive(Node n, long run, long at) {
        sim.at(at, () -> {
            if (!n.running || n.run != run || n.router.engine == null) return;
            VrrpInstance e = n.router.engine;
            n.append(Cause.NONE, Event.NodeAlive.of(1000, List.of(new Event.NodeAlive.Beat("VI_1", n.router.spec.vrid(),
                    n.router.spec.sourceAddress().toString(), Event.VrrpState.valueOf(e.state().name()), e.effectivePriority(),
                    n.router.spec.advertIntervalCentis() * 10L))));
            alive(n, run, at + S);
        });
    }

    @Override public void crashed(VrrpSim.Router r) { nodes.get(r.id).running = false; }

    @Override public void stopped(VrrpSim.Router r) {
        Node n = nodes.get(r.id);
        n.append(Cause.signal("SIGTERM"), new Event.NodeStopped("SIGTERM"));
        n.running = false;
    }

    @Override public void tracker(VrrpSim.Router r, String name, boolean up) {
        Node n = nodes.get(r.id);
        long seq = n.append(Cause.timer("vrrp_script " + name), new Event.CheckResult("track_script " + name, "", up, 1, up ? "exit 0" : "exit 1", 1));
        n.trackerSeq.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, name), seq);
    }

    @Override public void effects(VrrpSim.Router r, List<VrrpEffect> effects) {
        Node n = nodes.get(r.id);
        if (!n.running) return;
        var ctx = new JournalCauses.Context(r.spec.interfaceName(), n.trackerSeq, Cause.configReload("sim"),
                Cause.signal("SIGTERM"), false, n::wallOfEngine);
        for (VrrpEffect e : effects) {
            switch (e) {
                case VrrpEffect.StateChanged sc -> {
                    int prio = r.engine == null ? 0 : r.engine.effectivePriority();
                    n.append(JournalCauses.journal(sc.cause(), ctx), new Event.VrrpTransition(sc.instance(),
                            Event.VrrpState.valueOf(sc.from().name()), Event.VrrpState.valueOf(sc.to().name()),
                            JournalCauses.words(sc.cause()), prio));
                    if (sc.to() != VrrpState.BACKUP) n.seenFrom = null;
                }
                case VrrpEffect.PriorityChanged pc -> n.append(JournalCauses.journal(pc.cause(), ctx),
                        new Event.PriorityChanged(pc.instance(), pc.from(), pc.to(), JournalCauses.words(pc.cause())));
                default -> { }
            }
        }
    }

    @Override public void delivered(VrrpSim.Router to, ReceivedAdvert a, boolean accepted) {
        Node n = nodes.get(to.id);
        if (!accepted || !n.running) return;
        String from = a.source().toString();
        if (to.engine.state() == VrrpState.BACKUP && (!a.source().equals(n.seenFrom) || a.priority() != n.seenPriority)) {
            n.seenFrom = a.source();
            n.seenPriority = a.priority();
            n.append(Cause.packet(from, to.spec.interfaceName()), new Event.MasterSeen("VI_1", from, a.priority(), false));
        } else if (to.engine.state() == VrrpState.MASTER && a.priority() > 0) {
            Long last = n.otherMasterAt.get(a.source());
            if (last == null || sim.now - last >= 10 * S) {
                n.otherMasterAt.put(a.source(), sim.now);
                n.append(Cause.packet(from, to.spec.interfaceName()), new Event.AdvertAnomaly("VI_1", Event.AnomalyKind.OTHER_MASTER,
                        from, "advert priority " + a.priority() + " while MASTER"));
            }
        }
    }
}
