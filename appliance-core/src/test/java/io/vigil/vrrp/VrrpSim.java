package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.SendAdvert;
import io.vigil.vrrp.VrrpEffect.StateChanged;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic discrete-event world for VRRP nodes: N routers sharing one VRID on a simulated LAN with
 * per-message delay, loss, duplication and partitions, on a simulated monotonic clock (each router's clock may
 * be skewed). Everything a router does goes through the real {@link VrrpRouter} (registry, datagram routing,
 * tracker and link fan-out, one timer contract), its engine and the real codec (adverts travel as bytes and are
 * decoded on arrival), as the node drives it.
 */
final class VrrpSim {
    /** One router: its spec and, while running, its node's router and engine. */
    final class Router {
        final int id;
        VrrpInstanceSpec spec;      // replaced by reload
        VrrpRouter node;            // null while crashed / stopped
        VrrpInstance engine;        // the node's instance (observation only), null while crashed / stopped
        long timerGeneration;       // invalidates stale timer events
        long clockSkew;             // this router's monotonic clock runs ahead of the world's by this much
        int side;                   // partition side
        boolean scriptUp = true, linkUp = true;

        long clock() { return clockBase + now + clockSkew; }

        Router(int id, VrrpInstanceSpec spec) { this.id = id; this.spec = spec; }

        boolean participating() {
            return engine != null && engine.state() != VrrpState.FAULT && engine.state() != VrrpState.STOP
                    && engine.state() != VrrpState.INIT;
        }

        boolean isMaster() { return engine != null && engine.state() == VrrpState.MASTER; }

        Ipv4Address address() { return spec.sourceAddress(); }

        @Override public String toString() {
            return "r" + id + "(" + address() + " prio " + (engine == null ? spec.priority() + " DOWN" : engine.effectivePriority() + " " + engine.state())
                    + (spec.preempt() ? "" : " nopreempt") + " side " + side + ")";
        }
    }

    record Transition(long time, int router, VrrpState from, VrrpState to, Cause cause) {}

    /** What a node shell around each engine would see (the forensic simulation journals through it). */
    interface Listener {
        default void started(Router r) {}
        default void crashed(Router r) {}
        default void stopped(Router r) {}
        default void tracker(Router r, String name, boolean up) {}
        default void effects(Router r, List<VrrpEffect> effects) {}
        /** A decoded advert reached {@code to}'s engine; {@code accepted}: it passed validation. */
        default void delivered(Router to, ReceivedAdvert advert, boolean accepted) {}
    }

    Listener listener = new Listener() {};

    private record Event(long time, long seq, Runnable action) {}

    final long clockBase;           // engine clock = clockBase + simulated time (may wrap past Long.MAX_VALUE)
    final List<Router> routers = new ArrayList<>();
    final List<Transition> transitions = new ArrayList<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final Random random;
    private final Deque<String> trace = new ArrayDeque<>();
    private long seq;
    long now;                       // simulated nanoseconds since the world began
    double lossProbability, duplicateProbability;
    long minDelay, maxDelay;
    long delivered, lost, duplicated, steps;

    VrrpSim(Random random, long clockBase, long minDelay, long maxDelay) {
        this.random = random;
        this.clockBase = clockBase;
        this.minDelay = minDelay;
        this.maxDelay = maxDelay;
    }

    Router add(VrrpInstanceSpec spec) {
        Router r = new Router(routers.size(), spec);
        routers.add(r);
        return r;
    }

    void at(long time, Runnable action) { queue.add(new Event(time, seq++, action)); }

    /** Runs every event up to and including {@code until}. */
    void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().time <= until) {
            Event e = queue.poll();
            now = e.time;
            e.action.run();
        }
        now = until;
    }

    // ---------------------------------------------------------------- router operations

    void start(Router r) {
        VrrpRouter node = new VrrpRouter();
        // what the node knows before its instances start: a failing script, a down link
        if (!r.scriptUp) node.know(TrackerSpec.Kind.SCRIPT, "chk", false, 0);
        if (!r.linkUp) node.knowLink(r.spec.interfaceName(), false);
        r.node = node;
        VrrpRouter.Plan plan = node.plan(List.of(r.spec), List.of());
        List<VrrpRouter.Batch> batches = new ArrayList<>();
        node.apply(plan, r.clock(), VrrpRouter.Origin.RUN, 0, batches::add);
        r.engine = node.engine(r.spec.name());
        log("start " + r);
        listener.started(r);
        applyAll(r, batches);
    }

    /** Dies without a word (power loss): no priority 0 advert. */
    void crash(Router r) {
        log("crash " + r);
        if (r.engine != null && r.engine.state() != VrrpState.STOP)
            transitions.add(new Transition(now, r.id, r.engine.state(), VrrpState.STOP, new Cause.Operator("crash")));
        r.engine = null;
        r.node = null;
        r.timerGeneration++;
        listener.crashed(r);
    }

    void shutdown(Router r) {
        log("shutdown " + r);
        step(r, new VrrpRouter.Input.Shutdown(r.clock(), null));
        r.engine = null;
        r.node = null;
        r.timerGeneration++;
        listener.stopped(r);
    }

    void setScript(Router r, boolean up) {
        r.scriptUp = up;
        log("script " + (up ? "up" : "down") + " " + r);
        if (r.engine != null) listener.tracker(r, "chk", up);
        if (r.node != null) step(r, new VrrpRouter.Input.Tracker(r.clock(), TrackerSpec.Kind.SCRIPT, "chk", up, up ? 1 : 0));
    }

    /** A named track_script result (does not persist across restarts, unlike {@link #setScript}'s "chk"). */
    void setTracker(Router r, String script, boolean up) {
        log("tracker " + script + (up ? " up" : " down") + " " + r);
        if (r.node != null) step(r, new VrrpRouter.Input.Tracker(r.clock(), TrackerSpec.Kind.SCRIPT, script, up, up ? 1 : 0));
    }

    void setLink(Router r, boolean up) {
        r.linkUp = up;
        log("link " + (up ? "up" : "down") + " " + r);
        if (r.node != null) step(r, new VrrpRouter.Input.Link(r.clock(), r.spec.interfaceName(), up));
    }

    /** A configuration reload as the node does it: plan, then apply (unchanged: nothing; priority: in place). */
    void reload(Router r, VrrpInstanceSpec next) {
        r.spec = next;
        log("reload " + r);
        if (r.node == null) return;
        VrrpRouter.Plan plan = r.node.plan(List.of(next), List.of());
        List<VrrpRouter.Batch> batches = new ArrayList<>();
        r.node.apply(plan, r.clock(), VrrpRouter.Origin.RELOAD, 0, batches::add);
        r.engine = r.node.engine(next.name());
        applyAll(r, batches);
    }

    void partition(int[] sides) {
        for (Router r : routers) r.side = sides[r.id];
        log("partition " + Arrays.toString(sides));
    }

    void heal() {
        for (Router r : routers) r.side = 0;
        log("heal");
    }

    /** The world's engine clock (a router's own may be skewed: {@link Router#clock()}). */
    long clock() { return clockBase + now; }

    /** One input to the router's node; its batches applied as the node applies them, then its one timer re-armed. */
    private void step(Router r, VrrpRouter.Input in) {
        List<VrrpRouter.Batch> batches = new ArrayList<>();
        r.node.step(in, batches::add);
        applyAll(r, batches);
    }

    private void applyAll(Router r, List<VrrpRouter.Batch> batches) {
        VrrpRouter node = r.node;
        for (VrrpRouter.Batch b : batches) apply(r, b.effects());
        if (r.node != node || node == null) return;
        invariants(r);
        // the one timer contract: tick at the router's next deadline, on this router's (skewed) clock
        long gen = ++r.timerGeneration;
        node.nextDeadline().ifPresent(deadline -> {
            long delay = deadline - r.clock(); // subtraction: correct across clock wrap
            at(now + Math.max(0, delay), () -> {
                if (r.timerGeneration == gen && r.node == node) step(r, new VrrpRouter.Input.Tick(r.clock()));
            });
        });
    }

    /**
     * Checked after every input: a BACKUP or MASTER always has a timer (else it would never take over or advertise),
     * and no deadline is already past (else the host would spin on ticks).
     */
    private void invariants(Router r) {
        VrrpState st = r.engine.state();
        var deadline = r.node.nextDeadline();
        if ((st == VrrpState.BACKUP || st == VrrpState.MASTER) && deadline.isEmpty())
            throw new AssertionError("r" + r.id + " is " + st + " without a timer\n" + dump());
        if (deadline.isPresent() && deadline.getAsLong() - r.clock() < 0)
            throw new AssertionError("r" + r.id + " deadline " + deadline.getAsLong() + " already past at " + r.clock() + "\n" + dump());
        if (r.node.states().size() != 1 || r.node.state(r.spec.name()) != st)
            throw new AssertionError("r" + r.id + " router registry disagrees: " + r.node.states() + "\n" + dump());
    }

    private void apply(Router r, List<VrrpEffect> effects) {
        steps++;
        listener.effects(r, effects);
        for (VrrpEffect e : effects) {
            switch (e) {
                case SendAdvert a -> send(r, a);
                case StateChanged s -> {
                    transitions.add(new Transition(now, r.id, s.from(), s.to(), s.cause()));
                    log("r" + r.id + " " + s.from() + "->" + s.to() + " by " + s.cause());
                }
                default -> { }
            }
        }
    }

    private void send(Router from, SendAdvert a) {
        byte[] bytes = a.message();
        for (Router to : routers) {
            if (to == from || to.side != from.side) continue;
            if (lossProbability > 0 && random.nextDouble() < lossProbability) { lost++; continue; }
            int copies = duplicateProbability > 0 && random.nextDouble() < duplicateProbability ? 2 : 1;
            if (copies == 2) duplicated++;
            for (int c = 0; c < copies; c++) {
                long delay = minDelay + (maxDelay > minDelay ? (long) (random.nextDouble() * (maxDelay - minDelay)) : 0);
                at(now + delay, () -> {
                    if (to.node == null) return;
                    delivered++;
                    var decoded = ReceivedAdvert.decodeMessage(bytes, a.source(), a.destination(), 255);
                    ReceivedAdvert advert = ((ReceivedAdvert.Decoded.Ok) decoded).advert();
                    VrrpInstance engine = to.engine;
                    long accepted = engine.advertsAccepted();
                    step(to, new VrrpRouter.Input.Datagram(to.clock(), to.spec.interfaceName(), decoded, -1));
                    if (to.node != null) listener.delivered(to, advert, engine.advertsAccepted() != accepted);
                });
            }
        }
    }

    // ---------------------------------------------------------------- observations

    List<Router> masters(int side) {
        return routers.stream().filter(r -> r.side == side && r.isMaster()).toList();
    }

    List<Router> participants(int side) {
        return routers.stream().filter(r -> r.side == side && r.participating()).toList();
    }

    List<Transition> transitionsBetween(long from, long to) {
        return transitions.stream().filter(t -> t.time >= from && t.time <= to).toList();
    }

    void log(String s) {
        trace.addLast(String.format("%9.3f s  %s", now / 1e9, s));
        if (trace.size() > 400) trace.removeFirst();
    }

    String dump() {
        StringBuilder b = new StringBuilder("routers:\n");
        routers.forEach(r -> b.append("  ").append(r).append('\n'));
        b.append("trace (last ").append(trace.size()).append(" events):\n");
        trace.forEach(t -> b.append("  ").append(t).append('\n'));
        return b.toString();
    }
}
