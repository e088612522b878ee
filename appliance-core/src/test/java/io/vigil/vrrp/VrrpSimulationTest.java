package io.vigil.vrrp;

import io.vigil.vrrp.VrrpSim.Router;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.vigil.vrrp.Fixtures.MS;
import static io.vigil.vrrp.Fixtures.S;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random schedules of N routers (loss, delay, partition, heal, crash, graceful shutdown, restart,
 * priority and link changes) checked against VRRP's promises. A failure prints its seed; re-run one with
 * {@code -Dvigil.vrrp.sim.seed=N} (and {@code -Dvigil.vrrp.sim.seeds=K} changes how many run).
 *
 * <p>Settle bound after a disturbance ending at T (network then fixed and lossless): every backup last reset
 * its Master_Down_Timer at or before T, so the preferred router takes over by T + Master_Down_Interval (we use the
 * largest possible one, priority 1); routers whose timers ran out within a delivery delay of each other resolve it
 * when their first adverts cross (one advert interval plus a delay there and a delay back). Hence
 * bound = MDI(priority 1) + advert interval + 2 * max delay + 1 ms.
 */
class VrrpSimulationTest {
    static final int DEFAULT_SEEDS = 2500;

    @Test
    void randomSchedulesKeepVrrpsPromises() {
        String one = System.getProperty("vigil.vrrp.sim.seed");
        int count = Integer.getInteger("vigil.vrrp.sim.seeds", DEFAULT_SEEDS);
        List<Long> seeds = new ArrayList<>();
        if (one != null) seeds.add(Long.parseLong(one));
        else for (long s = 1; s <= count; s++) seeds.add(s);
        long steps = 0, delivered = 0, lost = 0, checks = 0;
        for (long seed : seeds) {
            Scenario sc = new Scenario(seed);
            try {
                sc.run();
            } catch (AssertionError e) {
                throw new AssertionError("VRRP simulation failed for seed " + seed
                        + " (re-run: -Dvigil.vrrp.sim.seed=" + seed + ")\n" + sc.describe() + "\n" + e.getMessage()
                        + "\n" + sc.sim.dump(), e);
            }
            steps += sc.sim.steps;
            delivered += sc.sim.delivered;
            lost += sc.sim.lost;
            checks += sc.checks;
        }
        report(seeds, steps, delivered, lost, checks, "");
    }

    /**
     * The same promises with the faults the plain schedules leave out: duplicated adverts, every router's clock
     * skewed (wrapping past Long.MAX_VALUE for some), and configuration reloads changing a router's priority.
     */
    @Test
    void randomSchedulesWithDuplicatesSkewAndReloadsKeepVrrpsPromises() {
        int count = Integer.getInteger("vigil.vrrp.sim.faultSeeds", 800);
        List<Long> seeds = new ArrayList<>();
        String one = System.getProperty("vigil.vrrp.sim.faultSeed");
        if (one != null) seeds.add(Long.parseLong(one));
        else for (long s = 1; s <= count; s++) seeds.add(s);
        long steps = 0, delivered = 0, lost = 0, checks = 0, duplicated = 0;
        for (long seed : seeds) {
            Scenario sc = new Scenario(seed, true);
            try {
                sc.run();
            } catch (AssertionError e) {
                throw new AssertionError("VRRP fault simulation failed for seed " + seed
                        + " (re-run: -Dvigil.vrrp.sim.faultSeed=" + seed + ")\n" + sc.describe() + "\n" + e.getMessage()
                        + "\n" + sc.sim.dump(), e);
            }
            steps += sc.sim.steps;
            delivered += sc.sim.delivered;
            lost += sc.sim.lost;
            duplicated += sc.sim.duplicated;
            checks += sc.checks;
        }
        report(seeds, steps, delivered, lost, checks, ", " + duplicated + " duplicated");
        assertThat(duplicated).as("duplicates were actually sent").isPositive();
    }

    private static void report(List<Long> seeds, long steps, long delivered, long lost, long checks, String extra) {
        System.out.printf("VRRP simulation: %d seeds, %d engine steps, %d adverts delivered, %d lost%s, %d property checks%n",
                seeds.size(), steps, delivered, lost, extra, checks);
        assertThat(checks).as("properties were actually checked").isGreaterThan(seeds.size());
    }

    enum Preempt { ALL, NONE, MIXED }

    static final class Scenario {
        final long seed;
        final boolean faults;
        final Random rnd;
        final VrrpSim sim;
        final int version, advCentis;
        final Preempt preempt;
        final long bound, adv;
        long checks;
        final List<String> log = new ArrayList<>();

        Scenario(long seed) { this(seed, false); }

        /** {@code faults}: duplicates, skewed clocks and reloads as well (drawn from their own Random, after the rest). */
        Scenario(long seed, boolean faults) {
            this.seed = seed;
            this.faults = faults;
            this.rnd = new Random(seed);
            long[] bases = {0L, Long.MAX_VALUE - 20 * S, -7 * S, rnd.nextLong()};
            long maxDelay = rnd.nextInt(4) == 0 ? 0 : (long) rnd.nextInt(30) * MS;
            this.sim = new VrrpSim(rnd, bases[rnd.nextInt(bases.length)], 0, maxDelay);
            this.version = rnd.nextBoolean() ? 2 : 3;
            this.advCentis = version == 2 ? 100 : new int[] {50, 100, 100, 200}[rnd.nextInt(4)];
            this.preempt = switch (rnd.nextInt(10)) { case 0, 1 -> Preempt.NONE; case 2, 3 -> Preempt.MIXED; default -> Preempt.ALL; };
            int n = 2 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                int prio = rnd.nextInt(5) == 0 ? 100 : 1 + rnd.nextInt(254); // some equal priorities: address breaks ties
                int weight = rnd.nextBoolean() ? -(1 + rnd.nextInt(120)) : 1 + rnd.nextInt(120);
                boolean p = switch (preempt) { case ALL -> true; case NONE -> false; case MIXED -> rnd.nextBoolean(); };
                VrrpInstanceSpec spec = VrrpInstanceSpec.builder("VI_1").vrid(51).version(version).priority(prio)
                        .advertIntervalCentis(advCentis).preempt(p).virtualAddress("192.0.2.100")
                        .sourceAddress(Ipv4Address.of(192, 0, 2, 11 + i)).tracker(TrackerSpec.script("chk", weight))
                        .authPass(version == 2 ? "s3cr3t" : "").build();
                sim.add(spec);
            }
            this.adv = advCentis * 10 * MS;
            VrrpInstance lowest = new VrrpInstance(sim.routers.getFirst().spec.withPriority(1));
            this.bound = lowest.masterDownIntervalNanos() + adv + 2 * maxDelay + MS;
            if (faults) {
                Random f = new Random(~seed);
                sim.duplicateProbability = f.nextDouble() * 0.3;
                for (Router r : sim.routers) r.clockSkew = f.nextInt(4) == 0 ? f.nextLong() : (long) f.nextInt(100_000) * MS;
            }
        }

        String describe() {
            return "scenario: v" + version + (faults ? ", duplicates " + Math.round(sim.duplicateProbability * 100) + "%, skews "
                    + sim.routers.stream().map(r -> Long.toString(r.clockSkew)).toList() : "") + " advert " + advCentis + " cs, preempt " + preempt + ", delay 0.." + sim.maxDelay / MS
                    + " ms, clock base " + sim.clockBase + ", settle bound " + bound / MS + " ms\nschedule:\n  " + String.join("\n  ", log);
        }

        void run() {
            for (Router r : sim.routers) {
                long t = (long) (rnd.nextDouble() * 2 * S);
                sim.at(t, () -> sim.start(r));
            }
            long windowStart = 2 * S;
            boolean partitioned = false;
            int phases = 4 + rnd.nextInt(6);
            String disturbance = "start";
            for (int phase = 0; phase <= phases; phase++) {
                // quiet window: the network is fixed and lossless from windowStart
                long settled = windowStart + bound;
                long end = settled + S + (long) (rnd.nextDouble() * 3 * S);
                Router stableMaster = onlyMasterIfWhole(partitioned, windowStart);
                Router restarted = disturbance.startsWith("restart") ? lastTarget : null;
                sim.runUntil(windowStart);
                if (disturbance.equals("heal")) checkHeal(windowStart);
                sim.runUntil(settled);
                checkOneMasterPerSide("after " + disturbance, partitioned);
                sim.runUntil(end);
                checkStable(settled, end, disturbance);
                checkOneMasterPerSide("at window end after " + disturbance, partitioned);
                if (preempt == Preempt.ALL) checkHighestWins(partitioned);
                if (preempt == Preempt.NONE) checkNopreempt(stableMaster, windowStart, end, disturbance, restarted);
                if (phase == phases) break;
                // next disturbance
                long t = end;
                switch (pick(partitioned)) {
                    case 0 -> { disturbance = "partition"; partitioned = true; int[] sides = split(); sim.at(t, () -> sim.partition(sides)); }
                    case 1 -> { disturbance = "heal"; partitioned = false; sim.at(t, sim::heal); }
                    case 2 -> { Router r = randomRunning(); if (r == null) { disturbance = "none"; break; } lastTarget = r; disturbance = "crash r" + r.id; sim.at(t, () -> sim.crash(r)); }
                    case 3 -> { Router r = randomRunning(); if (r == null) { disturbance = "none"; break; } lastTarget = r; disturbance = "shutdown r" + r.id; sim.at(t, () -> sim.shutdown(r)); }
                    case 4 -> { Router r = randomDown(); if (r == null) { disturbance = "none"; break; } lastTarget = r; disturbance = "restart r" + r.id; sim.at(t, () -> sim.start(r)); }
                    case 5 -> { Router r = sim.routers.get(rnd.nextInt(sim.routers.size())); lastTarget = r; boolean up = !r.scriptUp; disturbance = "script r" + r.id + (up ? " up" : " down"); sim.at(t, () -> sim.setScript(r, up)); }
                    case 6 -> { Router r = sim.routers.get(rnd.nextInt(sim.routers.size())); lastTarget = r; boolean up = !r.linkUp; disturbance = "link r" + r.id + (up ? " up" : " down"); sim.at(t, () -> sim.setLink(r, up)); }
                    case 8 -> {
                        Router r = sim.routers.get(rnd.nextInt(sim.routers.size()));
                        lastTarget = r;
                        int prio = rnd.nextInt(3) == 0 ? r.spec.priority() : 1 + rnd.nextInt(254);
                        disturbance = "reload r" + r.id + " priority " + prio;
                        VrrpInstanceSpec next = r.spec.withPriority(prio);
                        sim.at(t, () -> sim.reload(r, next));
                    }
                    default -> {
                        long d = (long) ((0.5 + rnd.nextDouble() * 4) * S);
                        double p = 0.2 + rnd.nextDouble() * 0.7;
                        disturbance = "loss " + Math.round(p * 100) + "% for " + d / MS + " ms";
                        sim.at(t, () -> sim.lossProbability = p);
                        t += d;
                        sim.at(t, () -> sim.lossProbability = 0);
                    }
                }
                log.add(String.format("%.3f s: %s", end / 1e9, disturbance));
                windowStart = t;
            }
        }

        Router lastTarget;

        private int pick(boolean partitioned) {
            while (true) {
                int k = rnd.nextInt(faults ? 9 : 8);
                if (k == 0 && partitioned) continue;
                if (k == 1 && !partitioned) continue;
                return k;
            }
        }

        private int[] split() {
            int n = sim.routers.size();
            int[] sides = new int[n];
            do { for (int i = 0; i < n; i++) sides[i] = rnd.nextInt(2); }
            while (java.util.Arrays.stream(sides).distinct().count() < 2);
            return sides;
        }

        private Router randomRunning() {
            List<Router> up = sim.routers.stream().filter(r -> r.engine != null).toList();
            return up.isEmpty() ? null : up.get(rnd.nextInt(up.size()));
        }

        private Router randomDown() {
            List<Router> down = sim.routers.stream().filter(r -> r.engine == null).toList();
            return down.isEmpty() ? null : down.get(rnd.nextInt(down.size()));
        }

        // ------------------------------------------------------------ properties

        /** With the network whole (or each side of a partition), exactly one participating MASTER per side; nobody else MASTER. */
        void checkOneMasterPerSide(String when, boolean partitioned) {
            checks++;
            for (int side : partitioned ? new int[] {0, 1} : new int[] {0}) {
                List<Router> participants = sim.participants(side);
                List<Router> masters = sim.masters(side);
                if (participants.isEmpty()) {
                    assertThat(masters).as(when + ": side " + side + " has no participants").isEmpty();
                    continue;
                }
                assertThat(masters).as(when + ": masters on side " + side + " at " + sim.now / 1e9 + " s").hasSize(1);
            }
        }

        /** No transition at all once settled: the election is over. */
        void checkStable(long from, long to, String disturbance) {
            checks++;
            assertThat(sim.transitionsBetween(from + 1, to)).as("transitions after settling (" + disturbance + ")").isEmpty();
        }

        /**
         * Under preempt, the MASTER has the highest effective priority of its side. (An equal-priority backup with a
         * higher address does not take over: RFC 5798 6.4.2 resets its timer on an equal-priority advert; the
         * address only breaks ties between two masters.)
         */
        void checkHighestWins(boolean partitioned) {
            checks++;
            for (int side : partitioned ? new int[] {0, 1} : new int[] {0}) {
                List<Router> participants = sim.participants(side);
                if (participants.isEmpty()) continue;
                int best = participants.stream().mapToInt(r -> r.engine.effectivePriority()).max().orElseThrow();
                assertThat(sim.masters(side)).as("highest effective priority wins on side " + side)
                        .singleElement().matches(r -> r.engine.effectivePriority() == best, "has priority " + best);
            }
        }

        /**
         * With every router nopreempt, a single MASTER of a whole network stays MASTER through a window whose
         * disturbance did not hit it (a restarted or reprioritised router never takes over), and a restarted
         * router never becomes MASTER while it is there.
         */
        void checkNopreempt(Router stable, long from, long to, String disturbance, Router restarted) {
            if (stable == null || !(disturbance.startsWith("restart") || disturbance.startsWith("script") || disturbance.equals("none")))
                return;
            if (lastTarget == stable && !disturbance.startsWith("restart")) return;
            checks++;
            assertThat(sim.transitionsBetween(from, to).stream().filter(t -> t.router() == stable.id).toList())
                    .as("nopreempt: the master r" + stable.id + " keeps its role (" + disturbance + ")").isEmpty();
            if (restarted != null)
                assertThat(sim.transitionsBetween(from, to).stream().filter(t -> t.router() == restarted.id && t.to() == VrrpState.MASTER).toList())
                        .as("nopreempt: restarted r" + restarted.id + " does not take over").isEmpty();
        }

        /** The only MASTER when the network is whole, or null. */
        Router onlyMasterIfWhole(boolean partitioned, long windowStart) {
            if (partitioned) return null;
            List<Router> m = sim.masters(0);
            return m.size() == 1 ? m.getFirst() : null;
        }

        /** After a heal, one MASTER within one advert interval (plus a delay there and back). */
        void checkHeal(long healedAt) {
            sim.runUntil(healedAt + adv + 2 * sim.maxDelay + MS);
            checks++;
            if (sim.participants(0).isEmpty()) return;
            assertThat(sim.masters(0)).as("one master within one advert interval of the heal at " + healedAt / 1e9 + " s").hasSize(1);
        }
    }
}
