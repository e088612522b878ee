package io.vigil.vrrp;

import io.vigil.journal.Event;
import io.vigil.journal.forensic.ClockSkew;
import io.vigil.journal.forensic.Forensics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incident report against the simulator's own truth, for every seeded schedule of {@link VrrpSimulationTest}
 * (partitions, crashes, shutdowns, restarts, tracker and link changes, loss): the journals the routers would write
 * are folded by {@link Forensics}, and
 * <ul>
 *   <li>every split-brain window it reports was a time when two routers really were MASTER (nothing invented);</li>
 *   <li>every instant two routers really were MASTER is inside a reported window, unless the report says one of
 *       them had no evidence then (nothing hidden);</li>
 *   <li>every crash is reported, dated between its last liveness mark and the kill, with its restart;</li>
 *   <li>with every router's clock off by up to ±3 s, each estimated offset holds the true one within its bound,
 *       and the windows still rest on the truth within those bounds.</li>
 * </ul>
 * Re-run one seed: {@code -Dvigil.forensic.sim.seed=N}.
 */
class ForensicSimulationTest {
    static final long S = SimJournals.S, T0 = SimJournals.T0;

    @Test
    void reportsEqualTheSimulatorsTruth() {
        String one = System.getProperty("vigil.forensic.sim.seed");
        int count = Integer.getInteger("vigil.forensic.sim.seeds", 400);
        List<Long> seeds = new ArrayList<>();
        if (one != null) seeds.add(Long.parseLong(one));
        else for (long s = 1; s <= count; s++) seeds.add(s);
        long windows = 0, truthWindows = 0, crashes = 0, skews = 0, samples = 0;
        double worstSkewErrMs = 0, worstBoundMs = 0;
        for (long seed : seeds) {
            for (boolean skewed : new boolean[]{false, true}) {
                var sc = new VrrpSimulationTest.Scenario(seed);
                long[] offsets = new long[sc.sim.routers.size()];
                Random r = new Random(seed * 31 + 7);
                if (skewed) for (int i = 0; i < offsets.length; i++) offsets[i] = (long) ((r.nextDouble() * 6 - 3) * S);
                var journals = new SimJournals(sc.sim, offsets);
                try {
                    sc.run();
                    var f = Forensics.of(journals.journals());
                    var report = f.report();
                    var truth = Truth.of(sc.sim);
                    Checked c = check(sc, journals, f, report, truth, offsets, skewed);
                    windows += report.splitBrains().size();
                    truthWindows += truth.windows().size();
                    crashes += c.crashes;
                    skews += c.skews;
                    samples += c.samples;
                    worstSkewErrMs = Math.max(worstSkewErrMs, c.worstErrMs);
                    worstBoundMs = Math.max(worstBoundMs, c.worstBoundMs);
                } catch (AssertionError | RuntimeException e) {
                    String skewText = "";
                    try {
                        var rep = Forensics.of(journals.journals()).report();
                        skewText = "offsets " + java.util.Arrays.toString(offsets) + "\nestimates " + rep.skews() + "\n";
                    } catch (RuntimeException ignored) { }
                    throw new AssertionError("forensic simulation failed for seed " + seed + (skewed ? " (skewed clocks)" : "")
                            + " (re-run: -Dvigil.forensic.sim.seed=" + seed + ")\n" + e.getMessage() + "\n" + skewText + sc.describe()
                            + "\n" + sc.sim.dump(), e);
                }
            }
        }
        System.out.printf("forensic simulation: %d seeds × 2 clock settings, %d true split-brain windows, %d reported,"
                        + " %d crashes dated, %d instants sampled, %d skew estimates (worst error %.1f ms, widest bound %.1f ms)%n",
                seeds.size(), truthWindows, windows, crashes, samples, skews, worstSkewErrMs, worstBoundMs);
        assertThat(truthWindows).as("the schedules produced split brains to find").isGreaterThan(seeds.size() / 4);
        assertThat(crashes).as("crashes to date").isGreaterThan(0);
        assertThat(skews).as("skews estimated").isGreaterThan(0);
    }

    record Checked(int crashes, int skews, long samples, double worstErrMs, double worstBoundMs) {}

    static Checked check(VrrpSimulationTest.Scenario sc, SimJournals journals, Forensics f, Forensics.Report report,
                         Truth truth, long[] offsets, boolean skewed) {
        // offsets relative to the reference (the first journal) and the error allowed per router
        String ref = report.nodes().getFirst();
        int refId = Integer.parseInt(ref.substring(1));
        long[] tolerance = new long[offsets.length];
        int skews = 0;
        double worstErr = 0, worstBound = 0;
        for (ClockSkew.Estimate e : report.skews()) {
            int id = Integer.parseInt(e.node().substring(1));
            long trueOffset = offsets[id] - offsets[refId];
            if (e.estimated()) {
                skews++;
                assertThat(Math.abs(e.offsetNs() - trueOffset)).as("offset of " + e.node() + " " + e.offsetNs() / 1e6
                        + " ms ± " + e.boundNs() / 1e6 + " ms, true " + trueOffset / 1e6 + " ms").isLessThanOrEqualTo(e.boundNs());
                tolerance[id] = e.boundNs();
                worstErr = Math.max(worstErr, Math.abs(e.offsetNs() - trueOffset) / 1e6);
                worstBound = Math.max(worstBound, e.boundNs() / 1e6);
            } else {
                tolerance[id] = Math.abs(trueOffset - e.offsetNs()) + 1; // one-sided: whatever error remains
            }
        }
        // report times are on the reference's clock: true time = report time - T0 - offset(ref)
        long shift = T0 + offsets[refId];
        long slack = 0;
        for (long t : tolerance) slack = Math.max(slack, t);
        slack = 2 * slack + 1;

        // nothing invented: each reported window lies inside the true windows (within the clock tolerance)
        for (Forensics.SplitBrain w : report.splitBrains()) {
            long from = w.startNs() - shift, to = (w.endNs() < 0 ? sc.sim.now + shift : w.endNs()) - shift;
            assertThat(truth.covered(from + slack, to - slack, slack)).as("reported window " + w + " is a true split brain (true windows "
                    + truth.windows() + ")").isTrue();
        }
        // nothing hidden: sample every true window; where two routers were MASTER and the report knows both, it says so
        long samples = 0;
        for (long[] tw : truth.windows()) {
            for (int k = 1; k <= 9; k++) {
                long t = tw[0] + (tw[1] - tw[0]) * k / 10;
                if (t - tw[0] <= slack || tw[1] - t <= slack) continue;
                samples++;
                List<Integer> masters = truth.mastersAt(t, slack);
                if (masters.size() < 2) continue; // a transition within the clock tolerance: cannot be told apart
                boolean allKnown = masters.stream().allMatch(id ->
                        Forensics.stateAt(report.segments(), "r" + id, "VI_1", t + shift) == Event.VrrpState.MASTER);
                if (!allKnown) {
                    // the report may only fall short where it says it has no evidence
                    for (int id : masters) {
                        var st = Forensics.stateAt(report.segments(), "r" + id, "VI_1", t + shift);
                        assertThat(st == Event.VrrpState.MASTER || st == Event.VrrpState.UNKNOWN)
                                .as("r" + id + " was MASTER at " + t / 1e9 + " s; the report says " + st).isTrue();
                    }
                    continue;
                }
                assertThat(report.splitBrains()).as("true split brain at " + t / 1e9 + " s (masters " + masters + ") is reported")
                        .anyMatch(w -> w.startNs() <= t + shift && (w.endNs() < 0 || w.endNs() >= t + shift));
            }
        }
        // every crash dated between its last liveness mark and the kill, with its restart
        int crashes = 0;
        for (var c : truth.crashes()) {
            String node = "r" + c.router();
            long crashAt = c.time() + shift, restart = c.restart() < 0 ? -1 : c.restart() + shift;
            long tol = tolerance[c.router()];
            boolean found = report.crashes().stream().anyMatch(x -> x.node().equals(node)
                    && x.lastEntryNs() <= crashAt + tol && x.lastEntryNs() >= crashAt - S - tol
                    && (restart < 0 ? x.restartNs() < 0 || x.restartNs() > crashAt : Math.abs(x.restartNs() - restart) <= tol));
            // a router killed and never restarted before the journals end, with nobody alive after it, cannot be
            // told from one still running: no journal outlives it
            if (!found && c.restart() < 0 && !journalOutlives(journals, c.router(), c.time() + 4 * S)) continue;
            assertThat(found).as("crash of " + node + " at " + c.time() / 1e9 + " s (restart " + c.restart() / 1e9 + ") reported: "
                    + report.crashes()).isTrue();
            crashes++;
        }
        return new Checked(crashes, skews, samples, worstErr, worstBound);
    }

    /** Another router's journal goes on past true time {@code t}: the crashed one's silence is visible. */
    static boolean journalOutlives(SimJournals journals, int router, long t) {
        for (SimJournals.Node n : journals.nodes.values())
            if (n.router.id != router && !n.entries.isEmpty() && n.entries.getLast().monoNs() > t) return true;
        return false;
    }

    /** What really happened in a simulation: who was MASTER when, crashes. Times are simulated ns. */
    record Truth(List<long[]> masterSpans, List<long[]> windows, List<Crash> crashes, List<long[]> aliveSpans, long end) {
        record Crash(int router, long time, long restart) {}

        static Truth of(VrrpSim sim) {
            List<long[]> spans = new ArrayList<>(), alive = new ArrayList<>();
            List<Crash> crashes = new ArrayList<>();
            long[] masterSince = new long[sim.routers.size()];
            java.util.Arrays.fill(masterSince, -1);
            for (var t : sim.transitions) {
                if (t.to() == VrrpState.MASTER) masterSince[t.router()] = t.time();
                else if (t.from() == VrrpState.MASTER && masterSince[t.router()] >= 0) {
                    spans.add(new long[]{t.router(), masterSince[t.router()], t.time()});
                    masterSince[t.router()] = -1;
                }
            }
            for (int i = 0; i < masterSince.length; i++) if (masterSince[i] >= 0) spans.add(new long[]{i, masterSince[i], sim.now});
            // crashes and restarts from the transitions: a crash is the sim's pseudo-transition caused by "crash"
            for (var t : sim.transitions) {
                if (t.cause() instanceof Cause.Operator o && o.what().equals("crash")) {
                    long restart = -1;
                    for (var u : sim.transitions)
                        if (u.router() == t.router() && u.time() > t.time() && u.from() == VrrpState.INIT) { restart = u.time(); break; }
                    crashes.add(new Crash(t.router(), t.time(), restart));
                }
                if (t.from() == VrrpState.INIT) alive.add(new long[]{t.router(), t.time()});
            }
            // windows: instants with two or more MASTERs
            List<long[]> points = new ArrayList<>();
            for (long[] s : spans) { points.add(new long[]{s[1], 1}); points.add(new long[]{s[2], -1}); }
            points.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            List<long[]> windows = new ArrayList<>();
            int n = 0;
            long open = 0;
            for (long[] p : points) {
                int before = n;
                n += (int) p[1];
                if (before < 2 && n >= 2) open = p[0];
                if (before >= 2 && n < 2 && p[0] > open) windows.add(new long[]{open, p[0]});
            }
            if (n >= 2) windows.add(new long[]{open, sim.now});
            return new Truth(spans, windows, crashes, alive, sim.now);
        }

        /** [from, to] lies inside the true windows, gaps shorter than {@code gap} (clock tolerance) bridged. */
        boolean covered(long from, long to, long gap) {
            if (to <= from) return true;
            long start = Long.MIN_VALUE, end = Long.MIN_VALUE;
            for (long[] w : windows) {
                if (w[0] - end > gap) { start = w[0]; }
                end = Math.max(end, w[1]);
                if (start <= from && end >= to) return true;
            }
            return false;
        }

        /** Routers MASTER throughout [t - margin, t + margin]. */
        List<Integer> mastersAt(long t, long margin) {
            List<Integer> out = new ArrayList<>();
            for (long[] s : masterSpans) if (s[1] <= t - margin && s[2] > t + margin) out.add((int) s[0]);
            return out;
        }


    }
}
