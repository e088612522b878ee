package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.SendAdvert;
import io.vigil.vrrp.VrrpEffect.StateChanged;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

import static io.vigil.vrrp.Fixtures.MS;
import static io.vigil.vrrp.Fixtures.S;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded schedules of 2-4 routers, each with a sync group of two instances (VRID 51 on LAN "eth0", VRID 52 on
 * LAN "eth1"), through crashes, restarts, priority changes (a group-wide track_script) and link faults on one LAN.
 * Once settled: every router's members agree, exactly one router is MASTER of both VRIDs, and under preempt it is
 * the highest priority one. Each router is a {@link VrrpRouter} as the node drives it: datagrams routed by
 * interface and VRID, the track_script fanned out to both members, one timer. Re-run one seed with
 * {@code -Dvigil.vrrp.syncsim.seed=N}.
 */
class VrrpSyncGroupSimulationTest {

    @Test
    void syncGroupsMoveTogetherUnderRandomSchedules() {
        String one = System.getProperty("vigil.vrrp.syncsim.seed");
        int count = Integer.getInteger("vigil.vrrp.syncsim.seeds", 600);
        long checks = 0, events = 0;
        for (long seed = one != null ? Long.parseLong(one) : 1; seed <= (one != null ? Long.parseLong(one) : count); seed++) {
            World w = new World(seed);
            try {
                w.run();
            } catch (AssertionError e) {
                throw new AssertionError("sync group simulation failed for seed " + seed + " (re-run: -Dvigil.vrrp.syncsim.seed="
                        + seed + ")\n" + e.getMessage() + "\n" + w.dump(), e);
            }
            checks += w.checks;
            events += w.events;
        }
        System.out.println("sync group simulation: " + events + " events, " + checks + " property checks");
        assertThat(checks).isPositive();
    }

    static final class World {
        final class Router {
            final int id;
            final List<VrrpInstanceSpec> specs;
            VrrpRouter group;               // null while down
            long generation;
            boolean scriptUp = true;
            final Map<String, Boolean> links = new HashMap<>(Map.of("eth0", true, "eth1", true));

            Router(int id, List<VrrpInstanceSpec> specs) { this.id = id; this.specs = specs; }

            VrrpInstance member(int vrid) { return group.engine(vrid == 51 ? "VI_0" : "VI_1"); }

            @Override public String toString() {
                return "r" + id + (group == null ? " DOWN" : " " + List.of(51, 52).stream()
                        .map(v -> v + ":" + member(v).state() + "/" + member(v).effectivePriority()).toList());
            }
        }

        private record Event(long time, long seq, Runnable action) {}

        final Random rnd;
        final List<Router> routers = new ArrayList<>();
        final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
        final Deque<String> trace = new ArrayDeque<>();
        final boolean preempt;
        final long maxDelay, bound;
        long now, seq, checks, events;

        World(long seed) {
            rnd = new Random(seed);
            preempt = rnd.nextInt(4) != 0;
            maxDelay = (long) rnd.nextInt(20) * MS;
            int n = 2 + rnd.nextInt(3);
            int weight = -(1 + rnd.nextInt(150));
            for (int i = 0; i < n; i++) {
                int prio = 1 + rnd.nextInt(254);
                List<VrrpInstanceSpec> specs = new ArrayList<>();
                for (int k = 0; k < 2; k++) {
                    specs.add(VrrpInstanceSpec.builder("VI_" + k).interfaceName("eth" + k).vrid(51 + k).priority(prio)
                            .preempt(preempt).virtualAddress(k == 0 ? "192.0.2.100" : "198.51.100.100")
                            .sourceAddress(Ipv4Address.of(k == 0 ? 192 : 198, k == 0 ? 0 : 51, k == 0 ? 2 : 100, 11 + i))
                            .tracker(TrackerSpec.script("chk", weight)).build());
                }
                routers.add(new Router(i, specs));
            }
            bound = new VrrpInstance(routers.getFirst().specs.getFirst().withPriority(1)).masterDownIntervalNanos() + S + 2 * maxDelay + MS;
        }

        void at(long t, Runnable r) { queue.add(new Event(t, seq++, r)); }

        void runUntil(long t) {
            while (!queue.isEmpty() && queue.peek().time <= t) {
                Event e = queue.poll();
                now = e.time;
                events++;
                e.action.run();
            }
            now = t;
        }

        void start(Router r) {
            VrrpRouter node = new VrrpRouter();
            if (!r.scriptUp) node.know(TrackerSpec.Kind.SCRIPT, "chk", false, 0);
            r.links.forEach((lan, up) -> { if (!up) node.knowLink(lan, false); });
            r.group = node;
            log("start r" + r.id);
            List<VrrpRouter.Batch> out = new ArrayList<>();
            node.apply(node.plan(r.specs, List.of(new SyncGroupSpec("G", List.of("VI_0", "VI_1"), NotifySpec.NONE))),
                    now, VrrpRouter.Origin.RUN, 0, out::add);
            apply(r, out);
        }

        void step(Router r, VrrpRouter.Input in) { apply(r, r.group.step(in)); }

        void apply(Router r, List<VrrpRouter.Batch> batches) {
            VrrpRouter node = r.group;
            for (VrrpRouter.Batch b : batches)
                for (VrrpEffect e : b.effects()) {
                    switch (e) {
                        case SendAdvert a -> send(r, a);
                        case StateChanged s -> log("r" + r.id + " " + s.instance() + " " + s.from() + "->" + s.to() + " by " + s.cause());
                        default -> { }
                    }
                }
            // one wake-up for the node: the router's deadline (the earliest of any member)
            long gen = ++r.generation;
            node.nextDeadline().ifPresent(next ->
                    at(Math.max(now, next), () -> { if (r.generation == gen && r.group == node) step(r, new VrrpRouter.Input.Tick(now)); }));
        }

        void send(Router from, SendAdvert a) {
            String lan = a.message()[1] == 51 ? "eth0" : "eth1";
            if (!from.links.get(lan)) return;
            byte[] bytes = a.message();
            for (Router to : routers) {
                if (to == from) continue;
                long d = maxDelay == 0 ? 0 : (long) (rnd.nextDouble() * maxDelay);
                at(now + d, () -> {
                    if (to.group == null || !to.links.get(lan)) return;
                    var decoded = ReceivedAdvert.decodeMessage(bytes, a.source(), a.destination(), 255);
                    step(to, new VrrpRouter.Input.Datagram(now, lan, decoded, -1));
                });
            }
        }

        void run() {
            for (Router r : routers) at((long) (rnd.nextDouble() * S), () -> start(r));
            long windowStart = S;
            for (int phase = 0; phase < 6; phase++) {
                runUntil(windowStart + bound);
                long settled = now;
                check("settled");
                runUntil(settled + 2 * S);
                check("still");
                long t = now;
                Router r = routers.get(rnd.nextInt(routers.size()));
                switch (rnd.nextInt(4)) {
                    case 0 -> at(t, () -> { if (r.group != null) { log("crash r" + r.id); r.group = null; r.generation++; } else start(r); });
                    case 1 -> at(t, () -> {
                        r.scriptUp = !r.scriptUp;
                        log("script " + r.scriptUp + " r" + r.id);
                        if (r.group != null) step(r, new VrrpRouter.Input.Tracker(now, TrackerSpec.Kind.SCRIPT, "chk", r.scriptUp, r.scriptUp ? 1 : 0));
                    });
                    case 2 -> at(t, () -> {
                        String lan = rnd.nextBoolean() ? "eth0" : "eth1";
                        boolean up = !r.links.get(lan);
                        r.links.put(lan, up);
                        log("link " + lan + " " + up + " r" + r.id);
                        if (r.group != null) step(r, new VrrpRouter.Input.Link(now, lan, up));
                    });
                    default -> at(t, () -> log("nothing"));
                }
                windowStart = t;
            }
        }

        void check(String when) {
            checks++;
            List<Router> up = routers.stream().filter(r -> r.group != null).toList();
            for (Router r : up) {
                VrrpState a = r.member(51).state(), b = r.member(52).state();
                assertThat(a).as(when + ": members of r" + r.id + " agree").isEqualTo(b);
            }
            List<Router> live = up.stream().filter(r -> r.member(51).state() != VrrpState.FAULT).toList();
            List<Router> masters = live.stream().filter(r -> r.member(51).state() == VrrpState.MASTER).toList();
            if (live.isEmpty()) { assertThat(masters).isEmpty(); return; }
            assertThat(masters).as(when + ": one router is MASTER of both VRIDs").hasSize(1);
            if (preempt) {
                int best = live.stream().mapToInt(r -> r.member(51).effectivePriority()).max().orElseThrow();
                assertThat(masters.getFirst().member(51).effectivePriority()).as(when + ": highest priority wins").isEqualTo(best);
            }
        }

        void log(String s) {
            trace.addLast(String.format("%9.3f s  %s", now / 1e9, s));
            if (trace.size() > 200) trace.removeFirst();
        }

        String dump() {
            StringBuilder b = new StringBuilder("preempt " + preempt + ", delay 0.." + maxDelay / MS + " ms\n");
            routers.forEach(r -> b.append("  ").append(r).append('\n'));
            trace.forEach(t -> b.append("  ").append(t).append('\n'));
            return b.toString();
        }
    }
}
