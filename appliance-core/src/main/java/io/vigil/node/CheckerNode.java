package io.vigil.node;

import io.vigil.check.runtime.CheckStatusBoard;

import io.vertx.core.Vertx;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckScheduler;
import io.vigil.check.HealthEvent;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.ConfigNode;
import io.vigil.config.KeepalivedConfig;
import io.vigil.ipvs.DesiredState;
import io.vigil.ipvs.IpvsChange;
import io.vigil.ipvs.IpvsConfigMapper;
import io.vigil.ipvs.IpvsPlanner;
import io.vigil.ipvs.RealServerId;
import io.vigil.ipvs.RealServerState;
import io.vigil.ipvs.VirtualServerSpec;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.linux.LinuxException;
import io.vigil.linux.ipvs.IpvsReconciler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The checker half of a director (keepalived's {@code --check} process): runs the real servers' health checks
 * (built-in and PF4J plugins) on Vert.x, turns their verdicts into real-server states and programs IPVS from
 * them. Every step is journaled with the step that caused it, so "why was 198.51.100.13 removed?" walks
 * IPVS change ← real server down ← checker down ("failed 3×") ← probe result.
 *
 * <p>vrrp_script trackers stay with {@link VrrpNode}, which owns VRRP priority; nothing here touches the VRRP
 * thread. Kernel IPVS calls run on their own thread, never on an event loop.
 */
public final class CheckerNode implements AutoCloseable {

    /** Sees every probe (metrics): check type, virtual and real server, seconds, whether the plugin failed. */
    public interface ProbeObserver {
        void probed(String keyword, String virtualServer, String realServer, double seconds, boolean pluginFault);

        ProbeObserver NONE = (k, v, r, s, f) -> { };
    }

    /**
     * What the checker hands the VRRP side: a checker-block vrrp_script's verdict (VRRP priority,
     * {@link VrrpNode#trackerChanged}) and, when the VRRP side writes the global notify_fifo, the checker's lines for
     * it, so that FIFO has one writer ({@link VrrpNode#notifyFifoLine}).
     */
    public interface TrackerSink {
        void changed(String script, boolean ok, Cause cause);

        /** Whether {@link #notifyFifo} writes the global notify_fifo; otherwise the checker opens it itself. */
        default boolean writesNotifyFifo() { return false; }

        /** One line (newline included) for the notify_fifo at {@code fifo}. */
        default void notifyFifo(Path fifo, String line) { }

        TrackerSink NONE = (n, ok, c) -> { };
    }

    private final Journal journal;
    private final String configHash;
    private final CheckPlan plan;
    /** What this checker was built from, without file positions (see {@link #checkInputs}). */
    private final String inputs;
    private final CheckRegistry registry;
    private final CheckScheduler scheduler;
    /** Live checker states for the API, fed by the scheduler like the journal. */
    private final io.vigil.check.runtime.CheckStatusBoard board;
    private final List<VirtualServerSpec> virtualServers;
    private final IpvsReconciler reconciler = new IpvsReconciler();
    private final ExecutorService ipvsThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("vigil-ipvs").daemon().factory());
    /** checker name → "address:port" it probes; → [virtual server, real server] it belongs to. */
    private final Map<String, String> targets = new HashMap<>();
    private final Map<String, String[]> owners = new HashMap<>();
    private final ProbeObserver observer;
    private final TrackerSink trackers;
    /**
     * health-engine sequence → journal sequence (or the journal cause it stood for). Bounded: an engine event
     * cites one from moments before (a probe, a retry's previous probe); a map of every probe ever grew by 10k/s.
     */
    private final CauseRing causeOf = new CauseRing(1 << 16);
    /** Probe results by change; repeats become check-summary entries (see docs/journal.md). */
    private final io.vigil.journal.CheckCoalescer coalescer = new io.vigil.journal.CheckCoalescer(SUMMARY_EVERY_NS);
    private final io.vigil.journal.CheckCoalescer.Sink sink;
    /**
     * Longest a check-summary stays open while its run lasts: -Dvigil.check.summary=SECONDS (default 900). Shorter
     * answers "between T1 and T2" more finely within a long run (at run boundaries it is exact anyway); each
     * interval costs one entry per steady checker: 10,000 / 900 s = 11 entries/s (NodeScaleBench: at 300 s the
     * journal took 1.9 GB/day, over the 1 GB target).
     */
    static final long SUMMARY_EVERY_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(Long.getLong("vigil.check.summary", 900));
    /** last checker transition text per real server, used as the IPVS change's cause text. */
    private final Map<String, String> lastReason = new ConcurrentHashMap<>();
    private final Map<String, Boolean> quorum = new ConcurrentHashMap<>();
    // owned by ipvsThread
    private final Map<RealServerId, RealServerState> states = new HashMap<>();
    private final Map<String, Boolean> lastQuorum = new HashMap<>();
    private final Map<io.vigil.ipvs.DestKey, Cause> pendingCauses = new HashMap<>();
    /** the virtual servers whose states changed since the last program: only these are planned and diffed */
    private final java.util.Set<String> pendingVirtualServers = new java.util.HashSet<>();
    private Cause pendingLast = Cause.NONE;
    private boolean programQueued;
    /** by {@link VirtualServerSpec#name()}: to plan one virtual server without walking the others */
    private final Map<String, List<VirtualServerSpec>> virtualServerByName = new HashMap<>();
    /** real servers an operator drained: kept in IPVS at weight 0 (no new connections) while alive. */
    private final java.util.Set<RealServerId> drained = new java.util.HashSet<>();
    private volatile String ipvsUnavailable;
    /** ha_suspend: polls this node's addresses while some virtual server has it; null otherwise. */
    private volatile Thread haSuspend;
    /** notify_up/down, quorum_up/down, the LVS fifo lines and checker mails (keepalived's do_rs/vs_notifies). */
    private final LvsNotifier notify;

    private CheckerNode(Journal journal, KeepalivedConfig config, CheckRegistry registry, CheckPlan plan,
                        List<VirtualServerSpec> virtualServers, Vertx vertx, ProbeObserver observer, TrackerSink trackers) {
        this.journal = journal;
        this.sink = journal::append;
        this.observer = observer;
        this.trackers = trackers;
        this.configHash = config.contentHash();
        this.inputs = checkInputs(config, statementsOf(config));
        this.registry = registry;
        this.virtualServers = virtualServers;
        virtualServers.forEach(vs -> virtualServerByName.computeIfAbsent(vs.name(), n -> new java.util.ArrayList<>(1)).add(vs));
        this.plan = plan;
        plan.model().virtualServers().forEach(vs -> vs.realServers().forEach(rs -> rs.checkers().forEach(c -> {
            targets.put(c.name(), c.address() + ":" + c.port());
            owners.put(c.name(), new String[] {vs.id(), rs.id()});
        })));
        this.scheduler = new CheckScheduler(vertx, plan, new SplittableRandom());
        this.board = new io.vigil.check.runtime.CheckStatusBoard(plan.model(), java.time.Clock.systemUTC());
        this.notify = LvsNotifier.start(config, plan.model(), journal, trackers);
        scheduler.addListener(this::onHealth);
        scheduler.addListener(board);
    }

    /**
     * Plans checks and IPVS from the configuration, programs the kernel's table (reconciling, never flushing)
     * and starts the checks. Checker blocks no plugin provides are reported and skipped, as keepalived skips
     * checkers it cannot build.
     *
     * @param pluginsDir directory of PF4J plugin zips; absent → built-in TCP_CHECK only
     * @param drained    "virtualServer|realServer" pairs an operator drained (kept across a reload)
     */
    public static CheckerNode start(Vertx vertx, KeepalivedConfig config, List<ConfigNode> statements,
                                    Optional<Path> pluginsDir, Journal journal) {
        return start(vertx, config, statements, pluginsDir.filter(Files::isDirectory).map(CheckRegistry::load)
                .orElseGet(CheckRegistry::builtins), journal, java.util.Set.of(), ProbeObserver.NONE, TrackerSink.NONE);
    }

    /** Whether there is anything for a checker to do: virtual servers, or vrrp_scripts written as checker blocks. */
    public static boolean needed(KeepalivedConfig config) {
        return !config.virtualServers().isEmpty() || config.vrrpScripts().stream().anyMatch(NodeConfig::isCheckerTracker);
    }

    public static CheckerNode start(Vertx vertx, KeepalivedConfig config, List<ConfigNode> statements,
                                    CheckRegistry registry, Journal journal, java.util.Set<String> drained,
                                    ProbeObserver observer, TrackerSink trackers) {
        return start(vertx, config, statements, registry, journal, drained, observer, trackers, Optional.empty());
    }

    /**
     * As keepalived's reload: with {@code previous} (the stopped checker's {@link #carryOver()}), every checker whose
     * block and timing did not change goes on with its state, failure count and probe schedule; a real server whose
     * settings and checkers did not change keeps its state and gets no start-up event, a virtual server whose quorum
     * settings and real servers did not change keeps its quorum; IPVS starts from the kept states, so an unchanged
     * virtual server sees no IPVS change. Changed and new ones start as at start-up.
     */
    public static CheckerNode start(Vertx vertx, KeepalivedConfig config, List<ConfigNode> statements,
                                    CheckRegistry registry, Journal journal, java.util.Set<String> drained,
                                    ProbeObserver observer, TrackerSink trackers, Optional<Carry> previous) {
        registry.warnings().forEach(NodeLog::warn);
        // script vrrp_scripts are VrrpNode's processes; checker-block ones (NGINX_CHECK { ... }) run here
        var checkerTrackers = config.vrrpScripts().stream().filter(NodeConfig::isCheckerTracker).map(v -> v.name()).toList();
        CheckPlan plan = CheckPlanner.plan(statements.stream().filter(n -> !n.keyword().equals("vrrp_script")
                || (!n.args().isEmpty() && checkerTrackers.contains(n.args().getFirst()))).toList(), registry);
        for (CheckConfigException e : plan.errors()) NodeLog.warn(e.getMessage());
        int checks = plan.checks().size();

        IpvsConfigMapper.Mapping mapping = IpvsConfigMapper.map(config);
        mapping.errors().forEach(NodeLog::warn);
        CheckerNode node = new CheckerNode(journal, config, registry, plan, mapping.virtualServers(), vertx, observer, trackers);
        tune(vertx, config.globalDefs().scheduling(), node);
        for (String d : drained) {
            String[] vr = d.split("\\|", 2);
            node.ipvsThread.execute(() -> node.drainedId(vr[0], vr[1]).ifPresent(node.drained::add));
        }
        previous.ifPresent(node::takeOver);
        node.startHaSuspend(config);
        node.ipvsThread.execute(() -> node.programAll(Cause.configReload(node.configHash)));
        node.scheduler.start().await();
        int shared = node.scheduler.sharedProbes();
        NodeLog.info("checker: " + checks + " check(s) on " + mapping.virtualServers().size()
                + " virtual server(s)" + (shared > 0 ? " (" + shared + " share another's identical probe)" : "")
                + "; providers " + registry.providers());
        return node;
    }

    /**
     * keepalived's ha_suspend: the checkers of a virtual server with it run only while its address is on one of this
     * node's interfaces (the MASTER holds the VIP); keepalived follows netlink address events, Vigil reads the
     * addresses every second. Suspended checkers keep their state; each change is logged.
     */
    private void startHaSuspend(KeepalivedConfig config) {
        Map<String, java.net.InetAddress> vips = new HashMap<>();
        for (var vs : config.virtualServers()) {
            if (!vs.haSuspend() || !(vs.address() instanceof io.vigil.config.VirtualServerAddress.IpPort ip)) continue;
            try { vips.put(IpvsConfigMapper.name(vs), java.net.InetAddress.getByName(ip.ip())); } catch (java.net.UnknownHostException e) { /* reported at load */ }
        }
        if (vips.isEmpty()) return;
        Map<String, List<String>> checkersOf = new HashMap<>();
        for (var v : plan.model().virtualServers())
            if (vips.containsKey(v.id())) checkersOf.put(v.id(), v.realServers().stream().flatMap(r -> r.checkers().stream()).map(c -> c.name()).toList());
        java.util.Set<String> first = suspendedBy(vips, checkersOf, java.util.Set.of());
        scheduler.suspend(first);
        haSuspend = Thread.ofPlatform().daemon().name("vigil-ha-suspend").start(() -> {
            java.util.Set<String> now = first;
            while (!Thread.currentThread().isInterrupted()) {
                try { Thread.sleep(1000); } catch (InterruptedException e) { return; }
                java.util.Set<String> next = suspendedBy(vips, checkersOf, now);
                if (!next.equals(now)) scheduler.suspend(next);
                now = next;
            }
        });
    }

    /** The checkers to suspend now: those of each virtual server whose address is not local; logs what changed. */
    private static java.util.Set<String> suspendedBy(Map<String, java.net.InetAddress> vips, Map<String, List<String>> checkersOf,
                                                     java.util.Set<String> before) {
        java.util.Set<java.net.InetAddress> local = new java.util.HashSet<>();
        try (var rt = io.vigil.linux.Rtnetlink.open()) {
            for (var a : rt.addresses()) local.add(a.address());
        } catch (Exception e) {
            return before; // cannot tell: leave things as they are
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        vips.forEach((vs, addr) -> {
            List<String> names = checkersOf.getOrDefault(vs, List.of());
            boolean down = !local.contains(addr);
            if (down) out.addAll(names);
            boolean wasDown = !names.isEmpty() && before.containsAll(names);
            if (!names.isEmpty() && down != wasDown)
                NodeLog.info((down ? "Suspending" : "Activating") + " healthchecker for service " + vs + " (ha_suspend: "
                        + addr.getHostAddress() + (down ? " not" : "") + " on this node)");
        });
        return out;
    }

    /**
     * Whether a reloaded configuration asks this checker for exactly what it does now: then a reload keeps it running,
     * and every real server keeps its state, counters and probe schedule, with no IPVS change (keepalived keeps
     * unchanged checkers across a reload too). Lines that only moved do not count as a change.
     */
    public boolean runs(KeepalivedConfig config) { return inputs.equals(checkInputs(config, statementsOf(config))); }

    private static List<ConfigNode> statementsOf(KeepalivedConfig config) {
        List<ConfigNode> out = new java.util.ArrayList<>();
        config.virtualServers().forEach(v -> out.add(v.node()));
        config.vrrpScripts().stream().filter(NodeConfig::isCheckerTracker).forEach(v -> out.add(v.node()));
        return out;
    }

    /**
     * The statements that decide what the checker does — virtual servers, checker-block vrrp_scripts, virtual server
     * groups, track_files (a FILE_CHECK reads one), script_user — as text without file positions.
     */
    static String checkInputs(KeepalivedConfig config, List<ConfigNode> statements) {
        StringBuilder b = new StringBuilder();
        for (ConfigNode n : statements) canonical(n, b);
        b.append("\u0002groups");
        config.virtualServerGroups().forEach(g -> canonical(g.node(), b));
        b.append("\u0002files");
        config.vrrpTrackFiles().forEach(f -> canonical(f.node(), b));
        b.append("\u0002notify");
        for (ConfigNode g : config.globalDefs().node().children())
            if (LvsNotifier.GLOBALS.contains(g.keyword())) canonical(g, b);
        b.append("\u0002global ").append(config.globalDefs().scriptUser()).append(config.globalDefs().scriptGroup()).append(' ').append(config.globalDefs().enableScriptSecurity());
        return b.toString();
    }

    private static void canonical(ConfigNode n, StringBuilder b) { b.append(CheckPlanner.canonical(n)).append('\n'); }

    /**
     * checker_priority, checker_rt_priority, checker_cpu_affinity (keepalived's checker process) applied by each
     * Vert.x event loop and the IPVS thread to themselves; mlockall and RLIMIT_RTTIME are the VRRP side's (one process).
     */
    private static void tune(Vertx vertx, io.vigil.config.Scheduling s, CheckerNode node) {
        var t = s.checker();
        if (t.nice() == 0 && t.rtPriority() == 0 && t.cpus().isEmpty()) return;
        ThreadTuning tuning = new ThreadTuning(node.journal);
        int i = 0;
        for (var loop : ((io.vertx.core.internal.VertxInternal) vertx).eventLoopGroup()) {
            String name = "checker-loop-" + i++;
            loop.execute(() -> tuning.applySelf(name, t, t.rtPriority(), true));
        }
        node.ipvsThread.execute(() -> tuning.applySelf("vigil-ipvs", t, t.rtPriority(), true));
    }

    /** What a reload hands the next checker: see {@link #start(Vertx, KeepalivedConfig, List, CheckRegistry, Journal, java.util.Set, ProbeObserver, TrackerSink, Optional)}. */
    public record Carry(Map<String, String> fingerprints, CheckScheduler.Carry checkers,
                        Map<RealServerId, RealServerState> states, Map<String, Boolean> ipvsQuorum,
                        Map<String, Boolean> quorum, List<io.vigil.check.runtime.CheckStatusBoard.Status> board,
                        java.util.Set<io.vigil.ipvs.ServiceKey> ipvsOwned) {}

    /** The running checker's states, read from its threads; call before {@link #close()} on a reload. */
    public Carry carryOver() {
        CheckScheduler.Carry checkers = scheduler.carryOver().await();
        try {
            return ipvsThread.submit(() -> new Carry(plan.fingerprints(), checkers, Map.copyOf(states),
                    Map.copyOf(lastQuorum), Map.copyOf(quorum), board.snapshot(), reconciler.owned())).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            NodeLog.warn("checker: cannot carry health over the reload: " + e);
            return new Carry(Map.of(), new CheckScheduler.Carry(Map.of(), Map.of()), Map.of(), Map.of(), Map.of(), List.of(),
                    java.util.Set.of());
        }
    }

    /** Seeds this (not yet started) checker with what did not change; see {@link Carry}. */
    private void takeOver(Carry old) {
        ipvsThread.execute(() -> reconciler.adopt(old.ipvsOwned())); // services the old configuration had may go now
        Map<String, String> now = plan.fingerprints();
        Map<String, io.vigil.check.HealthEngine.Carried> checkers = new HashMap<>();
        Map<String, Long> due = new HashMap<>();
        java.util.Set<String> realServers = new java.util.HashSet<>();
        Map<String, Boolean> quorumKept = new HashMap<>();
        Map<RealServerId, RealServerState> seeded = new HashMap<>();
        for (var vs : plan.model().virtualServers()) {
            boolean vsSame = now.get(vs.id()).equals(old.fingerprints().get(vs.id())) && old.quorum().containsKey(vs.id());
            if (vsSame) quorumKept.put(vs.id(), old.quorum().get(vs.id()));
            for (var rs : vs.realServers()) {
                String key = vs.id() + "|" + rs.id();
                for (var c : rs.checkers()) {
                    if (!now.get(c.name()).equals(old.fingerprints().get(c.name()))) continue;
                    var k = old.checkers().checkers().get(c.name());
                    if (k != null) checkers.put(c.name(), k);
                    Long d = old.checkers().due().get(c.name());
                    if (d != null) due.put(c.name(), d);
                }
                if (!now.get(key).equals(old.fingerprints().get(key))) continue;
                try {
                    RealServerId id = IpvsConfigMapper.realServerId(vs.id(), rs.id());
                    RealServerState st = old.states().get(id);
                    if (st == null) continue;   // never reported: let start-up say it
                    seeded.put(id, st);
                    realServers.add(key);
                } catch (RuntimeException e) {
                    // not an IPVS destination: start it afresh
                }
            }
            if (vsSame && !vs.realServers().stream().allMatch(rs -> realServers.contains(vs.id() + "|" + rs.id()))) quorumKept.remove(vs.id());
        }
        quorum.putAll(quorumKept);
        Map<String, Boolean> checkersUp = new HashMap<>();
        checkers.forEach((name, k) -> checkersUp.put(name, k.up()));
        Map<String, Boolean> alive = new HashMap<>();
        for (var vs : plan.model().virtualServers())
            for (var rs : vs.realServers())
                if (realServers.contains(vs.id() + "|" + rs.id()))
                    alive.put(vs.id() + "|" + rs.id(), rs.checkers().stream().allMatch(c -> checkersUp.getOrDefault(c.name(), !rs.alpha())));
        notify.carried(checkersUp, alive, quorumKept);
        board.carry(old.board(), checkers.keySet());
        scheduler.carry(new CheckScheduler.Carry(checkers, due), realServers, quorumKept);
        Map<String, Boolean> ipvsQuorum = new HashMap<>(old.ipvsQuorum());
        ipvsQuorum.keySet().retainAll(quorumKept.keySet());   // hysteresis remembers only what did not change
        ipvsThread.execute(() -> {
            states.putAll(seeded);
            lastQuorum.putAll(ipvsQuorum);
        });
        NodeLog.info("checker: reload kept " + checkers.size() + " of " + plan.checks().size() + " check(s), "
                + realServers.size() + " real server(s), " + quorumKept.size() + " virtual server(s) as they were");
    }

    /** What IPVS should hold now (read on the IPVS thread, after everything queued there): what a reload compares. */
    io.vigil.ipvs.DesiredState desired() throws Exception {
        return ipvsThread.submit(() -> IpvsPlanner.plan(virtualServers, withDrains(states, drained), new HashMap<>(lastQuorum)))
                .get(5, TimeUnit.SECONDS);
    }

    /** Empty while the kernel's IPVS could be programmed; otherwise why not (said once in the log too). */
    public Optional<String> ipvsUnavailable() { return Optional.ofNullable(ipvsUnavailable); }

    public io.vigil.check.runtime.CheckStats stats() { return scheduler.stats(); }

    /** Every real-server checker's live state (what {@code /api/v1/checks} shows). */
    public List<io.vigil.check.runtime.CheckStatusBoard.Status> checks() { return board.snapshot(); }

    /**
     * Operator drain: the real server stays in IPVS with weight 0, so established connections finish and no
     * new ones arrive; undrain restores its checked weight. {@code virtualServer} is the check engine's id
     * ({@link IpvsConfigMapper#name}), {@code realServer} "address:port".
     */
    public void drain(String virtualServer, String realServer, boolean on, Cause cause) {
        ipvsThread.execute(() -> drainedId(virtualServer, realServer).ifPresent(id -> {
            if (on ? drained.add(id) : drained.remove(id)) program(virtualServerByName.getOrDefault(id.virtualServer(), List.of()), c -> cause);
        }));
    }

    private Optional<RealServerId> drainedId(String virtualServer, String realServer) {
        try {
            return Optional.of(IpvsConfigMapper.realServerId(virtualServer, realServer));
        } catch (RuntimeException e) {
            NodeLog.warn("checker: cannot drain " + realServer + " of " + virtualServer + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    // ---- health events → journal → IPVS -------------------------------------------------------------

    /** On the scheduler's context: journal first, then hand state changes to the IPVS thread. */
    private void onHealth(HealthEvent ev) {
        if (ev instanceof HealthEvent.ProbeCompleted p) {
            onProbe(p);
            return;
        }
        Cause cause = cause(ev.cause());
        switch (ev) {
            case HealthEvent.ProbeCompleted p -> onProbe(p);
            case HealthEvent.CheckerChanged c -> {
                lastReason.put(c.realServer(), c.checker().replaceFirst(" .*", "") + " " + c.realServer() + " " + c.reason());
                Cause changed = Cause.event(journal.append(cause, new Event.CheckResult(c.checker(),
                        targets.getOrDefault(c.checker(), c.realServer()), c.up(), 0, "checker " + (c.up() ? "up" : "down")
                        + ": " + c.reason(), 0), c.atNanos()));
                causeOf.put(c.seq(), changed);
                notify.on(c, changed);
            }
            case HealthEvent.QuorumChanged q -> {
                long seq = journal.append(cause, new Event.QuorumChanged(q.virtualServer(), q.up(), quorumDetail(q)), q.atNanos());
                quorum.put(q.virtualServer(), q.up());
                causeOf.put(q.seq(), Cause.event(seq));
                notify.on(q, Cause.event(seq));
                // the IPVS changes quorum brings (sorry server in or out, alive servers leaving the pool) are its effect
                ipvsThread.execute(() -> requestProgram(q.virtualServer(), null, Cause.event(seq)));
            }
            case HealthEvent.RealServerChanged r -> {
                long seq = journal.append(cause, new Event.RealServerChanged(r.virtualServer(), r.realServer(), r.alive(),
                        r.weight(), r.quorumUp()), r.atNanos());
                causeOf.put(r.seq(), Cause.event(seq));
                notify.on(r, Cause.event(seq));
                String why = lastReason.getOrDefault(r.realServer(), "real_server " + r.realServer() + (r.alive() ? " up" : " down"));
                RealServerState s = r.alive() ? new RealServerState(true, r.weight(), why) : RealServerState.down(why);
                boolean quorumFollows = quorumMoves(r.virtualServer(), r.quorumUp());
                ipvsThread.execute(() -> {
                    var id = stateChanged(r.virtualServer(), r.realServer(), s);
                    if (!quorumFollows) requestProgram(r.virtualServer(), id, Cause.event(seq));
                });
            }
            case HealthEvent.RealServerWeightChanged w -> {
                long seq = journal.append(cause, new Event.RealServerChanged(w.virtualServer(), w.realServer(), true,
                        w.weight(), w.quorumUp()), w.atNanos());
                causeOf.put(w.seq(), Cause.event(seq));
                String why = "misc_dynamic " + w.realServer() + " weight " + w.weight();
                boolean quorumFollows = quorumMoves(w.virtualServer(), w.quorumUp());
                ipvsThread.execute(() -> {
                    var id = stateChanged(w.virtualServer(), w.realServer(), new RealServerState(true, w.weight(), why));
                    if (!quorumFollows) requestProgram(w.virtualServer(), id, Cause.event(seq));
                });
            }
            case HealthEvent.TrackerChanged t -> {
                long seq = journal.append(cause, new Event.CheckResult("track_script " + t.tracker(), "", t.ok(), 0,
                        "vrrp_script " + (t.ok() ? "OK" : "failed") + (t.fault() ? " (weight 0: FAULT)" : ""), 0), t.atNanos());
                causeOf.put(t.seq(), Cause.event(seq));
                trackers.changed(t.tracker(), t.ok(), Cause.event(seq));
            }
        }
    }

    private static final String[] NO_OWNER = {"", ""};

    /**
     * One probe's result: folded into its checker's run when it repeats it (nothing is built for that, the common case
     * at scale), else journaled individually with its cause.
     */
    private void onProbe(HealthEvent.ProbeCompleted p) {
        long wallNs = journal.config().clock().wallNs();
        Cause probe = coalescer.fold(p.checker(), p.up(), p.detail(), p.attempt(), p.latencyNanos(), p.atNanos(), wallNs, sink);
        if (probe == null) {
            probe = coalescer.offer(cause(p.cause()), new Event.CheckResult(p.checker(), targets.getOrDefault(p.checker(), ""),
                    p.up(), p.latencyNanos(), p.detail(), p.attempt()), p.atNanos(), wallNs, sink);
        }
        causeOf.put(p.seq(), probe);
        notify.on(p, probe);
        String[] vr = owners.getOrDefault(p.checker(), NO_OWNER);
        observer.probed(p.keyword(), vr[0], vr[1], p.latencyNanos() / 1e9, p.fault() != io.vigil.check.ProbeFault.NONE);
    }

    /**
     * Whether a QuorumChanged follows this real-server event (the engine emits it right after, on this thread):
     * then IPVS is programmed once, caused by the quorum change, instead of twice.
     */
    private boolean quorumMoves(String virtualServer, boolean quorumUp) {
        Boolean known = quorum.get(virtualServer);
        return known == null || known != quorumUp;
    }

    /**
     * keepalived's numbers (the event's {@code up} says lost/regained): "alive weight 1 < quorum 2 - hysteresis 0",
     * "at start: alive weight 2 ≥ quorum 2 + hysteresis 0", "no real server alive (alive weight 0, ...)".
     */
    static String quorumDetail(HealthEvent.QuorumChanged q) {
        boolean start = q.cause() instanceof io.vigil.check.Cause.Startup;
        // to come (or start) up the alive weight must reach quorum + hysteresis; to stay up, quorum - hysteresis
        String thr = "quorum " + q.quorum() + (q.up() || start ? " + " : " - ") + "hysteresis " + q.hysteresis();
        String at = start ? "at start: " : "";
        if (!q.up() && q.aliveWeight() == 0) return at + "no real server alive (alive weight 0, " + thr + ")";
        return at + "alive weight " + q.aliveWeight() + (q.up() ? " ≥ " : " < ") + thr;
    }

    private Cause cause(io.vigil.check.Cause c) {
        return switch (c) {
            case io.vigil.check.Cause.Event e -> causeOf.get(e.seq(), Cause.NONE);
            case io.vigil.check.Cause.Startup s -> Cause.configReload(configHash);
            case io.vigil.check.Cause.Probe p -> Cause.timer("delay_loop " + p.checker());
            // a retry was run by delay_before_retry after that failed result: cite it, so the attempts chain up
            case io.vigil.check.Cause.Retry r -> causeOf.get(r.previousSeq(), Cause.timer("delay_before_retry " + r.checker()));
        };
    }

    private RealServerId stateChanged(String virtualServer, String realServer, RealServerState s) {
        try {
            RealServerId id = IpvsConfigMapper.realServerId(virtualServer, realServer);
            states.put(id, s);
            return id;
        } catch (RuntimeException e) {
            NodeLog.warn("checker: cannot map real server " + realServer + " of " + virtualServer + " to IPVS: " + e.getMessage());
            return null;
        }
    }

    /**
     * On the IPVS thread: plans once for every change queued before this point, not once per change, and only the
     * virtual servers those changes touched — each virtual server's plan (quorum, sorry server) depends on its own
     * real servers alone, so at 10,000 real servers one flap costs the plan and diff of its own ten, not of all
     * (a whole-table plan per batch was most of the node's allocation). Each IPVS change is journaled with the cause
     * of its own destination's event when there is one, else with the latest (a quorum change's, typically).
     */
    private void requestProgram(String virtualServer, RealServerId id, Cause cause) {
        if (id != null) pendingCauses.put(id.dest(), cause);
        pendingVirtualServers.add(virtualServer);
        pendingLast = cause;
        if (programQueued) return;
        programQueued = true;
        ipvsThread.execute(() -> {
            programQueued = false;
            Map<io.vigil.ipvs.DestKey, Cause> byDest = new HashMap<>(pendingCauses);
            Cause last = pendingLast;
            pendingCauses.clear();
            List<VirtualServerSpec> scope = new java.util.ArrayList<>();
            for (String name : pendingVirtualServers) scope.addAll(virtualServerByName.getOrDefault(name, List.of()));
            pendingVirtualServers.clear();
            if (scope.isEmpty()) return; // not a virtual server IPVS knows (its mapping was refused at start-up)
            program(scope, c -> switch (c) {
                case IpvsChange.AddDest a -> byDest.getOrDefault(a.dest().key(), last);
                case IpvsChange.EditDest e -> byDest.getOrDefault(e.after().key(), last);
                case IpvsChange.DeleteDest d -> byDest.getOrDefault(d.dest(), last);
                default -> last;
            });
        });
    }

    /** On the IPVS thread: plans the whole table and reconciles it with the kernel's (start-up, reload). */
    private void programAll(Cause cause) {
        DesiredState desired = IpvsPlanner.plan(virtualServers, withDrains(states, drained), lastQuorum);
        lastQuorum.putAll(desired.quorumUp()); // hysteresis needs the previous verdict
        apply(() -> reconciler.reconcile(desired), c -> cause);
    }

    /** On the IPVS thread: plans and applies just {@code scope}; the other virtual servers are neither planned nor diffed. */
    private void program(List<VirtualServerSpec> scope, java.util.function.Function<IpvsChange, Cause> causeOfChange) {
        DesiredState desired = IpvsPlanner.plan(scope, withDrains(states, drained), lastQuorum);
        lastQuorum.putAll(desired.quorumUp()); // hysteresis needs the previous verdict
        apply(() -> reconciler.updateServices(desired), causeOfChange);
    }

    private interface Reconcile { IpvsReconciler.Result run() throws LinuxException; }

    private void apply(Reconcile reconcile, java.util.function.Function<IpvsChange, Cause> causeOfChange) {
        IpvsReconciler.Result r;
        try {
            r = reconcile.run();
        } catch (LinuxException e) {
            NodeLog.error("IPVS: " + e.getMessage());
            return;
        }
        if (r.unavailable()) {
            if (ipvsUnavailable == null) ipvsUnavailable = "the kernel has no IPVS (ip_vs module not loaded or not built)";
            return;
        }
        ipvsUnavailable = null;
        r.applied().forEach(c -> journal.append(causeOfChange.apply(c), ipvsEvent(c, true, "")));
        r.failures().forEach(f -> {
            NodeLog.warn("IPVS: " + f.change().describe() + " refused: " + f.error().getMessage());
            journal.append(causeOfChange.apply(f.change()), ipvsEvent(f.change(), false, f.error().getMessage()));
        });
    }

    /** A drained real server that is alive (or not yet checked) is planned at weight 0; a failed one stays failed. */
    static Map<RealServerId, RealServerState> withDrains(Map<RealServerId, RealServerState> states, java.util.Set<RealServerId> drained) {
        if (drained.isEmpty()) return states;
        Map<RealServerId, RealServerState> out = new HashMap<>(states);
        for (RealServerId id : drained) {
            RealServerState s = states.get(id);
            if (s == null || s.alive()) out.put(id, new RealServerState(true, 0, "real_server " + id.dest() + " drained by operator"));
        }
        return out;
    }

    static Event.IpvsChanged ipvsEvent(IpvsChange c, boolean ok, String error) {
        String svc = c.service().toString();
        return switch (c) {
            case IpvsChange.AddService a -> new Event.IpvsChanged(Event.IpvsOp.SERVICE_ADD, svc, "", 0, a.spec().describe(), ok, error);
            case IpvsChange.EditService e -> new Event.IpvsChanged(Event.IpvsOp.SERVICE_EDIT, svc, "", 0, e.after().describe(), ok, error);
            case IpvsChange.DeleteService d -> new Event.IpvsChanged(Event.IpvsOp.SERVICE_DELETE, svc, "", 0, "", ok, error);
            case IpvsChange.AddDest a -> new Event.IpvsChanged(Event.IpvsOp.DEST_ADD, svc, a.dest().key().toString(),
                    a.dest().weight(), a.dest().forward().name(), ok, error);
            case IpvsChange.EditDest e -> new Event.IpvsChanged(Event.IpvsOp.DEST_EDIT, svc, e.after().key().toString(),
                    e.after().weight(), e.after().forward().name(), ok, error);
            case IpvsChange.DeleteDest d -> new Event.IpvsChanged(Event.IpvsOp.DEST_DELETE, svc, d.dest().toString(), 0, "", ok, error);
        };
    }

    /** The last engine events' journal causes, by engine seq: a fixed ring, an old seq answers the default. */
    static final class CauseRing {
        private final long[] seqs;
        private final Cause[] causes;

        CauseRing(int size) {
            seqs = new long[size];
            causes = new Cause[size];
            java.util.Arrays.fill(seqs, -1);
        }

        synchronized void put(long seq, Cause c) {
            int i = (int) (seq & (seqs.length - 1));
            seqs[i] = seq;
            causes[i] = c;
        }

        synchronized Cause get(long seq, Cause dflt) {
            int i = (int) (seq & (seqs.length - 1));
            return seqs[i] == seq ? causes[i] : dflt;
        }
    }

    /**
     * The node stops (not a reload): keepalived's omega notifies (notify_down of alive real servers, quorum_down),
     * caused by {@code why}, then {@link #close()}.
     */
    public void stop(Cause why) {
        scheduler.close();
        notify.stop(why);
        closeAfterChecks();
    }

    @Override public void close() {
        scheduler.close();
        closeAfterChecks();
    }

    private void closeAfterChecks() {
        Thread h = haSuspend;
        if (h != null) h.interrupt();
        // the open runs' summaries: a reload or stop must not lose the probes counted since the last one
        coalescer.flushAll(journal.config().clock().monoNs(), journal.config().clock().wallNs(), sink);
        ipvsThread.shutdown();
        try { ipvsThread.awaitTermination(5, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        reconciler.close();
        registry.close();
        notify.close();
    }
}
