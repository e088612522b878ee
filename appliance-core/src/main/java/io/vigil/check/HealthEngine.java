package io.vigil.check;

import io.vigil.check.HealthEvent.CheckerChanged;
import io.vigil.check.HealthEvent.ProbeCompleted;
import io.vigil.check.HealthEvent.QuorumChanged;
import io.vigil.check.HealthEvent.RealServerChanged;
import io.vigil.check.HealthEvent.RealServerWeightChanged;
import io.vigil.check.HealthEvent.TrackerChanged;
import io.vigil.check.HealthModel.CheckerSpec;
import io.vigil.check.HealthModel.RealServerSpec;
import io.vigil.check.HealthModel.TrackerSpec;
import io.vigil.check.HealthModel.VirtualServerSpec;
import io.vigil.check.api.CheckResult;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * The pure health-check state machine: probe verdicts with times in, state changes and the next probe
 * time out. No threads, clocks or sockets — the {@code runtime.CheckScheduler} feeds it.
 *
 * <p>Semantics follow keepalived:
 * <ul>
 *   <li>Real-server checker: starts up, or down with {@code alpha}. A success brings it up at once (and the
 *       next probe waits {@code delay_loop}). A failure while up is retried {@code retry} times after
 *       {@code delay_before_retry} before the checker goes down.</li>
 *   <li>Real server: alive iff all its checkers are up. Failed + {@code inhibit_on_failure}: kept with
 *       weight 0. misc_dynamic verdicts carry a weight that replaces the configured one.</li>
 *   <li>Virtual server quorum: gained when the alive weight reaches {@code quorum + hysteresis}, lost
 *       when it drops below {@code quorum - hysteresis} or to 0; at start it is up iff the alive weight
 *       reaches {@code quorum + hysteresis} (the same rule as {@link io.vigil.ipvs.IpvsPlanner}).</li>
 *   <li>vrrp_script: {@code rise} consecutive successes to become OK, {@code fall} consecutive failures
 *       to fail; starts OK unless {@code init_fail}. Probed every {@code interval}.</li>
 * </ul>
 * Not thread-safe: drive it from one thread.
 */
public final class HealthEngine {

    /** A probe the shell must run: a real-server checker or a tracker. */
    public record Probe(int id, String name, String keyword, String address, int port,
                        java.time.Duration connectTimeout, java.time.Duration timeout,
                        java.util.Optional<String> bindTo, boolean tracker) {}

    /** Events produced by one input plus when this probe should run next (monotonic nanos). */
    public record Step(List<HealthEvent> events, long nextDueNanos) {}

    private final List<Probe> probes = new ArrayList<>();
    private final List<CheckerState> checkers = new ArrayList<>();   // index = probe id for checkers
    private final List<TrackerState> trackerStates = new ArrayList<>();
    private final List<VsState> virtualServers = new ArrayList<>();
    private final RandomGenerator random;
    private long seq;
    /** Each probe's own cause, made once (a record per probe result was 10,000 a second at scale). */
    private final Cause[] probeCauses;

    /**
     * @param random   source for {@code warmup} jitter (inject a seeded one for deterministic tests)
     * @param firstSeq sequence number of the first event this engine produces
     */
    public HealthEngine(HealthModel model, RandomGenerator random, long firstSeq) {
        this.random = random;
        this.seq = firstSeq;
        for (VirtualServerSpec vs : model.virtualServers()) {
            VsState v = new VsState(vs);
            virtualServers.add(v);
            for (RealServerSpec rs : vs.realServers()) {
                RsState r = new RsState(v, rs);
                v.realServers.add(r);
                for (CheckerSpec c : rs.checkers()) {
                    int id = probes.size();
                    // keepalived: a MISC_CHECK without misc_timeout may run for a whole delay_loop
                    java.time.Duration budget = c.keyword().equals("MISC_CHECK") ? c.delayLoop() : c.connectTimeout();
                    probes.add(new Probe(id, c.name(), c.keyword(), c.address(), c.port(), c.connectTimeout(),
                            budget, c.bindTo(), false));
                    CheckerState cs = new CheckerState(id, c, r);
                    checkers.add(cs);
                    r.checkers.add(cs);
                }
            }
        }
        for (TrackerSpec t : model.trackers()) {
            int id = probes.size();
            probes.add(new Probe(id, t.name(), t.keyword(), t.address(), t.port(), t.timeout(), t.timeout(),
                    java.util.Optional.empty(), true));
            trackerStates.add(new TrackerState(id, t));
            checkers.add(null);
        }
        probeCauses = new Cause[probes.size()];
        for (Probe p : probes) probeCauses[p.id()] = new Cause.Probe(p.name());
    }

    public List<Probe> probes() { return List.copyOf(probes); }

    /** A real-server checker's state, carried across a reload (keepalived's migrate_checkers). */
    public record Carried(boolean up, int failures, OptionalInt dynamicWeight) {}

    private java.util.Set<String> carriedRealServers = java.util.Set.of();
    private java.util.Map<String, Boolean> carriedQuorum = java.util.Map.of();

    /**
     * Before {@link #start}: the named checkers go on from these states; the real servers ("vsId|rsId") and virtual
     * servers (id → quorum up) listed are the same as before the reload, so start() says nothing about them.
     */
    public void carry(java.util.Map<String, Carried> checkerStates, java.util.Set<String> realServers,
                      java.util.Map<String, Boolean> quorum) {
        for (CheckerState c : checkers) {
            if (c == null) continue;
            Carried k = checkerStates.get(c.spec.name());
            if (k == null) continue;
            c.up = k.up();
            c.failures = k.failures();
            c.dynamicWeight = k.dynamicWeight();
        }
        carriedRealServers = java.util.Set.copyOf(realServers);
        carriedQuorum = java.util.Map.copyOf(quorum);
    }

    /** Every real-server checker's state by name, for the next reload. */
    public java.util.Map<String, Carried> carried() {
        java.util.Map<String, Carried> out = new java.util.HashMap<>();
        for (CheckerState c : checkers) if (c != null) out.put(c.spec.name(), new Carried(c.up, c.failures, c.dynamicWeight));
        return out;
    }

    /**
     * Initial state from configuration: one RealServerChanged per real server, QuorumChanged per virtual
     * server and TrackerChanged per tracker (all caused by {@link Cause#STARTUP}).
     */
    public List<HealthEvent> start(long now) {
        List<HealthEvent> out = new ArrayList<>();
        for (VsState v : virtualServers) {
            Boolean kept = carriedQuorum.get(v.spec.id());
            v.quorumUp = kept != null ? kept : v.aliveWeight() >= (long) v.spec.quorum() + v.spec.hysteresis();
            for (RsState r : v.realServers) {
                if (!carriedRealServers.contains(v.spec.id() + "|" + r.spec.id())) {
                    out.add(new RealServerChanged(++seq, Cause.STARTUP, now, v.spec.id(), r.spec.id(), r.alive(),
                            r.ipvsWeight(), !r.alive() && r.spec.inhibitOnFailure(), v.quorumUp));
                }
                r.wasAlive = r.alive();
            }
            if (kept == null) {
                out.add(new QuorumChanged(++seq, Cause.STARTUP, now, v.spec.id(), v.quorumUp, v.aliveWeight(),
                        v.spec.quorum(), v.spec.hysteresis()));
            }
        }
        for (TrackerState t : trackerStates) out.add(t.changedEvent(Cause.STARTUP, now));
        return out;
    }

    /** When probe {@code id} first runs: now, or a random point within {@code warmup}. */
    public long firstDue(int id, long now) {
        CheckerState c = checkers.get(id);
        if (c == null || c.spec.warmup().isZero()) return now;
        return now + (long) (random.nextDouble() * c.spec.warmup().toNanos());
    }

    /** Feeds one probe verdict. */
    public Step onResult(int id, CheckResult r, ProbeFault fault, long now) {
        List<HealthEvent> out = new ArrayList<>(2); // usually the probe alone
        long next = onResult(id, r, fault, now, out);
        return new Step(out, next);
    }

    /**
     * Feeds one probe verdict, appending its events to {@code out} (the caller's list, reused: no list and step per
     * probe); returns when the probe is due next (monotonic nanos).
     */
    public long onResult(int id, CheckResult r, ProbeFault fault, long now, List<HealthEvent> out) {
        Probe p = probes.get(id);
        CheckerState c = checkers.get(id);
        // failures so far are the retries already made: this probe is attempt failures + 1, run by the retry timer
        boolean retry = c != null && c.up && c.failures > 0;
        ProbeCompleted pc = new ProbeCompleted(++seq, retry ? new Cause.Retry(p.name(), c.lastProbeSeq) : probeCauses[id],
                now, p.name(), p.keyword(), r.up(), r.latency().toNanos(), r.detail(), r.weight(), fault,
                retry ? c.failures + 1 : 1);
        out.add(pc);
        if (c != null) c.lastProbeSeq = pc.seq();
        if (c == null) {
            TrackerState t = trackerStates.get(id - (probes.size() - trackerStates.size()));
            t.onResult(r.up(), pc, out);
            return now + t.spec.interval().toNanos();
        }
        return now + c.onResult(r, pc, out);
    }

    private final class CheckerState {
        final int id;
        final CheckerSpec spec;
        final RsState rs;
        boolean up;
        int failures;
        long lastProbeSeq;
        OptionalInt dynamicWeight = OptionalInt.empty();

        CheckerState(int id, CheckerSpec spec, RsState rs) {
            this.id = id;
            this.spec = spec;
            this.rs = rs;
            this.up = !rs.spec.alpha();
        }

        /** Returns nanos until the next probe. */
        long onResult(CheckResult r, ProbeCompleted pc, List<HealthEvent> out) {
            if (r.up()) {
                failures = 0;
                OptionalInt oldWeight = rs.dynamicWeight();
                if (r.weight().isPresent()) dynamicWeight = r.weight();
                if (!up) {
                    up = true;
                    out.add(new CheckerChanged(++seq, new Cause.Event(pc.seq()), pc.atNanos(), spec.name(), rs.spec.id(), true, r.detail()));
                    rs.update(new Cause.Event(seq), pc.atNanos(), out);
                } else if (!oldWeight.equals(rs.dynamicWeight()) && rs.alive()) {
                    long s = ++seq;
                    List<HealthEvent> quorum = rs.vs.updateQuorum(new Cause.Event(s), pc.atNanos());
                    out.add(new RealServerWeightChanged(s, new Cause.Event(pc.seq()), pc.atNanos(), rs.vs.spec.id(), rs.spec.id(),
                            rs.ipvsWeight(), rs.vs.quorumUp));
                    out.addAll(quorum);
                }
                return spec.delayLoop().toNanos();
            }
            if (!up) return spec.delayLoop().toNanos();
            failures++;
            if (failures <= spec.retry()) return spec.delayBeforeRetry().toNanos();
            failures = 0;
            up = false;
            out.add(new CheckerChanged(++seq, new Cause.Event(pc.seq()), pc.atNanos(), spec.name(), rs.spec.id(), false,
                    r.detail() + (spec.retry() > 0 ? " (after " + spec.retry() + " retries)" : "")));
            rs.update(new Cause.Event(seq), pc.atNanos(), out);
            return spec.delayLoop().toNanos();
        }
    }

    private final class RsState {
        final VsState vs;
        final RealServerSpec spec;
        final List<CheckerState> checkers = new ArrayList<>();
        boolean wasAlive;

        RsState(VsState vs, RealServerSpec spec) {
            this.vs = vs;
            this.spec = spec;
        }

        boolean alive() {
            for (CheckerState c : checkers) if (!c.up) return false;
            return true;
        }

        OptionalInt dynamicWeight() {
            for (CheckerState c : checkers) if (c.dynamicWeight.isPresent()) return c.dynamicWeight;
            return OptionalInt.empty();
        }

        /** Weight while in IPVS: configured or dynamic when alive; 0 when inhibited. */
        int ipvsWeight() { return alive() ? dynamicWeight().orElse(spec.weight()) : 0; }

        long aliveWeight() { return alive() ? ipvsWeight() : 0; }

        void update(Cause cause, long now, List<HealthEvent> out) {
            boolean alive = alive();
            if (alive == wasAlive) return;
            wasAlive = alive;
            // the quorum this change leads to is decided first, so the event carries it (not the one before)
            long s = ++seq;
            List<HealthEvent> quorum = vs.updateQuorum(new Cause.Event(s), now);
            out.add(new RealServerChanged(s, cause, now, vs.spec.id(), spec.id(), alive, ipvsWeight(),
                    !alive && spec.inhibitOnFailure(), vs.quorumUp));
            out.addAll(quorum);
        }
    }

    private final class VsState {
        final VirtualServerSpec spec;
        final List<RsState> realServers = new ArrayList<>();
        boolean quorumUp;

        VsState(VirtualServerSpec spec) { this.spec = spec; }

        long aliveWeight() {
            long w = 0;
            for (RsState r : realServers) w += r.aliveWeight();
            return w;
        }

        /** The QuorumChanged this state leads to (none or one); its seq follows the caller's. */
        List<HealthEvent> updateQuorum(Cause cause, long now) {
            long w = aliveWeight();
            boolean up = quorumUp
                    ? w > 0 && w >= (long) spec.quorum() - spec.hysteresis()
                    : w >= (long) spec.quorum() + spec.hysteresis();
            if (up == quorumUp) return List.of();
            quorumUp = up;
            return List.of(new QuorumChanged(++seq, cause, now, spec.id(), up, w, spec.quorum(), spec.hysteresis()));
        }
    }

    private final class TrackerState {
        final int id;
        final TrackerSpec spec;
        boolean ok;
        int successes;
        int failures;

        TrackerState(int id, TrackerSpec spec) {
            this.id = id;
            this.spec = spec;
            this.ok = !spec.initFail();
        }

        void onResult(boolean up, ProbeCompleted pc, List<HealthEvent> out) {
            if (up) { successes++; failures = 0; } else { failures++; successes = 0; }
            boolean next = ok ? failures < spec.fall() : successes >= spec.rise();
            if (next == ok) return;
            ok = next;
            out.add(changedEvent(new Cause.Event(pc.seq()), pc.atNanos()));
        }

        TrackerChanged changedEvent(Cause cause, long now) {
            int w = spec.weight();
            boolean effective = spec.reverse() != ok;
            int delta = w > 0 ? (effective ? w : 0) : (effective ? 0 : w);
            return new TrackerChanged(++seq, cause, now, spec.name(), ok, w, delta, w == 0 && !ok);
        }
    }
}
