package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.SendAdvert;
import io.vigil.vrrp.VrrpEffect.StateChanged;
import io.vigil.vrrp.VrrpEffect.TimerRequest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic discrete-event world for VRRP engines: N routers sharing one VRID on a simulated LAN with
 * per-message delay, loss and partitions, on a simulated monotonic clock. Everything a router does goes
 * through the real engine and the real codec (adverts travel as bytes and are decoded on arrival).
 */
final class VrrpSim {
    /** One router: its spec and, while running, its engine. */
    final class Router {
        final int id;
        final VrrpInstanceSpec spec;
        VrrpInstance engine;        // null while crashed / stopped
        long timerGeneration;       // invalidates stale timer events
        int side;                   // partition side
        boolean scriptUp = true, linkUp = true;

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
    double lossProbability;
    long minDelay, maxDelay;
    long delivered, lost, steps;

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
        r.engine = new VrrpInstance(r.spec);
        if (!r.scriptUp) r.engine.step(VrrpInput.TrackerChanged.script(clock(), "chk", false));
        if (!r.linkUp) r.engine.step(new VrrpInput.InterfaceChanged(clock(), r.spec.interfaceName(), false));
        log("start " + r);
        listener.started(r);
        apply(r, r.engine.step(new VrrpInput.Start(clock())));
    }

    /** Dies without a word (power loss): no priority 0 advert. */
    void crash(Router r) {
        log("crash " + r);
        if (r.engine != null && r.engine.state() != VrrpState.STOP)
            transitions.add(new Transition(now, r.id, r.engine.state(), VrrpState.STOP, new Cause.Operator("crash")));
        r.engine = null;
        r.timerGeneration++;
        listener.crashed(r);
    }

    void shutdown(Router r) {
        log("shutdown " + r);
        apply(r, r.engine.step(new VrrpInput.Shutdown(clock())));
        r.engine = null;
        listener.stopped(r);
    }

    void setScript(Router r, boolean up) {
        r.scriptUp = up;
        log("script " + (up ? "up" : "down") + " " + r);
        if (r.engine != null) listener.tracker(r, "chk", up);
        if (r.engine != null) apply(r, r.engine.step(VrrpInput.TrackerChanged.script(clock(), "chk", up)));
    }

    /** A named track_script result (does not persist across restarts, unlike {@link #setScript}'s "chk"). */
    void setTracker(Router r, String script, boolean up) {
        log("tracker " + script + (up ? " up" : " down") + " " + r);
        if (r.engine != null) apply(r, r.engine.step(VrrpInput.TrackerChanged.script(clock(), script, up)));
    }

    void setLink(Router r, boolean up) {
        r.linkUp = up;
        log("link " + (up ? "up" : "down") + " " + r);
        if (r.engine != null) apply(r, r.engine.step(new VrrpInput.InterfaceChanged(clock(), r.spec.interfaceName(), up)));
    }

    void partition(int[] sides) {
        for (Router r : routers) r.side = sides[r.id];
        log("partition " + Arrays.toString(sides));
    }

    void heal() {
        for (Router r : routers) r.side = 0;
        log("heal");
    }

    long clock() { return clockBase + now; }

    private void apply(Router r, List<VrrpEffect> effects) {
        steps++;
        listener.effects(r, effects);
        boolean timer = false;
        for (VrrpEffect e : effects) {
            switch (e) {
                case SendAdvert a -> send(r, a);
                case StateChanged s -> {
                    transitions.add(new Transition(now, r.id, s.from(), s.to(), s.cause()));
                    log("r" + r.id + " " + s.from() + "->" + s.to() + " by " + s.cause());
                }
                case TimerRequest t -> {
                    timer = true;
                    long gen = ++r.timerGeneration;
                    long delay = t.deadline() - clock(); // subtraction: correct across clock wrap
                    VrrpInstance engine = r.engine;
                    at(now + Math.max(0, delay), () -> {
                        if (r.timerGeneration == gen && r.engine == engine) apply(r, engine.step(new VrrpInput.Tick(clock())));
                    });
                }
                default -> { }
            }
        }
        if (!timer) r.timerGeneration++;
    }

    private void send(Router from, SendAdvert a) {
        byte[] bytes = a.message();
        for (Router to : routers) {
            if (to == from || to.side != from.side) continue;
            if (lossProbability > 0 && random.nextDouble() < lossProbability) { lost++; continue; }
            long delay = minDelay + (maxDelay > minDelay ? (long) (random.nextDouble() * (maxDelay - minDelay)) : 0);
            at(now + delay, () -> {
                if (to.engine == null) return;
                delivered++;
                var decoded = ReceivedAdvert.decodeMessage(bytes, a.source(), a.destination(), 255);
                ReceivedAdvert advert = ((ReceivedAdvert.Decoded.Ok) decoded).advert();
                long accepted = to.engine.advertsAccepted();
                apply(to, to.engine.step(new VrrpInput.AdvertReceived(clock(), advert)));
                if (to.engine != null) listener.delivered(to, advert, to.engine.advertsAccepted() != accepted);
            });
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
