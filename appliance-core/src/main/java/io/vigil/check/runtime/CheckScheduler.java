package io.vigil.check.runtime;

import io.vigil.check.CheckPlan;
import io.vigil.check.HealthEvent;
import io.vigil.check.HealthListener;
import io.vigil.check.ProbeFault;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.check.HealthEngine;
import io.vigil.check.HealthEngine.Probe;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The I/O shell around {@link HealthEngine}: runs every probe on its own schedule on Vert.x and feeds the
 * verdicts to the engine.
 *
 * <p>Isolation: each probe's {@code run()} is invoked on a fresh virtual thread, so a plugin that blocks
 * or spins inside {@code run()} ties up only that virtual thread — never the engine's event loop, other
 * checks, or VRRP (which has its own thread). Checks that declare {@link Check#nonBlocking()} (the built-in
 * TCP_CHECK, HTTP_GET) are called on one of several event-loop contexts instead, chosen per probe, so their I/O
 * spreads over the loops with no thread hand-off; each {@code run()} that holds a loop longer than
 * {@link #LOOP_BUDGET} is counted ({@link CheckStats.Counters#blockedLoop}), and after {@link #STRIKES} of them the
 * check is sent to virtual threads for good. The host keeps its own deadline per probe (the check's
 * timeout plus {@link #GRACE}); a probe without a verdict by then is told to let go ({@link CheckContext#abort()}),
 * recorded DOWN ({@link ProbeFault#TIMEOUT}) and its late result is discarded. Next runs and deadlines are entries of
 * one {@link DueQueue} served by a single Vert.x timer; runs and verdicts cross threads in {@link ProbeInbox} batches. Exceptions and failed futures become DOWN
 * ({@link ProbeFault#PLUGIN_ERROR}). Both are counted in {@link CheckStats} and journaled via
 * {@link HealthEvent.ProbeCompleted}.
 *
 * <p>The engine runs on one Vert.x event-loop context; all its inputs are funnelled there.
 */
public final class CheckScheduler implements AutoCloseable {
    /** Slack after a check's own timeout before the host gives up on it. */
    public static final Duration GRACE = Duration.ofMillis(500);
    /** How long a nonBlocking check's run() may hold an event loop before it counts as a strike. */
    public static final Duration LOOP_BUDGET = Duration.ofMillis(20);
    /** Over-budget calls before a nonBlocking check goes to virtual threads (the first may be class loading or JIT warm-up). */
    static final int STRIKES = 3;

    private final Vertx vertx;
    private final HealthEngine engine;
    private final Map<String, Check> checks;
    private final List<Probe> probes;
    private final List<HealthListener> listeners = new CopyOnWriteArrayList<>();
    private final CheckStats stats = new CheckStats();
    private final ExecutorService invoker = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("vigil-probe-", 0).factory());
    /**
     * Each probe's next event on the engine's context: its next run, or its host deadline while in flight
     * ({@link #inFlight}). One Vert.x timer ({@link #timerId}) is armed for the earliest entry: no timer per probe.
     */
    private final DueQueue queue;
    private final boolean[] inFlight;
    /** When each in-flight probe started (monotonic nanos), for the host deadline's latency. */
    private final long[] started;
    private long timerId = -1;
    /** The due time the armed timer serves (valid while timerId >= 0). */
    private long timerAt;
    /** Set while a tick runs the due entries: it arms once at its end. */
    private boolean ticking;
    private final io.vertx.core.Handler<Long> tick = t -> onTick(t);
    /** Verdicts from the probes' threads, drained on the engine's context in batches. */
    private final ProbeInbox inbox = new ProbeInbox();
    private final ProbeInbox.Sink completer = (id, gen, start, r, fault) -> complete(id, gen, r, fault);
    private final io.vertx.core.Handler<Void> drain = x -> inbox.drain(completer);
    /** Runs handed to each probe event loop (index as {@link #probeContexts}), drained there in batches. */
    private volatile ProbeInbox[] loopInboxes = new ProbeInbox[0];
    private volatile io.vertx.core.Handler<Void>[] loopDrains;
    private final ProbeInbox.Sink looper = (id, gen, start, r, fault) -> runOnLoop(id, gen, start);
    /** The engine's events for one verdict, reused (the engine's context only). */
    private final List<HealthEvent> stepEvents = new java.util.ArrayList<>();
    /** When each probe runs next (monotonic nanos): carried across a reload with the checker's state. */
    private final long[] due;
    private Map<String, Long> carriedDue = Map.of();
    private final int[] generation;
    /** Each probe's context, made at its first run (it never changes: a record per probe was garbage at 10,000/s). */
    private final CheckContext[] contexts;
    /** Each probe's abort signal (in its context): the host deadline tells the plugin to let go of the probe. */
    private final ProbeAbort[] aborts;
    private final String[] deadlineDetails;
    /** Set while a probe's run() call has not returned: a plugin stuck in run() is not called again. */
    private final java.util.concurrent.atomic.AtomicIntegerArray inRun;
    private Context context;
    /** Event-loop contexts nonBlocking checks run on (probe id modulo their number). */
    private volatile Context[] probeContexts = new Context[0];
    private volatile String probeDeployment;
    /** Over-budget run() calls per check name; at {@link #STRIKES} the check runs on virtual threads from then on. */
    private final Map<String, Integer> strikes = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopped;
    /** Checkers not probed now (ha_suspend: their virtual server's address is not on this node); state kept. */
    private volatile java.util.Set<String> suspended = java.util.Set.of();

    public CheckScheduler(Vertx vertx, CheckPlan plan, RandomGenerator random) {
        this.vertx = Objects.requireNonNull(vertx);
        this.engine = new HealthEngine(plan.model(), random, 0);
        this.checks = plan.checks();
        this.probes = engine.probes();
        this.queue = new DueQueue(probes.size());
        this.inFlight = new boolean[probes.size()];
        this.started = new long[probes.size()];
        this.due = new long[probes.size()];
        this.generation = new int[probes.size()];
        this.contexts = new CheckContext[probes.size()];
        this.aborts = new ProbeAbort[probes.size()];
        this.deadlineDetails = new String[probes.size()];
        this.inRun = new java.util.concurrent.atomic.AtomicIntegerArray(probes.size());
        // checkers with equal share keys (CheckPlanner) run one probe: the first is probed, the rest follow it
        int[] leader = new int[probes.size()];
        Map<String, Integer> first = new java.util.HashMap<>();
        for (Probe p : probes) {
            String key = p.tracker() ? null : plan.shareKeys().get(p.name());
            Integer l = key == null ? null : first.putIfAbsent(key, p.id());
            leader[p.id()] = l == null ? p.id() : l;
        }
        Map<Integer, List<Integer>> byLeader = new java.util.HashMap<>();
        for (int id = 0; id < leader.length; id++) if (leader[id] != id) byLeader.computeIfAbsent(leader[id], k -> new java.util.ArrayList<>()).add(id);
        this.followers = new int[probes.size()][];
        for (int id = 0; id < leader.length; id++)
            if (leader[id] == id) followers[id] = byLeader.getOrDefault(id, List.of()).stream().mapToInt(Integer::intValue).toArray();
        this.sharedProbes = leader.length - (int) java.util.Arrays.stream(followers).filter(java.util.Objects::nonNull).count();
    }

    /** Per leader probe id: the checkers that take its results (null for a follower). */
    private final int[][] followers;
    private final int sharedProbes;

    /** Checkers that take another checker's probe results instead of probing (keepalived #2358). */
    public int sharedProbes() { return sharedProbes; }

    public void addListener(HealthListener l) { listeners.add(l); }

    /** Convenience for the node: only vrrp_script state changes (they change VRRP effective priority). */
    public void addTrackerListener(Consumer<HealthEvent.TrackerChanged> l) {
        listeners.add(e -> { if (e instanceof HealthEvent.TrackerChanged t) l.accept(t); });
    }

    public CheckStats stats() { return stats; }

    /**
     * keepalived's ha_suspend: these checkers are not probed (their state and counters stay as they are) until a later
     * call leaves them out; a suspended probe looks again every second, so it resumes within a second.
     */
    public void suspend(java.util.Set<String> checkers) { suspended = java.util.Set.copyOf(checkers); }

    /** Emits the initial states and schedules every probe (first run now, or within warmup). */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        return probeContexts().compose(ctxs -> {
            ProbeInbox[] boxes = new ProbeInbox[ctxs.length];
            @SuppressWarnings("unchecked") io.vertx.core.Handler<Void>[] drains = new io.vertx.core.Handler[ctxs.length];
            for (int i = 0; i < ctxs.length; i++) {
                ProbeInbox box = boxes[i] = new ProbeInbox();
                drains[i] = x -> box.drain(looper);
            }
            loopInboxes = boxes;
            loopDrains = drains;
            probeContexts = ctxs;
            io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
            context.runOnContext(x -> {
                long now = System.nanoTime();
                emit(engine.start(now));
                for (Probe probe : probes) {
                    if (followers[probe.id()] == null) continue; // shares a leader's probe
                    Long kept = carriedDue.get(probe.name());
                    schedule(probe.id(), kept != null ? Math.max(now, kept) : engine.firstDue(probe.id(), now));
                }
                arm();
                p.complete();
            });
            return p.future();
        });
    }

    /** One event-loop context per core (Vert.x places each verticle instance on the next loop), if any check wants them. */
    private Future<Context[]> probeContexts() {
        if (checks.values().stream().noneMatch(Check::nonBlocking)) return Future.succeededFuture(new Context[0]);
        int n = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
        List<Context> out = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
                    @Override public Future<?> start() {
                        out.add(context);
                        return Future.succeededFuture();
                    }
                }, new io.vertx.core.DeploymentOptions().setInstances(n))
                .map(id -> {
                    probeDeployment = id;
                    return out.toArray(Context[]::new);
                });
    }

    /** What a reload carries over: checker states and when each probe runs next. */
    public record Carry(Map<String, HealthEngine.Carried> checkers, Map<String, Long> due) {}

    /** Before {@link #start}: see {@link HealthEngine#carry}; the carried probes keep their schedule. */
    public void carry(Carry carry, java.util.Set<String> realServers, Map<String, Boolean> quorum) {
        engine.carry(carry.checkers(), realServers, quorum);
        carriedDue = Map.copyOf(carry.due());
    }

    /** The states and schedule to carry to the next configuration, read on the engine's context. */
    public Future<Carry> carryOver() {
        io.vertx.core.Promise<Carry> p = io.vertx.core.Promise.promise();
        if (context == null) return Future.succeededFuture(new Carry(Map.of(), Map.of()));
        context.runOnContext(x -> {
            Map<String, Long> d = new java.util.HashMap<>();
            for (Probe probe : probes) d.put(probe.name(), due[probe.id()]);
            p.complete(new Carry(engine.carried(), d));
        });
        return p.future();
    }

    /** On the engine context: the probe's next run is due at {@code dueNanos} (the caller {@link #arm}s). */
    private void schedule(int id, long dueNanos) {
        if (stopped) return;
        due[id] = dueNanos;
        inFlight[id] = false;
        queue.set(id, dueNanos);
    }

    /** Entries due within this much are handled in the same tick (the former per-probe timers rounded down to ms). */
    static final long TICK_SLACK_NANOS = 500_000;

    /** On the engine context: makes the one timer fire for the earliest entry (re-armed only if that is sooner). */
    private void arm() {
        if (stopped || ticking || queue.isEmpty()) return;
        long next = queue.peekDue();
        if (timerId >= 0 && next - timerAt >= 0) return; // the armed timer comes first; its tick re-arms
        if (timerId >= 0) vertx.cancelTimer(timerId);
        long delayNanos = next - System.nanoTime();
        timerAt = next;
        timerId = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos + TICK_SLACK_NANOS)), tick);
    }

    /** The timer: every entry now due runs (a next run) or is given up on (a host deadline). */
    private void onTick(long fired) {
        if (fired != timerId) return; // cancelled and replaced
        timerId = -1;
        if (stopped) return;
        long horizon = System.nanoTime() + TICK_SLACK_NANOS;
        ticking = true;
        try {
            while (!queue.isEmpty() && queue.peekDue() - horizon <= 0) {
                int id = queue.poll();
                if (inFlight[id]) deadline(id); else runProbe(id);
            }
        } finally {
            ticking = false;
        }
        arm();
    }

    /** The probe's host deadline passed without a verdict: the plugin is told to let go of it, the probe is DOWN. */
    private void deadline(int id) {
        String detail = deadlineDetails[id];
        if (detail == null) { // the same every time: an overloaded node times out every probe
            long deadlineMs = contexts[id].timeout().toMillis() + GRACE.toMillis();
            deadlineDetails[id] = detail = "no result within " + deadlineMs + " ms (host deadline)";
        }
        aborts[id].abort(); // first: complete() releases what is registered
        complete(id, generation[id], CheckResult.down(CheckResult.since(started[id]), detail), ProbeFault.TIMEOUT);
    }

    private void runProbe(int id) {
        if (stopped) return;
        Probe p = probes.get(id);
        if (!suspended.isEmpty() && suspended.contains(p.name())) {
            schedule(id, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            return;
        }
        Check check = checks.get(p.name());
        int gen = ++generation[id];
        long start = System.nanoTime();
        CheckContext made = contexts[id];
        if (made == null) { // the same every run: made at the first
            Duration budget = check == null ? p.timeout() : check.timeout().orElse(p.timeout());
            aborts[id] = new ProbeAbort();
            contexts[id] = made = new CheckContext(vertx, p.address(), p.port(), p.connectTimeout(), budget, p.bindTo(), p.name(),
                    aborts[id]);
        }
        CheckContext ctx = made;
        long deadlineMs = Math.max(1, ctx.timeout().toMillis() + GRACE.toMillis());
        started[id] = start;
        inFlight[id] = true;
        queue.set(id, start + TimeUnit.MILLISECONDS.toNanos(deadlineMs));
        if (check == null) {
            complete(id, gen, CheckResult.down(Duration.ZERO, "no check built"), ProbeFault.PLUGIN_ERROR);
            return;
        }
        if (inRun.get(id) != 0) {
            // don't pile up threads behind a plugin that blocks inside run(); the deadline records it DOWN
            stats.of(p.keyword()).stuckCalls.increment();
            return;
        }
        inRun.set(id, 1);
        aborts[id].begin();
        Context[] loops = probeContexts;
        if (check.nonBlocking() && loops.length > 0 && strikes.getOrDefault(p.name(), 0) < STRIKES) {
            int loop = id % loops.length;
            if (loopInboxes[loop].post(id, gen, start, null, null)) loops[loop].runOnContext(loopDrains[loop]);
            return;
        }
        invoker.execute(() -> {
            try {
                Future<CheckResult> f;
                try {
                    f = check.run(ctx);
                } finally {
                    inRun.set(id, 0);
                }
                if (f == null) throw new IllegalStateException("run() returned null");
                deliver(id, gen, start, f);
            } catch (Throwable t) {
                post(id, gen, CheckResult.down(CheckResult.since(start), "check threw: " + t), ProbeFault.PLUGIN_ERROR);
            }
        });
    }

    /** On a probe event loop: the call itself is timed, as a nonBlocking check promised not to hold the loop. */
    private void runOnLoop(int id, int gen, long start) {
        Probe p = probes.get(id);
        Check check = checks.get(p.name());
        CheckContext ctx = contexts[id];
        Future<CheckResult> f;
        long called = System.nanoTime();
        try {
            f = check.run(ctx);
        } catch (Throwable t) {
            post(id, gen, CheckResult.down(CheckResult.since(start), "check threw: " + t), ProbeFault.PLUGIN_ERROR);
            return;
        } finally {
            inRun.set(id, 0);
            if (System.nanoTime() - called > LOOP_BUDGET.toNanos()) {
                stats.of(p.keyword()).blockedLoop.increment();
                strikes.merge(p.name(), 1, Integer::sum);
            }
        }
        deliver(id, gen, start, f);
    }

    /** Hands a probe's future's outcome to the engine context. */
    private void deliver(int id, int gen, long start, Future<CheckResult> f) {
        if (f == null) {
            post(id, gen, CheckResult.down(CheckResult.since(start), "check failed: run() returned null"), ProbeFault.PLUGIN_ERROR);
            return;
        }
        f.onComplete(ar -> {
            if (ar.succeeded() && ar.result() != null) {
                post(id, gen, ar.result(), ProbeFault.NONE);
            } else {
                Throwable c = ar.succeeded() ? new IllegalStateException("null result") : ar.cause();
                post(id, gen, CheckResult.down(CheckResult.since(start), "check failed: " + c), ProbeFault.PLUGIN_ERROR);
            }
        });
    }

    /** From any thread: the verdict goes to the engine's context with the others of its batch. */
    private void post(int id, int gen, CheckResult r, ProbeFault fault) {
        if (inbox.post(id, gen, 0, r, fault)) context.runOnContext(drain);
    }

    /** On the engine context: the first verdict for a probe generation wins, the rest are counted late. */
    private void complete(int id, int gen, CheckResult r, ProbeFault fault) {
        Probe p = probes.get(id);
        CheckStats.Counters c = stats.of(p.keyword());
        if (gen != generation[id] || stopped) {
            c.lateResults.increment();
            return;
        }
        generation[id]++;          // later verdicts for this run are stale
        queue.remove(id);
        inFlight[id] = false;
        if (aborts[id] != null) aborts[id].release();
        c.probes.increment();
        if (!r.up()) c.down.increment();
        if (fault == ProbeFault.PLUGIN_ERROR) c.pluginErrors.increment();
        if (fault == ProbeFault.TIMEOUT) c.timeouts.increment();
        long now = System.nanoTime();
        List<HealthEvent> events = stepEvents;
        long next;
        try {
            next = engine.onResult(id, r, fault, now, events);
            emit(events);
            // same block, timing and start state: the followers' engines step exactly as the leader's did
            for (int f : followers[id]) {
                events.clear();
                engine.onResult(f, r, fault, now, events);
                emit(events);
            }
        } finally {
            events.clear();
        }
        schedule(id, next);
        arm();
    }

    private void emit(List<HealthEvent> events) {
        for (HealthEvent e : events) {
            for (HealthListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    stats.listenerErrors.increment();
                }
            }
        }
    }

    /** Stops scheduling (a probe in flight is abandoned) and closes the checks. */
    @Override public void close() {
        stopped = true;
        if (context != null) {
            context.runOnContext(x -> {
                if (timerId >= 0) vertx.cancelTimer(timerId);
                timerId = -1;
                queue.clear();
            });
        }
        invoker.shutdownNow();
        String d = probeDeployment;
        if (d != null) {
            var undeployed = vertx.undeploy(d);
            // off the event loops, wait: a Vert.x close right after must not race this undeploy
            if (!Context.isOnEventLoopThread()) {
                try {
                    undeployed.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
        }
        for (Check c : checks.values()) {
            try { c.close(); } catch (Exception ignored) { /* best effort */ }
        }
    }
}
