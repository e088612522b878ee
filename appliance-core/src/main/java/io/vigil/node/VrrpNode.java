package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import io.vigil.journal.Cause;
import io.vigil.vrrp.JournalCauses;
import io.vigil.journal.Event;
import io.vigil.journal.Journal;
import io.vigil.linux.GarpSender;
import io.vigil.linux.Ipv4InterfaceAddress;
import io.vigil.linux.LinkInfo;
import io.vigil.linux.Rtnetlink;
import io.vigil.linux.RtnetlinkEvent;
import io.vigil.linux.RtnetlinkMonitor;
import io.vigil.linux.VrrpSocket;
import io.vigil.vrrp.DropReason;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.ReceivedAdvert;
import io.vigil.vrrp.SyncGroupSpec;
import io.vigil.vrrp.TrackerSpec;
import io.vigil.vrrp.VrrpEffect;
import io.vigil.vrrp.VrrpInput;
import io.vigil.vrrp.VrrpInstance;
import io.vigil.vrrp.VrrpInstanceSpec;
import io.vigil.vrrp.VrrpState;
import io.vigil.vrrp.VrrpSyncGroup;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The node shell for VRRP: owns the sockets, threads and executors around the pure engines and applies their
 * effects. Threads: {@code vrrp} (steps engines, sends adverts — nothing else), one receive thread per interface
 * (decodes and hands adverts over the lock-free inbox), {@code vrrp-netlink} (link and address notifications),
 * {@code vrrp-io} (VIPs and GARPs), notify threads, vrrp_script threads, the journal's writer and the log writer.
 * Start it on a thread in the network namespace it should run in: sockets belong to the namespace they are
 * opened in.
 */
public final class VrrpNode implements AutoCloseable {
    private static final Duration RECEIVE_POLL = Duration.ofMillis(500);
    private static final long DROP_LOG_EVERY = TimeUnit.SECONDS.toNanos(10);
    /** NodeAlive period: bounds how precisely a crash is dated (see docs/journal.md for its cost). */
    static final long ALIVE_PERIOD_MS = 1000;
    private static final long ALIVE_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(ALIVE_PERIOD_MS);
    /** A BACKUP journals the master it hears at least this often even when nothing changed (skew evidence). */
    private static final long MASTER_SAMPLE_EVERY = TimeUnit.SECONDS.toNanos(60);
    /** other_master anomalies: the first at once, then at most one per source per this period, with the count. */
    private static final long OTHER_MASTER_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final Journal journal;
    private final Rtnetlink control;
    private final RtnetlinkMonitor monitor;
    private final AddressKeeper keeper;
    private final VrrpThread vrrp;
    private final Map<String, VrrpSocket> sockets = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Long> trackerSeq = new ConcurrentHashMap<>();
    /** Last value reported per tracker (JournalCauses.trackerKey): seeds an instance that starts tracking it. */
    private final Map<String, Long> trackerValue = new ConcurrentHashMap<>();
    private final Map<Integer, String> ifnames = new ConcurrentHashMap<>();
    private final Map<String, Boolean> linkUp = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private volatile NodeSetup setup;
    private volatile Notifier notifier;
    private volatile VrrpScripts scripts;
    private volatile TrackFiles trackFiles;
    private volatile ProcessTracker processes;
    private final Mailer mailer;
    private final RouteKeeper routes;

    // ---- touched on the vrrp thread only
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<String, VrrpSyncGroup> groups = new LinkedHashMap<>();
    private final Map<String, VrrpState> groupStates = new HashMap<>();
    private final Map<String, Long> lastTransitionSeq = new HashMap<>();
    private long nextDeadline = Long.MAX_VALUE;
    private Cause configCause;
    private Cause stopCause = Cause.signal("SIGTERM");
    private boolean reloading;        // inside a reload's reconcile: starts and stops are the reload's
    private boolean reconfiguring;    // stepping a Reconfigure: address changes are the reload's, not a transition's
    private boolean delayedOnce;      // vrrp_startup_delay applied
    private long aliveAt;             // next NodeAlive mark (System.nanoTime scale)
    private long advertsSent, sendErrors;
    /** Datagrams no instance could be charged with (unreadable VRID, or a VRID nobody here runs), per interface. */
    private final Map<String, EnumMap<DropReason, Long>> interfaceDrops = new HashMap<>();
    private final Map<String, Long> interfaceDropLog = new HashMap<>();
    private volatile AdvertListener advertListener;

    /** One running instance and the timer its engine asked for. */
    private static final class Slot {
        final VrrpInstance engine;
        final VrrpSyncGroup group;
        boolean armed;
        long deadline;
        long lastDropLog;
        final EnumMap<DropReason, Long> loggedDrops = new EnumMap<>(DropReason.class);
        final EnumMap<DropReason, Long> malformed = new EnumMap<>(DropReason.class); // refused by the decoder, VRID ours
        // keepalived's SIGSTATS counters the engine does not keep (management API / metrics)
        long sent, priZeroSent, becameMaster, releasedMaster, lastSentNs;
        // MasterSeen: the master this BACKUP last journaled (null: none since it became BACKUP) and when
        Ipv4Address seenFrom;
        int seenPriority;
        long seenAt;
        // other_master anomalies by source, while MASTER
        final Map<Ipv4Address, OtherMaster> otherMasters = new HashMap<>();

        Slot(VrrpInstance engine, VrrpSyncGroup group) { this.engine = engine; this.group = group; }

        String name() { return engine.name(); }
        VrrpInstanceSpec spec() { return engine.spec(); }
    }

    /** Another router advertising while we are MASTER: adverts counted since its last journal entry. */
    private static final class OtherMaster {
        long journaledAt, since, heardAt;
        int priority;
        io.vigil.vrrp.Cause.Relation relation;
    }

    private VrrpNode(Journal journal) throws Exception {
        this.journal = journal;
        this.mailer = new Mailer(journal);
        this.control = Rtnetlink.open();
        this.monitor = RtnetlinkMonitor.open();
        this.keeper = new AddressKeeper(journal, Rtnetlink.open(), GarpSender.open(), Duration.ZERO);
        this.routes = new RouteKeeper(journal, keeper);
        this.vrrp = new VrrpThread(new VrrpThread.Host() {
            @Override public void tick(long now) { onTick(now); alive(now); }
            @Override public long nextDeadline() { return nextDeadline; }
        });
    }

    /** Opens sockets in the calling thread's namespace, starts every thread and the instances. */
    public static VrrpNode start(NodeSetup setup, Journal journal) throws Exception {
        VrrpNode n = new VrrpNode(journal);
        try {
            n.boot(setup);
            return n;
        } catch (Exception | Error e) {
            n.close();
            throw e;
        }
    }

    private void boot(NodeSetup s) throws Exception {
        for (LinkInfo l : control.links()) { ifnames.put(l.index(), l.name()); linkUp.put(l.name(), l.isUp()); }
        List<VrrpInstanceSpec> specs = resolveSources(s.instances());
        openSockets(specs);
        this.setup = s;
        this.notifier = newNotifier(s);
        vrrp.start();
        Thread mon = Thread.ofPlatform().name("vrrp-netlink").daemon().start(this::monitorLoop);
        threads.add(mon);
        long seq = journal.append(Cause.configReload(s.contentHash()),
                new Event.ConfigApplied(String.valueOf(s.configPath()), s.contentHash(), "+" + String.join(" +", names(specs))));
        VrrpScripts vs = newScripts(s, null);
        newWatchers(s);
        routes.statics(s.routes(), true, seq >= 0 ? Cause.event(seq) : Cause.configReload(s.contentHash()));
        vrrp.call(() -> {
            configCause = seq >= 0 ? Cause.event(seq) : Cause.configReload(s.contentHash());
            install(specs, s.syncGroups());
            aliveAt = System.nanoTime() + ALIVE_PERIOD_NS;
            recomputeDeadline();
            return null;
        }).get(10, TimeUnit.SECONDS);
        this.scripts = vs;
        if (vs != null) vs.start();
        startWatchers();
    }

    /**
     * track_file and vrrp_track_process watchers for {@code s}, not started; their first readings seed
     * {@link #trackerValue} (overwriting the old ones). Read afresh on reload: the file and /proc are the truth.
     */
    private void newWatchers(NodeSetup s) {
        TrackFiles f = s.trackFiles().isEmpty() ? null : new TrackFiles(s.trackFiles(),
                (name, value) -> trackerReport(TrackerSpec.Kind.FILE, name, value == 0, value, "value " + value));
        ProcessTracker p = s.trackProcesses().isEmpty() ? null : new ProcessTracker(s.trackProcesses(),
                (name, up, n) -> trackerReport(TrackerSpec.Kind.PROCESS, name, up, up ? 1 : 0, n + " running"));
        if (f != null) f.values().forEach((n, v) -> initialReading(TrackerSpec.Kind.FILE, n, v == 0, v, "value " + v));
        if (p != null) p.values().forEach((n, up) -> initialReading(TrackerSpec.Kind.PROCESS, n, up, up ? 1 : 0, up ? "quorum" : "no quorum"));
        trackFiles = f;
        processes = p;
    }

    /** A first reading is known before the instances use it; one that is not OK is journaled so what it causes cites it. */
    private void initialReading(TrackerSpec.Kind kind, String name, boolean ok, long value, String detail) {
        String key = JournalCauses.trackerKey(kind, name);
        trackerValue.put(key, value);
        if (ok) return;
        String what = (kind == TrackerSpec.Kind.FILE ? "track_file " : "track_process ") + name;
        trackerSeq.put(key, journal.append(Cause.timer(what), new Event.CheckResult(what, "", false, 0, detail, 1)));
    }

    private void startWatchers() {
        if (trackFiles != null) trackFiles.start();
        if (processes != null) processes.start();
    }

    private void closeWatchers() {
        if (trackFiles != null) trackFiles.close();
        if (processes != null) processes.close();
    }

    /** A track_file or track_process changed: journaled (the cause its transitions cite), then handed to the vrrp thread. */
    private void trackerReport(TrackerSpec.Kind kind, String name, boolean up, long value, String detail) {
        String key = JournalCauses.trackerKey(kind, name);
        String what = (kind == TrackerSpec.Kind.FILE ? "track_file " : "track_process ") + name;
        long seq = journal.append(Cause.timer(what), new Event.CheckResult(what, "", up, 0, detail, 1));
        trackerSeq.put(key, seq);
        trackerValue.put(key, value);
        vrrp.submit(() -> {
            long now = System.nanoTime();
            for (Slot sl : List.copyOf(slots.values()))
                if (tracks(sl, kind, name)) step(sl, new VrrpInput.TrackerChanged(now, kind, name, up, value));
        });
    }

    // ------------------------------------------------------------------ setup helpers (control thread)

    /** unicast_src_ip or the interface's primary IPv4 address: it is on the wire and breaks priority ties. */
    private List<VrrpInstanceSpec> resolveSources(List<VrrpInstanceSpec> in) throws Exception {
        List<VrrpInstanceSpec> out = new ArrayList<>();
        List<Ipv4InterfaceAddress> all = control.addresses();
        for (VrrpInstanceSpec s : in) {
            if (s.sourceAddress() != null) { out.add(s); continue; }
            int idx = control.ifindex(s.interfaceName());
            Optional<Ipv4InterfaceAddress> primary = all.stream()
                    .filter(a -> a.ifindex() == idx && (a.flags() & Ipv4InterfaceAddress.IFA_F_SECONDARY) == 0).findFirst();
            if (primary.isEmpty())
                throw new IllegalStateException("vrrp_instance " + s.name() + ": interface " + s.interfaceName() + " has no IPv4 address");
            out.add(s.withSourceAddress(Ipv4Address.fromBytes(primary.get().address().getAddress())));
        }
        return out;
    }

    private void openSockets(List<VrrpInstanceSpec> specs) throws Exception {
        for (VrrpInstanceSpec s : specs) {
            if (sockets.containsKey(s.interfaceName())) continue;
            VrrpSocket sock = VrrpSocket.open(s.interfaceName());
            sockets.put(s.interfaceName(), sock);
            Thread t = Thread.ofPlatform().name("vrrp-rx-" + s.interfaceName()).daemon().start(() -> receiveLoop(sock));
            threads.add(t);
        }
    }

    private Notifier newNotifier(NodeSetup s) throws Exception {
        List<NotifyFifo> fifos = new ArrayList<>();
        for (Path p : s.notifyFifos()) fifos.add(new NotifyFifo(p));
        return new Notifier(new ScriptRunner(s.scriptUser(), s.enableScriptSecurity()), s.notifyTimeout(), fifos,
                (trigger, o, causeSeq) -> {
                    String out = String.join("\n", o.firstLines());
                    if (o.error() != null) out = o.error() + (out.isEmpty() ? "" : "\n" + out);
                    journal.append(causeSeq >= 0 ? Cause.event(causeSeq) : Cause.NONE,
                            new Event.NotifyRun(o.command().toString(), trigger, o.exitCode(), o.duration().toNanos(), out));
                    if (!o.ok()) NodeLog.warn("notify " + o.command() + " (" + trigger + "): "
                            + (o.error() != null ? o.error() : "exit " + o.exitCode()));
                });
    }

    /**
     * The vrrp_script runner for {@code s}, not started; unchanged scripts keep {@code previous}'s state. Their
     * states seed {@link #trackerValue} (checker-block trackers reported by CheckerNode keep theirs), so an instance
     * starting (or, on reload, starting to track one) sees the script as it is, an init_fail script as down.
     */
    private VrrpScripts newScripts(NodeSetup s, VrrpScripts previous) {
        if (s.scripts().isEmpty()) return null;
        VrrpScripts vs = new VrrpScripts(s.scripts(), new ScriptRunner(s.scriptUser(), s.enableScriptSecurity()),
                (name, up, o) -> {
                    long seq = journal.append(Cause.timer("vrrp_script " + name), new Event.CheckResult("track_script " + name, "",
                            up, o.duration().toNanos(), detail(o), 1));
                    trackerSeq.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, name), seq);
                    trackerValue.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, name), up ? 1L : 0L);
                    NodeLog.info("VRRP_Script(" + name + ") " + (up ? "succeeded" : "failed") + " (exit " + o.exitCode() + ")");
                    vrrp.submit(() -> {
                        long now = System.nanoTime();
                        for (Slot sl : List.copyOf(slots.values()))
                            if (tracks(sl, TrackerSpec.Kind.SCRIPT, name)) step(sl, VrrpInput.TrackerChanged.script(now, name, up));
                    });
                }, previous);
        vs.states().forEach((spec, up) -> trackerValue.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, spec.name()), up ? 1L : 0L));
        return vs;
    }

    /** "exit 2: line 3: syntax error ..." — the script's first output lines (stdout and stderr) are kept, as docs/plugins.md says. */
    static String detail(ScriptOutcome o) {
        String head = o.error() != null ? o.error() : "exit " + o.exitCode();
        return o.firstLines().isEmpty() ? head : head + ": " + String.join(" | ", o.firstLines());
    }

    /**
     * A vrrp_script run elsewhere (a checker-block tracker, by {@link CheckerNode}) changed state; {@code cause} is
     * the journal entry that recorded it. Hands the change to the vrrp thread like a script's own result.
     */
    public void trackerChanged(String script, boolean up, Cause cause) {
        if (cause instanceof Cause.Event e) trackerSeq.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, script), e.seq());
        trackerValue.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, script), up ? 1L : 0L);
        NodeLog.info("VRRP_Script(" + script + ") " + (up ? "succeeded" : "failed"));
        vrrp.submit(() -> {
            long now = System.nanoTime();
            for (Slot sl : List.copyOf(slots.values()))
                if (tracks(sl, TrackerSpec.Kind.SCRIPT, script)) step(sl, VrrpInput.TrackerChanged.script(now, script, up));
        });
    }

    private static boolean tracks(Slot s, TrackerSpec.Kind kind, String name) {
        for (TrackerSpec t : s.spec().trackers()) if (t.kind() == kind && t.name().equals(name)) return true;
        return false;
    }

    private static List<String> names(List<VrrpInstanceSpec> specs) { return specs.stream().map(VrrpInstanceSpec::name).toList(); }

    // ------------------------------------------------------------------ the vrrp thread

    /** Creates engines (grouped as configured), tells them the links' state, starts them. */
    private void install(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groupSpecs) {
        Map<String, VrrpInstance> engines = new LinkedHashMap<>();
        for (VrrpInstanceSpec s : specs) engines.put(s.name(), new VrrpInstance(s));
        Map<String, VrrpSyncGroup> groupOf = new HashMap<>();
        for (SyncGroupSpec g : groupSpecs) {
            List<VrrpInstance> members = g.members().stream().map(engines::get).toList();
            if (members.contains(null)) continue; // a member not (re)installed now: group stays as it was
            VrrpSyncGroup grp = new VrrpSyncGroup(g, members);
            groups.put(g.name(), grp);
            for (String m : g.members()) groupOf.put(m, grp);
        }
        long now = System.nanoTime();
        for (VrrpInstance e : engines.values()) {
            Slot s = new Slot(e, groupOf.get(e.name()));
            slots.put(e.name(), s);
            seed(s, List.of(), Set.of(), now);
        }
        Duration delay = reloading || setup == null ? Duration.ZERO : setup.vrrpStartupDelay();
        if (delay.isPositive() && !delayedOnce) { // vrrp_startup_delay: the first start only, as keepalived
            delayedOnce = true;
            NodeLog.info("Delaying startup for " + delay.toMillis() / 1000.0 + " seconds");
            List<VrrpInstance> later = List.copyOf(engines.values());
            Thread.ofVirtual().name("vrrp-startup-delay").start(() -> {
                try { Thread.sleep(delay); } catch (InterruptedException ie) { return; }
                if (!closing) vrrp.submit(() -> {
                    long t = System.nanoTime();
                    for (VrrpInstance e : later) {
                        Slot sl = slots.get(e.name());
                        if (sl != null && sl.engine == e) step(sl, new VrrpInput.Start(t)); // not replaced by a reload
                    }
                });
            });
            return;
        }
        for (VrrpInstance e : engines.values()) step(slots.get(e.name()), new VrrpInput.Start(now));
    }

    /**
     * Tells an instance the state of the links and trackers it tracks and {@code oldTrackers}/{@code oldInterfaces}
     * did not (all of them at start): down links, and every tracker value already reported.
     */
    private void seed(Slot s, List<TrackerSpec> oldTrackers, Set<String> oldInterfaces, long now) {
        for (String ifname : interfacesOf(s.spec())) {
            Boolean up = linkUp.get(ifname);
            if (up != null && !up && !oldInterfaces.contains(ifname)) step(s, new VrrpInput.InterfaceChanged(now, ifname, false));
        }
        for (TrackerSpec t : s.spec().trackers()) {
            if (t.kind() == TrackerSpec.Kind.INTERFACE || oldTrackers.stream().anyMatch(o -> o.kind() == t.kind() && o.name().equals(t.name())))
                continue;
            Long v = trackerValue.get(JournalCauses.trackerKey(t.kind(), t.name()));
            if (v != null) step(s, new VrrpInput.TrackerChanged(now, t.kind(), t.name(), t.kind() == TrackerSpec.Kind.FILE ? v == 0 : v != 0, v));
        }
    }

    private static Set<String> interfacesOf(VrrpInstanceSpec s) {
        Set<String> out = new HashSet<>();
        out.add(s.interfaceName());
        for (TrackerSpec t : s.trackers()) if (t.kind() == TrackerSpec.Kind.INTERFACE) out.add(t.name());
        return out;
    }

    private void step(Slot s, VrrpInput in) {
        List<VrrpEffect> effects = s.group != null ? s.group.step(s.name(), in) : s.engine.step(in);
        apply(effects, in.now());
    }

    private void onTick(long now) {
        Set<VrrpSyncGroup> ticked = new HashSet<>();
        for (Slot s : List.copyOf(slots.values())) {
            if (!s.armed || now - s.deadline < 0) continue;
            if (s.group != null) {
                if (ticked.add(s.group)) apply(s.group.tick(now), now);
            } else {
                apply(s.engine.step(new VrrpInput.Tick(now)), now);
            }
        }
        recomputeDeadline();
    }

    private void recomputeDeadline() {
        long best = Long.MAX_VALUE;
        boolean any = false;
        for (Slot s : slots.values()) {
            OptionalLong d = s.engine.nextDeadline();
            s.armed = d.isPresent();
            if (s.armed) {
                s.deadline = d.getAsLong();
                if (!any || s.deadline - best < 0) { best = s.deadline; any = true; }
            }
        }
        if (aliveAt != 0 && (!any || aliveAt - best < 0)) { best = aliveAt; any = true; }
        nextDeadline = any ? best : System.nanoTime() + TimeUnit.HOURS.toNanos(1);
    }

    /**
     * The liveness mark, on the vrrp thread after the engines' sends of this wake-up: proves the VRRP loop ran.
     * The append is the journal's non-blocking ring; one small allocation per period.
     */
    private void alive(long now) {
        if (aliveAt == 0 || now - aliveAt < 0) return;
        aliveAt = now - aliveAt > ALIVE_PERIOD_NS ? now + ALIVE_PERIOD_NS : aliveAt + ALIVE_PERIOD_NS; // no catch-up burst
        List<Event.NodeAlive.Beat> beats = new ArrayList<>(slots.size());
        for (Slot s : slots.values()) {
            beats.add(new Event.NodeAlive.Beat(s.name(), s.spec().vrid(), String.valueOf(s.spec().sourceAddress()),
                    Event.VrrpState.valueOf(s.engine.state().name()), s.engine.effectivePriority(),
                    s.spec().advertIntervalCentis() * 10L));
            flushOtherMasters(s, now);
        }
        journal.append(Cause.NONE, Event.NodeAlive.of(ALIVE_PERIOD_MS, beats), now);
        recomputeDeadline();
    }

    /** Wall-clock nanoseconds of the engine's monotonic {@code mono} (System.nanoTime scale). */
    private long wallOf(long mono) {
        var clock = journal.config().clock();
        return clock.wallNs() - (clock.monoNs() - mono);
    }

    private JournalCauses.Context context(Slot s) {
        return new JournalCauses.Context(s == null ? "" : s.spec().interfaceName(), trackerSeq, configCause, stopCause, reloading, this::wallOf);
    }

    /**
     * Applies one step's effects. Adverts go out first, right here; transitions are journaled next so the
     * address, GARP and notify work handed to other threads can cite them as cause.
     */
    private void apply(List<VrrpEffect> effects, long now) {
        for (VrrpEffect e : effects) {
            switch (e) {
                case VrrpEffect.SendAdvert a -> send(a);
                case VrrpEffect.StateChanged sc -> transition(sc, now);
                case VrrpEffect.PriorityChanged pc -> priority(pc, now);
                default -> { }
            }
        }
        for (VrrpEffect e : effects) {
            switch (e) {
                case VrrpEffect.AddAddresses a -> keeper.add(a.instance(), a.interfaceName(), a.addresses(), reconfiguring ? configCause : causeOf(a.instance()));
                case VrrpEffect.RemoveAddresses r -> keeper.remove(r.instance(), r.interfaceName(), r.addresses(), reconfiguring ? configCause : causeOf(r.instance()));
                case VrrpEffect.SendGarp g -> keeper.garp(g.instance(), g.interfaceName(), g.addresses(), g.repeat(),
                        switch (g.reason()) {
                            case BECAME_MASTER -> causeOf(g.instance());
                            case MASTER_DELAY -> Cause.timer("garp_master_delay");
                            case REFRESH -> Cause.timer("garp_master_refresh");
                            case ADDRESS_ADDED -> configCause;
                        });
                case VrrpEffect.RunNotify n -> {
                    ScriptCommand cmd = ScriptCommand.parse(n.command()).with(n.extraArgs().toArray(String[]::new));
                    Long seq = lastTransitionSeq.get(n.instance());
                    notifier.run(n.instance(), n.instance() + " " + n.state(), cmd, seq == null ? -1 : seq);
                }
                case VrrpEffect.AdvertDropped d -> dropped(d, now);
                default -> { }
            }
        }
        for (VrrpEffect e : effects) // virtual_routes follow the VIPs in
            if (e instanceof VrrpEffect.StateChanged sc && sc.to() == VrrpState.MASTER)
                routes.virtualAdd(sc.instance(), setup.routes().virtualRoutes(sc.instance()),
                        setup.routes().virtualRules(sc.instance()), causeOf(sc.instance()));
        groupFifo();
        recomputeDeadline();
    }

    private void send(VrrpEffect.SendAdvert a) {
        Slot s = slots.get(a.instance());
        VrrpSocket sock = s == null ? null : sockets.get(s.spec().interfaceName());
        if (sock == null) return;
        try {
            sock.send(AddressKeeper.inet(a.source()), AddressKeeper.inet(a.destination()), ByteBuffer.wrap(a.message()));
            advertsSent++;
            s.sent++;
            if (a.priority() == 0) s.priZeroSent++;
            long now = System.nanoTime();
            AdvertListener l = advertListener;
            if (l != null && s.lastSentNs != 0) l.sent(s.name(), now - s.lastSentNs);
            s.lastSentNs = now;
        } catch (Exception ex) {
            // e.g. ENETDOWN while the link is down; the link monitor moves the instance to FAULT
            if (sendErrors++ % 100 == 0) NodeLog.warn("(" + a.instance() + ") advert not sent: " + ex.getMessage());
        }
    }

    private void transition(VrrpEffect.StateChanged sc, long now) {
        Slot s = slots.get(sc.instance());
        if (s != null) {
            if (sc.to() == VrrpState.MASTER) s.becameMaster++;
            if (sc.from() == VrrpState.MASTER) { s.releasedMaster++; s.lastSentNs = 0; }
        }
        if (s != null && sc.from() == VrrpState.BACKUP) s.seenFrom = null; // the next master heard as BACKUP is news
        if (s != null && sc.from() == VrrpState.MASTER) flushOtherMasters(s, now, true);
        int prio = s == null ? 0 : s.engine.effectivePriority();
        String words = JournalCauses.words(sc.cause(), reloading);
        long seq = journal.append(JournalCauses.journal(sc.cause(), context(s)),
                new Event.VrrpTransition(sc.instance(), Event.VrrpState.valueOf(sc.from().name()),
                        Event.VrrpState.valueOf(sc.to().name()), words, prio), now);
        lastTransitionSeq.put(sc.instance(), seq);
        if (sc.from() == VrrpState.MASTER) // virtual_routes leave before the VIPs
            routes.virtualRemove(sc.instance(), causeOf(sc.instance()));
        NodeLog.info("(" + sc.instance() + ") Entering " + sc.to() + " STATE (" + words + ", priority " + prio + ")");
        notifier.fifo("INSTANCE", sc.instance(), sc.to().name(), prio);
        mailer.instance(setup.mail(), setup.routerId(), sc.instance(), sc.to(), seq);
    }

    private void priority(VrrpEffect.PriorityChanged pc, long now) {
        Slot s = slots.get(pc.instance());
        String words = JournalCauses.words(pc.cause(), reloading);
        journal.append(JournalCauses.journal(pc.cause(), context(s)),
                new Event.PriorityChanged(pc.instance(), pc.from(), pc.to(), words), now);
        NodeLog.info("(" + pc.instance() + ") priority " + pc.from() + " -> " + pc.to() + " (" + words + ")");
        if (s != null && setup.notifyPriorityChanges().contains(pc.instance())) // keepalived: FIFO only, STATE_PRIORITY
            notifier.fifo("INSTANCE", pc.instance(), s.engine.state().name() + "_PRIORITY", pc.to());
    }

    private Cause causeOf(String instance) {
        Long seq = lastTransitionSeq.get(instance);
        return seq != null && seq >= 0 ? Cause.event(seq) : Cause.NONE;
    }

    /** Journals the first drop of each kind and then at most one summary line per instance every 10 s. */
    private void dropped(VrrpEffect.AdvertDropped d, long now) {
        Slot s = slots.get(d.instance());
        if (s == null) return;
        boolean firstOfKind = !s.loggedDrops.containsKey(d.reason());
        if (!firstOfKind && now - s.lastDropLog < DROP_LOG_EVERY) return;
        long count = drops(s).getOrDefault(d.reason(), 0L);
        s.loggedDrops.put(d.reason(), count);
        s.lastDropLog = now;
        String src = String.valueOf(d.source());
        journal.append(Cause.packet(src, s.spec().interfaceName()),
                new Event.AdvertAnomaly(d.instance(), anomaly(d.reason()), src,
                        d.reason().name().toLowerCase() + " (" + count + " so far)"), now);
        NodeLog.warn("(" + d.instance() + ") " + dropSummary(s) + " (last: " + d.reason() + " from " + d.source() + ")");
    }

    private static String dropSummary(Slot s) {
        StringBuilder b = new StringBuilder("adverts dropped:");
        drops(s).forEach((r, n) -> b.append(' ').append(r.name()).append('=').append(n));
        return b.toString();
    }

    /** The engine's drops plus those the decoder refused before the engine saw them. */
    private static Map<DropReason, Long> drops(Slot s) {
        if (s.malformed.isEmpty()) return s.engine.dropCounts();
        EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
        all.putAll(s.engine.dropCounts());
        s.malformed.forEach((r, n) -> all.merge(r, n, Long::sum));
        return all;
    }

    private static Event.AnomalyKind anomaly(DropReason r) {
        return switch (r) {
            case AUTH_FAILURE, AUTH_TYPE_MISMATCH, INVALID_AUTH_TYPE -> Event.AnomalyKind.AUTH_FAILURE;
            case BAD_TTL -> Event.AnomalyKind.TTL;
            case BAD_CHECKSUM -> Event.AnomalyKind.CHECKSUM;
            case VRID_MISMATCH -> Event.AnomalyKind.VRID_MISMATCH;
            case ADVERT_INTERVAL_MISMATCH -> Event.AnomalyKind.INTERVAL_MISMATCH;
            case ADDRESS_LIST_MISMATCH -> Event.AnomalyKind.ADDRESS_LIST_MISMATCH;
            case VERSION_MISMATCH -> Event.AnomalyKind.VERSION;
            case TRUNCATED, LENGTH_MISMATCH -> Event.AnomalyKind.LENGTH;
            default -> Event.AnomalyKind.OTHER;
        };
    }

    /** The latest journaled transition of a member: what moved the group. */
    private long lastGroupCause(VrrpSyncGroup g) {
        long seq = -1;
        for (VrrpInstance m : g.members()) seq = Math.max(seq, lastTransitionSeq.getOrDefault(m.name(), -1L));
        return seq;
    }

    /** keepalived writes GROUP lines to the notify FIFO (and mails, with smtp_alert) when a sync group's overall state changes. */
    private void groupFifo() {
        for (VrrpSyncGroup g : groups.values()) {
            VrrpState now = g.state();
            if (now != groupStates.put(g.name(), now) && now != VrrpState.INIT) {
                notifier.fifo("GROUP", g.name(), now.name(), 0);
                mailer.group(setup.mail(), setup.routerId(), g.name(), now, lastGroupCause(g));
            }
        }
    }

    /**
     * A datagram from a receive thread: hand it to every instance with that VRID on that interface. Every datagram
     * is counted: a malformed one against the instances its VRID names (when it can be read), else per interface.
     */
    private void deliver(String ifname, ReceivedAdvert.Decoded d, int malformedVrid, long now) {
        boolean claimed = false;
        switch (d) {
            case ReceivedAdvert.Decoded.Ok(ReceivedAdvert a) -> {
                for (Slot s : List.copyOf(slots.values())) {
                    if (s.spec().vrid() != a.vrid() || !s.spec().interfaceName().equals(ifname)) continue;
                    claimed = true;
                    long accepted = s.engine.advertsAccepted();
                    step(s, new VrrpInput.AdvertReceived(now, a));
                    if (s.engine.advertsAccepted() == accepted) continue; // dropped (counted and journaled as an anomaly)
                    if (s.engine.state() == VrrpState.BACKUP) masterSeen(s, a, now);
                    else if (s.engine.state() == VrrpState.MASTER && a.priority() > 0) otherMaster(s, a, now);
                }
                // another VRRP router's VRID on a shared segment: normal, so counted but not logged
                if (!claimed) interfaceDrops.computeIfAbsent(ifname, k -> new EnumMap<>(DropReason.class))
                        .merge(DropReason.VRID_MISMATCH, 1L, Long::sum);
            }
            case ReceivedAdvert.Decoded.Malformed(DropReason reason, Ipv4Address source) -> {
                for (Slot s : List.copyOf(slots.values())) {
                    if (s.spec().vrid() != malformedVrid || !s.spec().interfaceName().equals(ifname)) continue;
                    claimed = true;
                    s.malformed.merge(reason, 1L, Long::sum);
                    dropped(new VrrpEffect.AdvertDropped(s.name(), reason, source), now);
                }
                if (!claimed) interfaceDropped(ifname, reason, source, now);
            }
        }
    }

    /** Logs the first drop of each kind on an interface, then at most one summary line every 10 s. */
    private void interfaceDropped(String ifname, DropReason reason, Ipv4Address source, long now) {
        EnumMap<DropReason, Long> m = interfaceDrops.computeIfAbsent(ifname, k -> new EnumMap<>(DropReason.class));
        boolean first = !m.containsKey(reason);
        m.merge(reason, 1L, Long::sum);
        Long last = interfaceDropLog.get(ifname);
        if (!first && last != null && now - last < DROP_LOG_EVERY) return;
        interfaceDropLog.put(ifname, now);
        NodeLog.warn(ifname + ": datagrams dropped before any instance: " + m + " (last: " + reason + " from "
                + (source == null ? "unknown source" : source) + ")");
    }

    /**
     * A BACKUP heard a valid advert: journal the master when it differs from the last one journaled (address or
     * priority), else at most one sample a minute. The entry is dated at the receive time: "B heard A's advert
     * at t" is the clock-skew evidence. Compares plain fields, so an unchanged master costs no allocation.
     */
    private void masterSeen(Slot s, ReceivedAdvert a, long now) {
        boolean changed = s.seenFrom == null || !s.seenFrom.equals(a.source()) || s.seenPriority != a.priority();
        if (!changed && now - s.seenAt < MASTER_SAMPLE_EVERY) return;
        s.seenFrom = a.source();
        s.seenPriority = a.priority();
        s.seenAt = now;
        io.vigil.vrrp.Cause.Relation rel = io.vigil.vrrp.Cause.Relation.of(a.priority(), a.source(),
                s.engine.effectivePriority(), s.spec().sourceAddress());
        long wall = wallOf(now);
        String from = a.source().toString();
        journal.append(new Cause.Vrrp(Cause.Vrrp.ADVERT, from, s.spec().interfaceName(), a.priority(), wall, rel.words()),
                new Event.MasterSeen(s.name(), from, a.priority(), !changed), now, wall);
    }

    /** A MASTER heard a valid advert it does not yield to: another router claims MASTER too (rate limited). */
    private void otherMaster(Slot s, ReceivedAdvert a, long now) {
        OtherMaster o = s.otherMasters.get(a.source());
        boolean first = o == null;
        if (first) { o = new OtherMaster(); s.otherMasters.put(a.source(), o); }
        o.since++;
        o.heardAt = now;
        o.priority = a.priority();
        o.relation = io.vigil.vrrp.Cause.Relation.of(a.priority(), a.source(), s.engine.effectivePriority(), s.spec().sourceAddress());
        if (first || now - o.journaledAt >= OTHER_MASTER_EVERY) journalOtherMaster(s, a.source(), o, now);
    }

    private void flushOtherMasters(Slot s, long now) { flushOtherMasters(s, now, false); }

    /** Journals the counts not yet reported (every 10 s, or all of them when we stop being MASTER). */
    private void flushOtherMasters(Slot s, long now, boolean all) {
        if (s.otherMasters.isEmpty()) return;
        for (var e : s.otherMasters.entrySet()) {
            OtherMaster o = e.getValue();
            if (o.since > 0 && (all || now - o.journaledAt >= OTHER_MASTER_EVERY)) journalOtherMaster(s, e.getKey(), o, now);
        }
        if (all) s.otherMasters.clear();
    }

    private void journalOtherMaster(Slot s, Ipv4Address source, OtherMaster o, long now) {
        String from = source.toString();
        long wall = wallOf(o.heardAt);
        String detail = "advert priority " + o.priority + " while MASTER (own " + s.engine.effectivePriority() + "): "
                + o.since + (o.since == 1 ? " advert" : " adverts") + " since the last entry";
        journal.append(new Cause.Vrrp(Cause.Vrrp.ADVERT, from, s.spec().interfaceName(), o.priority, wall, o.relation.words()),
                new Event.AdvertAnomaly(s.name(), Event.AnomalyKind.OTHER_MASTER, from, detail), now);
        NodeLog.warn("(" + s.name() + ") other MASTER " + from + " priority " + o.priority + " (" + o.since + " adverts)");
        o.journaledAt = now;
        o.since = 0;
    }

    // ------------------------------------------------------------------ other threads

    private void receiveLoop(VrrpSocket sock) {
        String ifname = sock.interfaceName();
        // the arrival time starts the master-down timer: a late wake-up here is a late takeover
        RealtimeScheduling.tryRaise(RealtimeScheduling.PRIORITY);
        while (!closing) {
            try {
                Optional<VrrpSocket.Received> r = sock.receive(RECEIVE_POLL);
                if (r.isEmpty()) continue;
                long now = System.nanoTime();
                byte[] p = r.get().packet();
                MemorySegment seg = MemorySegment.ofArray(p);
                ReceivedAdvert.Decoded d = ReceivedAdvert.decodeDatagram(seg, 0, p.length);
                int vrid = d instanceof ReceivedAdvert.Decoded.Malformed ? ReceivedAdvert.peekVrid(seg, 0, p.length) : -1;
                vrrp.submit(() -> deliver(ifname, d, vrid, now));
            } catch (ClosedChannelException e) {
                return;
            } catch (Exception e) {
                if (!closing) NodeLog.error("receive on " + ifname + ": " + e.getMessage());
            }
        }
    }

    private void monitorLoop() {
        while (!closing) {
            try {
                for (RtnetlinkEvent ev : monitor.poll(Duration.ofSeconds(1))) {
                    switch (ev) {
                        case RtnetlinkEvent.LinkChanged(LinkInfo l) -> link(l.index(), l.name(), l.isUp());
                        case RtnetlinkEvent.LinkRemoved(LinkInfo l) -> link(l.index(), l.name(), false);
                        case RtnetlinkEvent.AddressRemoved(Ipv4InterfaceAddress a) ->
                                keeper.addressRemoved(a, ifnames.getOrDefault(a.ifindex(), "if" + a.ifindex()));
                        case RtnetlinkEvent.AddressAdded a -> { }
                        case RtnetlinkEvent.Overrun o -> { for (LinkInfo l : control.links()) link(l.index(), l.name(), l.isUp()); }
                    }
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (Exception e) {
                if (!closing) NodeLog.error("netlink monitor: " + e.getMessage());
            }
        }
    }

    private void link(int index, String name, boolean up) {
        ifnames.put(index, name);
        Boolean was = linkUp.put(name, up);
        if (was != null && was == up) return;
        NodeLog.info("Netlink reports " + name + (up ? " up" : " down"));
        vrrp.submit(() -> {
            long now = System.nanoTime();
            for (Slot s : List.copyOf(slots.values()))
                if (interfacesOf(s.spec()).contains(name)) step(s, new VrrpInput.InterfaceChanged(now, name, up));
        });
    }

    // ------------------------------------------------------------------ reload and stop (control thread)

    /**
     * Applies a new configuration, changing only what changed: unchanged instances keep their state, timers and
     * VIPs; a change of priority, trackers, notify scripts, garp or preempt settings is taken in place (a MASTER
     * stays MASTER unless its new priority loses to a peer's adverts); other changes restart that instance
     * (priority 0 and VIPs released first); removed ones stop, new ones start. One ConfigApplied entry records
     * the diff before it is applied, so what the reload causes cites it. Throws (and changes nothing) when the
     * new setup cannot be used. Returns the diff, e.g. "~VI_1 track +script:chk(-60) ~VI_2 restart(virtualRouterId) +VI_3".
     */
    public String reload(NodeSetup next, Cause why) throws Exception {
        List<VrrpInstanceSpec> specs = resolveSources(next.instances());
        openSockets(specs);
        Notifier oldNotifier = notifier;
        Notifier newNotifier = newNotifier(next);
        VrrpScripts oldScripts = scripts;
        if (oldScripts != null) oldScripts.close(); // no old result may land after the new runner took its states
        VrrpScripts newScripts = newScripts(next, oldScripts);
        closeWatchers();
        newWatchers(next);
        String summary;
        try {
            summary = vrrp.call(() -> {
                notifier = newNotifier;
                reloading = true; // removed/restarted instances stop and start because of this reload, not a signal
                try {
                    return reconcile(specs, next.syncGroups(), next, why);
                } finally {
                    reloading = false;
                }
            }).get(10, TimeUnit.SECONDS);
        } finally { // trackers keep running whatever happened on the vrrp thread
            scripts = newScripts;
            if (newScripts != null) newScripts.start();
            startWatchers();
        }
        setup = next;
        Thread.ofVirtual().start(oldNotifier::close);
        NodeLog.info("configuration reloaded from " + next.configPath() + (summary.isEmpty() ? " (no instance changed)" : ": " + summary));
        return summary;
    }

    private record Change(Slot slot, VrrpInstanceSpec next, List<String> changed) {}

    /** On the vrrp thread: journals the diff (ConfigApplied), then applies it. */
    private String reconcile(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groupSpecs, NodeSetup next, Cause why) {
        Map<String, VrrpInstanceSpec> wanted = new LinkedHashMap<>();
        for (VrrpInstanceSpec s : specs) wanted.put(s.name(), s);
        Set<String> grouped = new HashSet<>();
        for (SyncGroupSpec g : groupSpecs) grouped.addAll(g.members());
        Set<String> oldGroupMembers = new HashSet<>();
        for (VrrpSyncGroup g : groups.values()) for (VrrpInstance m : g.members()) oldGroupMembers.add(m.name());
        List<String> summary = new ArrayList<>();
        List<Slot> removed = new ArrayList<>();
        List<Change> inPlace = new ArrayList<>(), restart = new ArrayList<>();
        for (Slot s : List.copyOf(slots.values())) {
            VrrpInstanceSpec n = wanted.get(s.name());
            if (n == null) { removed.add(s); summary.add("-" + s.name()); continue; }
            List<String> changed = new ArrayList<>(SpecDiff.changed(s.spec(), n));
            if (grouped.contains(s.name()) != oldGroupMembers.contains(s.name())) changed.add("sync group");
            if (changed.isEmpty()) continue; // unchanged: keeps state, timers and VIPs
            if (SpecDiff.inPlace(changed)) {
                inPlace.add(new Change(s, n, changed));
                summary.add("~" + s.name() + " " + SpecDiff.describe(s.spec(), n, changed));
            } else {
                restart.add(new Change(s, n, changed));
                summary.add("~" + s.name() + " restart(" + String.join(", ", changed) + ")");
            }
        }
        List<VrrpInstanceSpec> fresh = new ArrayList<>();
        for (Change c : restart) fresh.add(c.next());
        for (VrrpInstanceSpec n : specs) if (!slots.containsKey(n.name())) { fresh.add(n); summary.add("+" + n.name()); }
        String diff = String.join(" ", summary);
        long seq = journal.append(why, new Event.ConfigApplied(String.valueOf(next.configPath()), next.contentHash(), diff));
        configCause = seq >= 0 ? Cause.event(seq) : why;
        long now = System.nanoTime();
        for (Slot s : removed) stopSlot(s, now);
        for (Change c : restart) stopSlot(c.slot(), now);
        for (Change c : inPlace) {
            List<TrackerSpec> oldTrackers = c.slot().spec().trackers();
            Set<String> oldInterfaces = interfacesOf(c.slot().spec());
            reconfiguring = true;
            try {
                step(c.slot(), new VrrpInput.Reconfigure(now, c.next(), "config reload: " + SpecDiff.describe(c.slot().spec(), c.next(), c.changed())));
            } finally {
                reconfiguring = false;
            }
            seed(c.slot(), oldTrackers, oldInterfaces, now);
        }
        install(fresh, groupSpecs);
        // files and processes were read afresh: an instance that kept running gets any change since its last report
        for (Slot s : List.copyOf(slots.values()))
            for (TrackerSpec t : s.spec().trackers()) {
                if (t.kind() != TrackerSpec.Kind.FILE && t.kind() != TrackerSpec.Kind.PROCESS) continue;
                Long v = trackerValue.get(JournalCauses.trackerKey(t.kind(), t.name()));
                if (v != null) step(s, new VrrpInput.TrackerChanged(now, t.kind(), t.name(), t.kind() == TrackerSpec.Kind.FILE ? v == 0 : v != 0, v));
            }
        return diff;
    }

    private void stopSlot(Slot s, long now) {
        step(s, new VrrpInput.Shutdown(now));
        slots.remove(s.name());
        if (s.group != null) groups.values().remove(s.group);
    }

    /**
     * Graceful stop (SIGTERM): every MASTER sends priority 0 and releases its VIPs, notify_stop runs, then
     * threads and sockets close. Idempotent.
     */
    public void stop(Cause why) {
        if (closing) return;
        try {
            vrrp.call(() -> {
                stopCause = why;
                long now = System.nanoTime();
                for (Slot s : List.copyOf(slots.values())) {
                    if (s.group != null) apply(s.group.step(s.name(), new VrrpInput.Shutdown(now)), now);
                    else step(s, new VrrpInput.Shutdown(now));
                }
                for (Slot s : slots.values()) if (!drops(s).isEmpty()) NodeLog.info("(" + s.name() + ") " + dropSummary(s));
                interfaceDrops.forEach((i, m) -> NodeLog.info(i + ": datagrams dropped before any instance: " + m));
                NodeLog.info("adverts sent " + advertsSent + ", send errors " + sendErrors);
                return null;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            NodeLog.error("stopping VRRP: " + e.getMessage());
        }
        routes.statics(RouteSetup.NONE, false, why);
        keeper.drain(Duration.ofSeconds(5));
        if (scripts != null) scripts.close();
        closeWatchers();
        Notifier n = notifier;
        if (n != null) n.awaitIdle(setup == null ? Duration.ofSeconds(5) : setup.notifyTimeout().plusSeconds(1));
        close();
    }

    // ------------------------------------------------------------------ management API hooks (io.vigil.api)

    /** Per-instance counters (keepalived's SIGSTATS names) and priorities, as the vrrp thread sees them. */
    public record Counters(String name, VrrpState state, int basePriority, int effectivePriority,
                           long advertsReceived, long advertsSent, long priorityZeroReceived, long priorityZeroSent,
                           long becameMaster, long releasedMaster, Map<DropReason, Long> drops) {}

    /** A consistent copy taken on the vrrp thread (a few microseconds; called per scrape, not per packet). */
    public Map<String, Counters> counters() throws Exception {
        return vrrp.call(() -> {
            Map<String, Counters> m = new LinkedHashMap<>();
            for (Slot s : slots.values()) {
                VrrpInstance e = s.engine;
                m.put(s.name(), new Counters(s.name(), e.state(), e.basePriority(), e.effectivePriority(),
                        e.advertsAccepted(), s.sent, e.priorityZeroReceived(), s.priZeroSent, s.becameMaster, s.releasedMaster, drops(s)));
            }
            return m;
        }).get(5, TimeUnit.SECONDS);
    }

    /** Datagrams dropped before any instance could be charged with them, per interface (a copy, vrrp thread). */
    public Map<String, Map<DropReason, Long>> interfaceDrops() throws Exception {
        return vrrp.call(() -> {
            Map<String, Map<DropReason, Long>> m = new LinkedHashMap<>();
            interfaceDrops.forEach((i, d) -> m.put(i, Map.copyOf(d)));
            return m;
        }).get(5, TimeUnit.SECONDS);
    }

    /**
     * Operator priority change (maintenance: priority 1 hands MASTER to a peer; back to the configured value to
     * end it). The PriorityChanged / VrrpTransition events it causes cite {@code why} (the operator's entry).
     */
    public void setPriority(String instance, int priority, Cause why) throws Exception {
        vrrp.call(() -> {
            Slot s = slots.get(instance);
            if (s == null) throw new IllegalArgumentException("no vrrp_instance " + instance);
            Cause saved = configCause;
            configCause = why; // JournalCauses.journal maps an engine Operator cause to configCause
            try {
                step(s, new VrrpInput.SetPriority(System.nanoTime(), priority, "operator"));
            } finally {
                configCause = saved;
            }
            return null;
        }).get(5, TimeUnit.SECONDS);
    }

    /** Called on the vrrp thread after each advert a MASTER sends, with the time since its previous one. */
    public interface AdvertListener { void sent(String instance, long intervalNanos); }

    /** Must be cheap and never block (it runs on the vrrp thread), e.g. a Prometheus histogram observe. */
    public void advertListener(AdvertListener l) { advertListener = l; }

    /** Instance states as seen on the vrrp thread (for status output and tests). */
    public Map<String, VrrpState> states() throws Exception {
        return vrrp.call(() -> {
            Map<String, VrrpState> m = new LinkedHashMap<>();
            for (Slot s : slots.values()) m.put(s.name(), s.engine.state());
            return m;
        }).get(5, TimeUnit.SECONDS);
    }

    @Override public void close() {
        closing = true;
        vrrp.stop();
        try { vrrp.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        for (VrrpSocket s : sockets.values()) s.close();
        monitor.close();
        for (Thread t : threads) { try { t.join(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); } }
        keeper.close();
        routes.close();
        control.close();
        if (scripts != null) scripts.close();
        closeWatchers();
        if (notifier != null) notifier.close();
        mailer.close();
    }
}
