package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import io.vigil.journal.Cause;
import io.vigil.vrrp.JournalCauses;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.linux.GarpSender;
import io.vigil.linux.Ipv4InterfaceAddress;
import io.vigil.linux.LinkInfo;
import io.vigil.linux.Rtnetlink;
import io.vigil.linux.RtnetlinkEvent;
import io.vigil.linux.RtnetlinkMonitor;
import io.vigil.linux.VrrpSocket;
import io.vigil.config.Scheduling;
import io.vigil.vrrp.DropReason;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.SyncGroupSpec;
import io.vigil.vrrp.TrackerSpec;
import io.vigil.vrrp.VmacSpec;
import io.vigil.vrrp.VrrpEffect;
import io.vigil.vrrp.VrrpInstanceSpec;
import io.vigil.vrrp.VrrpRehearsal;
import io.vigil.vrrp.VrrpRouter;
import io.vigil.vrrp.VrrpRouter.Origin;
import io.vigil.vrrp.VrrpState;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final long RECEIVE_POLL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Per interface: 64 datagrams queued for the vrrp thread (a second of adverts from 64 peers); beyond, dropped and counted. */
    private static final int RING_SLOTS = 64;
    /** NodeAlive period: bounds how precisely a crash is dated (see docs/journal.md for its cost). */
    static final long ALIVE_PERIOD_MS = 1000;
    private static final long ALIVE_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(ALIVE_PERIOD_MS);
    private final Journal journal;
    private final Rtnetlink control;
    private final RtnetlinkMonitor monitor;
    private final AddressKeeper keeper;
    private final VrrpThread vrrp;
    private final Map<String, VrrpSocket> sockets = new ConcurrentHashMap<>();
    /** One ring per receive thread, copy-on-write (an interface is added by start or reload, never per packet). */
    private volatile ReceiveRing[] rings = new ReceiveRing[0];
    private final Map<String, Thread> receiveThreads = new ConcurrentHashMap<>();
    private final RingDrain drain = new RingDrain();
    private final Set<String> joinedGroups = ConcurrentHashMap.newKeySet(); // "eth0 239.1.1.1": extra multicast groups
    private final Map<String, String> lowerPrioFrom = new HashMap<>(); // instance -> last lower-priority advert's source (VRRP thread)
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Long> trackerSeq = new ConcurrentHashMap<>();
    private final Map<Integer, String> ifnames = new ConcurrentHashMap<>();
    private final Map<String, Boolean> linkUp = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private volatile NodeSetup setup;
    private volatile Notifier notifier;
    private volatile VrrpScripts scripts;
    private volatile TrackFiles trackFiles;
    private volatile ProcessTracker processes;
    private volatile NftFirewall firewall;
    private final Mailer mailer;
    private final RouteKeeper routes;
    private final ThreadTuning tuning;
    private final VmacKeeper vmacs;

    // ---- touched on the vrrp thread only
    /** Every instance, sync group, tracker fan-out, reload diff and drop counter: the pure part. */
    private final VrrpRouter router = new VrrpRouter();
    /** The router's sink on the vrrp thread: one object (a bound reference per tick would allocate), no Batch per step. */
    private final VrrpRouter.Sink sink = new VrrpRouter.Sink() {
        @Override public void apply(VrrpRouter.Batch b) { VrrpNode.this.apply(b.now(), b.origin(), b.effects()); }
        @Override public void apply(long now, Origin origin, List<VrrpEffect> effects) { VrrpNode.this.apply(now, origin, effects); }
    };
    private final Map<String, Long> lastTransitionSeq = new HashMap<>();
    /** Sync groups' last state, and what moved during the reload being applied (fifo_write_vrrp_states_on_reload). */
    private final Map<String, VrrpState> groupStates = new HashMap<>();
    private final java.util.Set<String> movedInReload = new java.util.HashSet<>();
    private final Map<String, SendStats> sendStats = new HashMap<>();
    private long nextDeadline = Long.MAX_VALUE;
    private Cause configCause;
    private boolean delayedOnce;      // vrrp_startup_delay applied
    private long aliveAt;             // next NodeAlive mark (System.nanoTime scale)
    private long advertsSent, sendErrors;
    private volatile AdvertListener advertListener;

    /** What only the socket knows: adverts actually sent, per instance (generation: the router's, reset on re-creation). */
    private static final class SendStats {
        final long generation;
        long sent, priZeroSent, lastSentNs;
        /** Of the advert just sent, for the listener after the batch (Long.MIN_VALUE: nothing to report). */
        long intervalNs = Long.MIN_VALUE, lateNs = Long.MIN_VALUE, wokeNs = Long.MIN_VALUE;
        SendStats(long generation) { this.generation = generation; }
    }

    /** A tracker's first reading, handed to the router on the vrrp thread before the instances use it. */
    private record Reading(TrackerSpec.Kind kind, String name, boolean up, long value) {}

    /** Told of every VRRP transition, on the vrrp thread, with the journal entry as cause: must hand work off, never block. */
    public interface TransitionListener {
        void changed(String instance, VrrpState to, Cause cause);

        TransitionListener NONE = (i, s, c) -> { };
    }

    private final TransitionListener transitions;

    private VrrpNode(Journal journal, NodeSetup s, TransitionListener transitions) throws Exception {
        this.journal = journal;
        this.transitions = transitions;
        this.mailer = new Mailer(journal);
        this.control = Rtnetlink.open();
        this.vmacs = new VmacKeeper(journal);
        // before the link monitor opens, which would replay a new link's states (down, then up) as changes
        vmacs.apply(VmacSpec.of(s.instances()), vmacOwners(s.instances()), Cause.configReload(s.contentHash()));
        try {
            this.monitor = RtnetlinkMonitor.open();
        } catch (Exception | Error e) {
            vmacs.removeAll(Cause.NONE);
            vmacs.close();
            throw e;
        }
        this.keeper = new AddressKeeper(journal, Rtnetlink.open(), GarpSender.open(), Duration.ZERO);
        StartupTrace.mark("netlink, GARP open");
        this.routes = new RouteKeeper(journal, keeper);
        this.tuning = new ThreadTuning(journal);
        this.vrrp = new VrrpThread(new VrrpThread.Host() {
            @Override public void tick(long now) { tickNow = now; standBy(now); router.tick(now, sink); alive(now); recomputeDeadline(); }
            @Override public long nextDeadline() { return nextDeadline; }
            @Override public void drainReceived() { for (ReceiveRing r : rings) drain.from(r); }
            @Override public boolean receivedPending() {
                for (ReceiveRing r : rings) if (!r.isEmpty()) return true;
                return false;
            }
        });
    }

    /** Opens sockets in the calling thread's namespace, starts every thread and the instances. */
    public static VrrpNode start(NodeSetup setup, Journal journal) throws Exception {
        return start(setup, journal, TransitionListener.NONE);
    }

    /** As {@link #start(NodeSetup, Journal)}, with a listener that sees the transitions from the first one on. */
    public static VrrpNode start(NodeSetup setup, Journal journal, TransitionListener transitions) throws Exception {
        VrrpNode n = new VrrpNode(journal, setup, transitions);
        try {
            n.boot(setup);
            return n;
        } catch (Exception | Error e) {
            n.close();
            throw e;
        }
    }

    private void boot(NodeSetup s) throws Exception {
        tune(s.scheduling());
        for (LinkInfo l : control.links()) { ifnames.put(l.index(), l.name()); linkUp.put(l.name(), l.isUp()); }
        List<VrrpInstanceSpec> specs = resolveSources(s.instances());
        openSockets(specs);
        StartupTrace.mark("VRRP sockets open");
        this.setup = s;
        this.firewall = new NftFirewall(journal, keeper, s.firewall());
        if (!s.firewall().noAccept().isEmpty() && !NftFirewall.available())
            NodeLog.warn("no_accept/strict instances " + new java.util.TreeSet<>(s.firewall().noAccept()) + " need the nft"
                    + " command (package nftables), which is not installed: traffic to their VIPs will not be dropped");
        this.notifier = newNotifier(s);
        vrrp.start();
        Thread mon = Thread.ofPlatform().name("vrrp-netlink").daemon().start(this::monitorLoop);
        threads.add(mon);
        long seq = journal.append(Cause.configReload(s.contentHash()),
                new Event.ConfigApplied(String.valueOf(s.configPath()), s.contentHash(), "+" + String.join(" +", names(specs))));
        List<Reading> readings = new ArrayList<>();
        VrrpScripts vs = newScripts(s, null, readings);
        newWatchers(s, readings);
        routes.statics(s.routes(), true, seq >= 0 ? Cause.event(seq) : Cause.configReload(s.contentHash()));
        StartupTrace.mark("scripts, routes");
        vrrp.call(() -> {
            configCause = seq >= 0 ? Cause.event(seq) : Cause.configReload(s.contentHash());
            linkUp.forEach(router::knowLink);
            know(readings);
            long now = System.nanoTime();
            router.apply(router.plan(specs, s.syncGroups()), now, Origin.RUN, startDelay(s), sink);
            aliveAt = now + ALIVE_PERIOD_NS;
            recomputeDeadline();
            return null;
        }).get(10, TimeUnit.SECONDS);
        this.scripts = vs;
        if (vs != null) vs.start();
        startWatchers();
        Thread.ofPlatform().name("vrrp-warmup").daemon().start(() -> warmUp(specs, s.syncGroups()));
    }

    /**
     * Runs the takeover path once on a rehearsal ({@link VrrpRehearsal}) with nothing journaled, logged or put on
     * the wire: the router's MASTER path, the journal entry and log line of a transition, and the advert send up to
     * the kernel ({@link VrrpSocket#warmSend}). Off the vrrp thread; classes and call sites are shared, so the
     * first real takeover runs linked code. Without it a backup's first advert left 5–11 ms after master_down expiry.
     */
    private void warmUp(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groups) {
        // just below the vrrp thread: it may wait for a class this thread is initializing, so this one must get the CPU
        Scheduling tuned = scheduling;
        int rt = tuned == null || !configured(tuned) ? RealtimeScheduling.PRIORITY : vrrpRt(tuned);
        if (rt > 1) RealtimeScheduling.tryRaise(rt - 1);
        Map<String, String> ifOf = new HashMap<>();
        for (VrrpInstanceSpec sp : specs) ifOf.put(sp.name(), sp.interfaceName());
        try {
            rehearse(specs, groups, ifOf);
            for (VrrpInstanceSpec sp : specs) {
                keeper.rehearseAdd(sp.virtualAddresses(), sp.interfaceName(), VIP_REHEARSALS);
                keeper.rehearseGarp(sp.virtualAddresses(), sp.interfaceName(), GARP_REHEARSALS);
                // the hand-offs themselves with nothing to do: their lambdas' call sites are linked here, not on the
                // vrrp thread between the takeover's advert and the VIP (0.7-1.2 ms measured on the first takeover)
                keeper.add(sp.name(), sp.interfaceName(), List.of(), Cause.NONE);
                keeper.garp(sp.name(), sp.interfaceName(), List.of(), 1, Cause.NONE);
            }
            // then, at normal priority, until the JIT has compiled the path: run once it was interpreted, and the
            // router's step, the journal entry and the send still cost ~1 ms between master_down expiry and the advert
            // (warmSend takes no lock the vrrp thread's sends take: a preempted rehearsal never holds up an advert)
            if (rt > 1) RealtimeScheduling.lower();
            for (int i = 0; i < REHEARSALS && !closing; i++) {
                rehearse(specs, groups, ifOf);
                Thread.sleep(REHEARSAL_PAUSE_MS); // the JIT's compilations spread out rather than one burst on a busy start-up
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) { // a missed warm-up costs milliseconds on the first takeover, nothing else
            if (!closing) NodeLog.warn("rehearsal of the MASTER path failed: " + e); // closed sockets while stopping: expected
        }
    }

    /** How many times {@link #warmUp} runs the rehearsal after the first (a few seconds of one core's spare time). */
    private static final int REHEARSALS = Integer.getInteger("vigil.vrrp.rehearsals", 150);
    private static final long REHEARSAL_PAUSE_MS = 2;
    /** The VIP add path's rehearsals (refused netlink requests on the vrrp-io thread, ~20 µs each). */
    private static final int VIP_REHEARSALS = 50;
    /**
     * The GARP path's: linking is the point (the frame and its send are a few calls), and each runs on the real-time
     * io thread. A longer one (1,200 more adds and GARPs through the JIT loop, which measured no gain) was in the
     * build whose appliance test under TCG saw a backup miss its peer's first advert; kept short since.
     */
    private static final int GARP_REHEARSALS = 10;

    private void rehearse(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groups, Map<String, String> ifOf) throws Exception {
        ByteBuffer warmOut = ByteBuffer.allocate(VrrpSocket.MAX_PACKET);
        for (VrrpRouter.Batch b : VrrpRehearsal.takeover(specs, groups, System.nanoTime())) {
            for (VrrpEffect e : b.effects()) {
                switch (e) {
                    case VrrpEffect.StateChanged sc -> {
                        TransitionEntry t = transitionEntry(sc, b.origin(), ifOf.getOrDefault(sc.instance(), ""), 100);
                        if (enteringLine(sc, t.words(), t.priority()).isEmpty()) throw new IllegalStateException();
                    }
                    case VrrpEffect.SendAdvert a -> {
                        VrrpSocket sock = sockets.get(ifOf.getOrDefault(a.instance(), ""));
                        if (sock != null) { // the vrrp thread's send path, with a buffer of this thread's
                            warmOut.clear();
                            a.putMessage(warmOut);
                            sock.warmSend(a.source().bits(), a.destination().bits(), a.ttl(), warmOut.flip());
                        }
                    }
                    default -> { }
                }
            }
        }
    }

    /**
     * track_file and vrrp_track_process watchers for {@code s}, not started; their first readings go to
     * {@code readings} (for the router, overwriting the old ones). Read afresh on reload: the file and /proc are the truth.
     */
    private void newWatchers(NodeSetup s, List<Reading> readings) {
        TrackFiles f = s.trackFiles().isEmpty() ? null : new TrackFiles(s.trackFiles(),
                (name, value) -> trackerReport(TrackerSpec.Kind.FILE, name, value == 0, value, "value " + value));
        ProcessTracker p = s.trackProcesses().isEmpty() ? null : new ProcessTracker(s.trackProcesses(),
                (name, up, n) -> trackerReport(TrackerSpec.Kind.PROCESS, name, up, up ? 1 : 0, n + " running"));
        if (f != null) f.values().forEach((n, v) -> initialReading(readings, TrackerSpec.Kind.FILE, n, v == 0, v, "value " + v));
        if (p != null) p.values().forEach((n, up) -> initialReading(readings, TrackerSpec.Kind.PROCESS, n, up, up ? 1 : 0, up ? "quorum" : "no quorum"));
        trackFiles = f;
        processes = p;
    }

    /** A first reading is known before the instances use it; one that is not OK is journaled so what it causes cites it. */
    private void initialReading(List<Reading> readings, TrackerSpec.Kind kind, String name, boolean ok, long value, String detail) {
        String key = JournalCauses.trackerKey(kind, name);
        readings.add(new Reading(kind, name, ok, value));
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
        vrrp.submit(() -> router.step(new VrrpRouter.Input.Tracker(System.nanoTime(), kind, name, up, value), sink));
    }

    // ------------------------------------------------------------------ setup helpers (control thread)

    /** unicast_src_ip or the interface's primary IPv4 address: it is on the wire and breaks priority ties. */
    private List<VrrpInstanceSpec> resolveSources(List<VrrpInstanceSpec> in) throws Exception {
        List<VrrpInstanceSpec> out = new ArrayList<>();
        List<Ipv4InterfaceAddress> all = control.addresses();
        for (VrrpInstanceSpec s : in) {
            if (s.sourceAddress() != null) { out.add(s); continue; }
            int idx = control.ifindex(s.baseInterface()); // a VMAC has no address of its own: keepalived uses its base's
            Optional<Ipv4InterfaceAddress> primary = all.stream()
                    .filter(a -> a.ifindex() == idx && (a.flags() & Ipv4InterfaceAddress.IFA_F_SECONDARY) == 0).findFirst();
            if (primary.isEmpty())
                throw new IllegalStateException("vrrp_instance " + s.name() + ": interface " + s.baseInterface() + " has no IPv4 address");
            out.add(s.withSourceAddress(Ipv4Address.fromBytes(primary.get().address().getAddress())));
        }
        return out;
    }

    private void openSockets(List<VrrpInstanceSpec> specs) throws Exception {
        for (VrrpInstanceSpec s : specs) {
            VrrpSocket sock = sockets.get(s.interfaceName());
            if (sock == null) {
                sock = VrrpSocket.open(s.interfaceName());
                sockets.put(s.interfaceName(), sock);
                VrrpSocket rx = sock;
                ReceiveRing ring = new ReceiveRing(s.interfaceName(), RING_SLOTS, VrrpSocket.MAX_PACKET);
                ReceiveRing[] more = Arrays.copyOf(rings, rings.length + 1);
                more[more.length - 1] = ring;
                rings = more;
                Thread t = Thread.ofPlatform().name("vrrp-rx-" + s.interfaceName()).daemon().start(() -> receiveLoop(rx, ring));
                threads.add(t);
                receiveThreads.put(s.interfaceName(), t);
            }
            // mcast_dst_ip / vrrp_mcast_group4: join that group too (224.0.0.18 is joined at open); kept until exit
            Ipv4Address group = s.advertOptions().multicastGroup();
            if (!s.unicast() && !group.equals(Ipv4Address.VRRP_GROUP) && joinedGroups.add(s.interfaceName() + " " + group))
                sock.joinGroup(AddressKeeper.inet(group), sock.ifindex());
        }
    }

    private Notifier newNotifier(NodeSetup s) throws Exception {
        List<NotifyFifo> fifos = new ArrayList<>();
        for (Path p : s.notifyFifos()) fifos.add(new NotifyFifo(p));
        Notifier n = new Notifier(new ScriptRunner(s.scriptUser(), s.enableScriptSecurity()), s.notifyTimeout(), fifos,
                new Notifier.Listener() {
                    @Override public void ran(String trigger, ScriptOutcome o, long causeSeq) {
                        ran(trigger, o, causeSeq >= 0 ? Cause.event(causeSeq) : Cause.NONE);
                    }
                    @Override public void ran(String trigger, ScriptOutcome o, Cause cause) { notifyRan(trigger, o, cause); }
                });
        // keepalived starts each reader once its FIFO exists, with the FIFO's name as last argument
        for (FifoReader.Spec r : s.fifoReaders())
            FifoReader.start(r, s.scriptUser(), null, s.enableScriptSecurity(), journal).ifPresent(n::reader);
        return n;
    }

    private void notifyRan(String trigger, ScriptOutcome o, Cause cause) {
        String out = String.join("\n", o.firstLines());
        if (o.error() != null) out = o.error() + (out.isEmpty() ? "" : "\n" + out);
        journal.append(cause, new Event.NotifyRun(o.command().toString(), trigger, o.exitCode(), o.duration().toNanos(), out));
        if (!o.ok()) NodeLog.warn("notify " + o.command() + " (" + trigger + "): "
                + (o.error() != null ? o.error() : "exit " + o.exitCode()));
    }

    /**
     * The vrrp_script runner for {@code s}, not started; unchanged scripts keep {@code previous}'s state. Their
     * states go to {@code readings} for the router (checker-block trackers reported by CheckerNode keep theirs), so an instance
     * starting (or, on reload, starting to track one) sees the script as it is, an init_fail script as down.
     */
    private VrrpScripts newScripts(NodeSetup s, VrrpScripts previous, List<Reading> readings) {
        if (s.scripts().isEmpty()) return null;
        VrrpScripts vs = new VrrpScripts(s.scripts(), new ScriptRunner(s.scriptUser(), s.enableScriptSecurity()),
                (name, up, o) -> {
                    long seq = journal.append(Cause.timer("vrrp_script " + name), new Event.CheckResult("track_script " + name, "",
                            up, o.duration().toNanos(), detail(o), 1));
                    trackerSeq.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, name), seq);
                    NodeLog.info("VRRP_Script(" + name + ") " + (up ? "succeeded" : "failed") + " (exit " + o.exitCode() + ")");
                    scriptChanged(name, up);
                }, previous);
        vs.states().forEach((spec, up) -> readings.add(new Reading(TrackerSpec.Kind.SCRIPT, spec.name(), up, up ? 1 : 0)));
        return vs;
    }

    /** "exit 2: line 3: syntax error ..." — the script's first output lines (stdout and stderr) are kept, as docs/plugins.md says. */
    static String detail(ScriptOutcome o) {
        String head = o.error() != null ? o.error() : "exit " + o.exitCode();
        return o.firstLines().isEmpty() ? head : head + ": " + String.join(" | ", o.firstLines());
    }

    /**
     * A line of the checker's (RS/VS) for the global notify_fifo at {@code fifo}: written by this side's one writer,
     * in order with the INSTANCE/GROUP lines; dropped if this side has no such FIFO open.
     */
    public void notifyFifoLine(Path fifo, String line) {
        Notifier n = notifier;
        if (n != null) n.fifoLine(fifo, line);
    }

    /**
     * A vrrp_script run elsewhere (a checker-block tracker, by {@link CheckerNode}) changed state; {@code cause} is
     * the journal entry that recorded it. Hands the change to the vrrp thread like a script's own result.
     */
    public void trackerChanged(String script, boolean up, Cause cause) {
        if (cause instanceof Cause.Event e) trackerSeq.put(JournalCauses.trackerKey(TrackerSpec.Kind.SCRIPT, script), e.seq());
        NodeLog.info("VRRP_Script(" + script + ") " + (up ? "succeeded" : "failed"));
        scriptChanged(script, up);
    }

    private void scriptChanged(String name, boolean up) {
        vrrp.submit(() -> router.step(new VrrpRouter.Input.Tracker(System.nanoTime(), TrackerSpec.Kind.SCRIPT, name, up, up ? 1 : 0), sink));
    }

    /** On the vrrp thread: first readings become the router's known tracker values. */
    private void know(List<Reading> readings) {
        for (Reading r : readings) router.know(r.kind(), r.name(), r.up(), r.value());
    }

    /** VMAC name → the instance it is for (journal owner). */
    private static Map<String, String> vmacOwners(List<VrrpInstanceSpec> specs) {
        Map<String, String> m = new HashMap<>();
        for (VrrpInstanceSpec s : specs) if (s.vmac() != null) m.putIfAbsent(s.vmac().name(), s.name());
        return m;
    }

    private static List<String> names(List<VrrpInstanceSpec> specs) { return specs.stream().map(VrrpInstanceSpec::name).toList(); }

    // ------------------------------------------------------------------ the vrrp thread

    /** vrrp_startup_delay: the first start only, as keepalived. */
    private long startDelay(NodeSetup s) {
        Duration delay = s.vrrpStartupDelay();
        if (!delay.isPositive() || delayedOnce) return 0;
        delayedOnce = true;
        NodeLog.info("Delaying startup for " + delay.toMillis() / 1000.0 + " seconds");
        return delay.toNanos();
    }

    /** The router's deadline, the next NodeAlive mark or the VIP thread's stand-by, whichever comes first. */
    private void recomputeDeadline() {
        long none = Long.MIN_VALUE; // System.nanoTime() deadlines never reach it
        long best = router.nextDeadlineOr(none);
        boolean any = best != none;
        if (!any) best = 0;
        if (aliveAt != 0 && (!any || aliveAt - best < 0)) { best = aliveAt; any = true; }
        long down = router.nextMasterDownOr(none);
        standByAt = down == none || down == stoodBy ? 0 : down - STAND_BY_LEAD_NS;
        if (standByAt != 0 && (!any || standByAt - best < 0)) { best = standByAt; any = true; }
        nextDeadline = any ? best : System.nanoTime() + TimeUnit.HOURS.toNanos(1);
    }

    /** How long before a master-down deadline the VIP thread is readied: more than its wake-up (1.2-1.5 ms measured). */
    private static final long STAND_BY_LEAD_NS = 3_000_000;
    /** How long past the deadline it stays ready: the takeover's adverts, announce pass and hand-off come first. */
    private static final long STAND_BY_TAIL_NS = 5_000_000;
    /** When to ready the VIP thread (0: not pending), and the master-down deadline it was last readied for. */
    private long standByAt, stoodBy = Long.MIN_VALUE;
    /** The time the vrrp thread's current tick began (its wake-up, after the inbox and receive rings). */
    private long tickNow;

    /**
     * A BACKUP's master-down deadline is near and no advert came: a takeover may follow, so the VIP thread is kept
     * running until just after it (AddressKeeper.standBy). In steady state adverts push the deadline back before this
     * time comes; at 10 ms adverts it comes 33 ms after the last one.
     */
    private void standBy(long now) {
        if (standByAt == 0 || now - standByAt < 0) return;
        standByAt = 0;
        // the router's deadline now: an advert received since this time was set pushed it back (a received advert
        // with no effects does not recompute the node's deadline), and then recomputeDeadline sets the next one
        long down = router.nextMasterDownOr(Long.MIN_VALUE);
        if (down == Long.MIN_VALUE || down == stoodBy || down - now > STAND_BY_LEAD_NS) return;
        stoodBy = down;
        keeper.standBy(down + STAND_BY_TAIL_NS);
    }

    /** Package-private for tests: how many times the VIP thread was readied for a takeover. */
    long standBys() { return keeper.standBys(); }

    /**
     * The liveness mark, on the vrrp thread after the engines' sends of this wake-up: proves the VRRP loop ran.
     * The append is the journal's non-blocking ring; one small allocation per period.
     */
    private void alive(long now) {
        if (aliveAt == 0 || now - aliveAt < 0) return;
        aliveAt = now - aliveAt > ALIVE_PERIOD_NS ? now + ALIVE_PERIOD_NS : aliveAt + ALIVE_PERIOD_NS; // no catch-up burst
        List<VrrpRouter.InstanceView> all = router.instances();
        List<Event.NodeAlive.Beat> beats = new ArrayList<>(all.size());
        for (VrrpRouter.InstanceView v : all)
            beats.add(new Event.NodeAlive.Beat(v.name(), v.spec().vrid(), String.valueOf(v.spec().sourceAddress()),
                    Event.VrrpState.valueOf(v.state().name()), v.effectivePriority(), v.spec().advertIntervalCentis() * 10L));
        journal.append(Cause.NONE, Event.NodeAlive.of(ALIVE_PERIOD_MS, beats), now);
    }

    /** Wall-clock nanoseconds of the engine's monotonic {@code mono} (System.nanoTime scale). */
    private long wallOf(long mono) {
        var clock = journal.config().clock();
        return clock.wallNs() - (clock.monoNs() - mono);
    }

    private static final Cause DEFAULT_STOP = Cause.signal("SIGTERM");

    /** The journal's view of a batch: an operator's or a stop's cause comes with the batch, no field is swapped. */
    private JournalCauses.Context context(String device, Origin o) {
        Cause config = o instanceof Origin.Operator(Cause why) ? why : configCause;
        Cause stop = o instanceof Origin.Stop(Cause why) ? why : DEFAULT_STOP;
        return new JournalCauses.Context(device == null ? "" : device, trackerSeq, config, stop, o.reload(), this::wallOf);
    }

    /**
     * Applies one batch (one instance or sync-group step) in three passes. First the journal: each transition and
     * priority change is in the journal's in-memory ring (no I/O) before it takes effect, so everything after can cite
     * it. Then the adverts, at once: on a takeover the wire hears the new master before anything slower runs (as
     * keepalived sends its advert before it logs, adds the VIPs and sends GARPs). Last the rest, in the router's
     * order: log lines, FIFO lines, mail, the transition listener, then the address, GARP and notify work handed
     * to other threads.
     */
    private void apply(VrrpRouter.Batch b) { apply(b.now(), b.origin(), b.effects()); }

    /** {@link #apply(VrrpRouter.Batch)} as the router hands it: {@code effects} is valid during the call only. */
    private void apply(long now, Origin origin, List<VrrpEffect> effects) {
        int count = effects.size(); // indexed passes: no iterator per pass, whatever the JIT's escape analysis does
        int journaled = 0;
        for (int i = 0; i < count; i++) {
            switch (effects.get(i)) {
                case VrrpEffect.StateChanged sc -> {
                    if (journaled == journaledSeqs.length) journaledSeqs = Arrays.copyOf(journaledSeqs, 2 * journaled);
                    journaledSeqs[journaled++] = journalTransition(sc, origin, now);
                }
                case VrrpEffect.PriorityChanged pc -> journalPriority(pc, origin, now);
                case VrrpEffect.OtherMaster o -> otherMaster(o, now);
                default -> { }
            }
        }
        boolean sent = false;
        for (int i = 0; i < count; i++) if (effects.get(i) instanceof VrrpEffect.SendAdvert a) { send(a); sent = true; }
        int told = 0;
        for (int i = 0; i < count; i++) {
            switch (effects.get(i)) {
                case VrrpEffect.StateChanged sc -> announceTransition(sc, origin, journaledSeqs[told++]);
                case VrrpEffect.PriorityChanged pc -> announcePriority(pc, origin);
                default -> { }
            }
        }
        boolean reconfiguring = origin instanceof Origin.Reconfigure;
        for (int i = 0; i < count; i++) {
            switch (effects.get(i)) {
                case VrrpEffect.AddAddresses a -> {
                    Cause c = reconfiguring ? configCause : causeOf(a.instance());
                    firewall.add(a.instance(), a.addresses(), c); // the drop rule before the VIPs, as keepalived
                    keeper.add(a.instance(), a.interfaceName(), a.addresses(), c);
                }
                case VrrpEffect.RemoveAddresses r -> {
                    Cause c = reconfiguring ? configCause : causeOf(r.instance());
                    keeper.remove(r.instance(), r.interfaceName(), r.addresses(), c);
                    firewall.remove(r.instance(), r.addresses(), c);
                }
                case VrrpEffect.SendGarp g -> keeper.garp(g.instance(), g.interfaceName(), g.addresses(), g.repeat(),
                        switch (g.reason()) {
                            case BECAME_MASTER -> causeOf(g.instance());
                            case MASTER_DELAY -> Cause.timer("garp_master_delay");
                            case REFRESH -> Cause.timer("garp_master_refresh");
                            case ADDRESS_ADDED -> configCause;
                            case LOWER_PRIO -> lowerPrioCause(g.instance());
                            case LOWER_PRIO_DELAY -> Cause.timer("garp_lower_prio_delay");
                            case EXTRA_IF -> Cause.timer("garp_extra_if");
                        });
                case VrrpEffect.LowerPriorityHeard h -> lowerPriorityHeard(h);
                case VrrpEffect.RunNotify n -> {
                    ScriptCommand cmd = ScriptCommand.parse(n.command()).with(n.extraArgs().toArray(String[]::new));
                    Long seq = lastTransitionSeq.get(n.instance());
                    notifier.run(n.instance(), n.instance() + " " + n.state(), cmd, seq == null ? -1 : seq);
                }
                case VrrpEffect.DropReport d -> dropped(d, now);
                case VrrpEffect.InterfaceDropReport d -> NodeLog.warn(d.interfaceName() + ": datagrams dropped before any instance: "
                        + d.totals() + " (last: " + d.reason() + " from " + (d.source() == null ? "unknown source" : d.source()) + ")");
                default -> { }
            }
        }
        for (int i = 0; i < count; i++) {
            switch (effects.get(i)) {
                case VrrpEffect.StateChanged sc when sc.to() == VrrpState.MASTER -> // virtual_routes follow the VIPs in
                        routes.virtualAdd(sc.instance(), setup.routes().virtualRoutes(sc.instance()),
                                setup.routes().virtualRules(sc.instance()), causeOf(sc.instance()));
                case VrrpEffect.GroupChanged g -> { // keepalived writes GROUP lines to the notify FIFO (and mails, with smtp_alert)
                    notifier.fifo("GROUP", g.instance(), g.state().name(), 0);
                    groupStates.put(g.instance(), g.state());
                    movedInReload.add("GROUP " + g.instance());
                    mailer.group(setup.mail(), setup.routerId(), g.instance(), g.state(), lastGroupCause(g.members()));
                }
                case VrrpEffect.MasterSeen m -> masterSeen(m, now);
                default -> { }
            }
        }
        if (sent) reportSends(effects, count);
        recomputeDeadline();
    }

    /**
     * The advert listener (Prometheus histograms), after the batch's hand-offs: a label's first observation builds its
     * series (~2 ms, once per instance), which at a takeover came between the first advert and the VIP add.
     */
    private void reportSends(List<VrrpEffect> effects, int count) {
        AdvertListener l = advertListener;
        for (int i = 0; i < count; i++) {
            if (!(effects.get(i) instanceof VrrpEffect.SendAdvert a)) continue;
            SendStats s = sendStats.get(a.instance());
            if (s == null) continue;
            if (l != null && s.intervalNs != Long.MIN_VALUE) l.sent(a.instance(), s.intervalNs);
            if (l != null && s.lateNs != Long.MIN_VALUE) l.late(a.instance(), s.wokeNs, s.lateNs);
            s.intervalNs = s.lateNs = s.wokeNs = Long.MIN_VALUE;
        }
    }

    /** The message of the advert being sent (vrrp thread only): copied in, not wrapped, so a send allocates nothing. */
    private final ByteBuffer advertOut = ByteBuffer.allocate(VrrpSocket.MAX_PACKET);

    private void send(VrrpEffect.SendAdvert a) {
        String ifname = router.interfaceOf(a.instance());
        VrrpSocket sock = ifname == null ? null : sockets.get(ifname);
        if (sock == null) return;
        try {
            advertOut.clear();
            a.putMessage(advertOut);
            advertOut.flip();
            sock.send(a.source().bits(), a.destination().bits(), a.ttl(), advertOut);
            advertsSent++;
            SendStats s = stats(a.instance());
            s.sent++;
            if (a.priority() == 0) s.priZeroSent++;
            long now = System.nanoTime();
            long due = router.dueOr(Long.MIN_VALUE);
            s.intervalNs = s.lastSentNs != 0 ? now - s.lastSentNs : Long.MIN_VALUE;
            s.lateNs = due != Long.MIN_VALUE ? now - due : Long.MIN_VALUE;
            s.wokeNs = due != Long.MIN_VALUE ? tickNow - due : Long.MIN_VALUE;
            s.lastSentNs = now;
        } catch (Exception ex) {
            // e.g. ENETDOWN while the link is down; the link monitor moves the instance to FAULT
            if (sendErrors++ % 100 == 0) NodeLog.warn("(" + a.instance() + ") advert not sent: " + ex.getMessage());
        }
    }

    /** The send counters of the instance as the router has it now (fresh ones when it was re-created). */
    private SendStats stats(String instance) {
        long gen = router.generation(instance);
        SendStats s = sendStats.get(instance);
        if (s == null || s.generation != gen) sendStats.put(instance, s = new SendStats(gen));
        return s;
    }

    /** The batch's transition seqs, from the journal pass to the announce pass (reused: no allocation per batch). */
    private long[] journaledSeqs = new long[8];

    /** A transition as its journal entry says it: built the same way by {@link #warmUp} (no append there). */
    private record TransitionEntry(Cause cause, Event.VrrpTransition event, String words, int priority) {}

    private TransitionEntry transitionEntry(VrrpEffect.StateChanged sc, Origin origin, String device, int prio) {
        String words = JournalCauses.words(sc.cause(), origin.reload());
        return new TransitionEntry(JournalCauses.journal(sc.cause(), context(device, origin)),
                new Event.VrrpTransition(sc.instance(), Event.VrrpState.valueOf(sc.from().name()),
                        Event.VrrpState.valueOf(sc.to().name()), words, prio), words, prio);
    }

    /** The journal pass of a transition: its entry in the journal's ring (memory only); returns its seq. */
    private long journalTransition(VrrpEffect.StateChanged sc, Origin origin, long now) {
        if (sc.from() == VrrpState.MASTER && router.generation(sc.instance()) >= 0) stats(sc.instance()).lastSentNs = 0;
        TransitionEntry t = transitionEntry(sc, origin, router.interfaceOf(sc.instance()), router.effectivePriority(sc.instance()));
        long seq = journal.append(t.cause(), t.event(), now);
        lastTransitionSeq.put(sc.instance(), seq);
        return seq;
    }

    private static String enteringLine(VrrpEffect.StateChanged sc, String words, int prio) {
        return "(" + sc.instance() + ") Entering " + sc.to() + " STATE (" + words + ", priority " + prio + ")";
    }

    /** After the adverts: who else is told of a transition (listener, log, FIFO, mail), and virtual_routes leaving. */
    private void announceTransition(VrrpEffect.StateChanged sc, Origin origin, long seq) {
        int prio = router.effectivePriority(sc.instance());
        String words = JournalCauses.words(sc.cause(), origin.reload());
        transitions.changed(sc.instance(), sc.to(), seq >= 0 ? Cause.event(seq) : Cause.NONE);
        if (sc.from() == VrrpState.MASTER) // virtual_routes leave before the VIPs
            routes.virtualRemove(sc.instance(), causeOf(sc.instance()));
        NodeLog.info(enteringLine(sc, words, prio));
        StartupTrace.mark("(" + sc.instance() + ") " + sc.to());
        notifier.fifo("INSTANCE", sc.instance(), sc.to().name(), prio);
        movedInReload.add("INSTANCE " + sc.instance());
        mailer.instance(setup.mail(), setup.routerId(), sc.instance(), sc.to(), seq);
    }

    private void journalPriority(VrrpEffect.PriorityChanged pc, Origin origin, long now) {
        String words = JournalCauses.words(pc.cause(), origin.reload());
        journal.append(JournalCauses.journal(pc.cause(), context(router.interfaceOf(pc.instance()), origin)),
                new Event.PriorityChanged(pc.instance(), pc.from(), pc.to(), words), now);
    }

    private void announcePriority(VrrpEffect.PriorityChanged pc, Origin origin) {
        String words = JournalCauses.words(pc.cause(), origin.reload());
        NodeLog.info("(" + pc.instance() + ") priority " + pc.from() + " -> " + pc.to() + " (" + words + ")");
        VrrpState st = router.state(pc.instance());
        if (st != null && setup.notifyPriorityChanges().contains(pc.instance())) // keepalived: FIFO only, STATE_PRIORITY
            notifier.fifo("INSTANCE", pc.instance(), st.name() + "_PRIORITY", pc.to());
    }

    /**
     * keepalived's MASTER_RX_LOWER_PRI event: the notify FIFO line and notify_master_rx_lower_pri (as written),
     * journaled as caused by the advert; the GARPs that follow cite it too.
     */
    private void lowerPriorityHeard(VrrpEffect.LowerPriorityHeard h) {
        lowerPrioFrom.put(h.instance(), h.from().toString());
        notifier.fifo("INSTANCE", h.instance(), "MASTER_RX_LOWER_PRI", h.ownPriority());
        if (h.command() != null)
            notifier.run(h.instance(), h.instance() + " MASTER_RX_LOWER_PRI", ScriptCommand.parse(h.command()), lowerPrioCause(h.instance()));
    }

    private Cause lowerPrioCause(String instance) {
        String from = lowerPrioFrom.get(instance);
        String device = router.interfaceOf(instance);
        return from == null ? causeOf(instance) : Cause.packet(from, device == null ? "" : device);
    }

    private Cause causeOf(String instance) {
        Long seq = lastTransitionSeq.get(instance);
        return seq != null && seq >= 0 ? Cause.event(seq) : Cause.NONE;
    }

    /** A drop the router chose to report (first of its kind, then at most one per instance every 10 s). */
    private void dropped(VrrpEffect.DropReport d, long now) {
        String src = String.valueOf(d.source());
        journal.append(Cause.packet(src, d.interfaceName()),
                new Event.AdvertAnomaly(d.instance(), anomaly(d.reason()), src,
                        d.reason().name().toLowerCase() + " (" + d.count() + " so far)"), now);
        NodeLog.warn("(" + d.instance() + ") " + dropSummary(d.totals()) + " (last: " + d.reason() + " from " + d.source() + ")");
    }

    private static String dropSummary(Map<DropReason, Long> drops) {
        StringBuilder b = new StringBuilder("adverts dropped:");
        EnumMap<DropReason, Long> inOrder = new EnumMap<>(DropReason.class);
        inOrder.putAll(drops);
        inOrder.forEach((r, n) -> b.append(' ').append(r.name()).append('=').append(n));
        return b.toString();
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
    private long lastGroupCause(List<String> members) {
        long seq = -1;
        for (String m : members) seq = Math.max(seq, lastTransitionSeq.getOrDefault(m, -1L));
        return seq;
    }

    /**
     * A BACKUP heard a new master (or the minute's sample): dated at the receive time, "B heard A's advert at t" is
     * the clock-skew evidence.
     */
    private void masterSeen(VrrpEffect.MasterSeen m, long now) {
        long wall = wallOf(now);
        String from = m.from().toString();
        journal.append(new Cause.Vrrp(Cause.Vrrp.ADVERT, from, m.interfaceName(), m.priority(), wall, m.relation().words()),
                new Event.MasterSeen(m.instance(), from, m.priority(), m.sample()), now, wall);
    }

    /** Another router claims MASTER too (the router rate-limits these per source). */
    private void otherMaster(VrrpEffect.OtherMaster o, long now) {
        String from = o.from().toString();
        long wall = wallOf(o.heardAt());
        String detail = "advert priority " + o.priority() + " while MASTER (own " + o.ownPriority() + "): "
                + o.since() + (o.since() == 1 ? " advert" : " adverts") + " since the last entry";
        journal.append(new Cause.Vrrp(Cause.Vrrp.ADVERT, from, o.interfaceName(), o.priority(), wall, o.relation().words()),
                new Event.AdvertAnomaly(o.instance(), Event.AnomalyKind.OTHER_MASTER, from, detail), now);
        NodeLog.warn("(" + o.instance() + ") other MASTER " + from + " priority " + o.priority() + " (" + o.since() + " adverts)");
    }

    // ------------------------------------------------------------------ scheduling (global_defs vrrp_*/max_auto_priority)

    private volatile Scheduling scheduling;

    /** Any scheduling keyword written: only then is it journaled (and the default path stays as it was). */
    private static boolean configured(Scheduling s) {
        return !s.vrrp().isEmpty() || !s.checker().isEmpty() || s.maxAutoPriority() > 0;
    }

    /** vrrp_rt_priority, else Vigil's default SCHED_RR priority (0 = off). */
    private static int vrrpRt(Scheduling s) {
        return s.vrrp().rtPriority() > 0 ? s.vrrp().rtPriority() : RealtimeScheduling.PRIORITY;
    }

    /** Before the threads start: the vrrp thread, receive threads and vrrp-io take the vrrp_* settings on themselves. */
    private void tune(Scheduling s) {
        scheduling = s;
        if (!configured(s)) return;
        tuning.applyProcess(s);
        int rt = vrrpRt(s);
        vrrp.tuning(() -> tuning.applySelf("vrrp", s.vrrp(), rt, true), rt, s.maxAutoPriority(), s.minAutoPriorityDelayUs(),
                (next, lateUs) -> tuning.autoRaise("vrrp", next, lateUs));
        keeper.after(() -> tuning.applySelf("vrrp-io", s.vrrp(), rt > 0 ? Math.max(1, rt - 1) : 0, true));
    }

    // ------------------------------------------------------------------ other threads

    private void receiveLoop(VrrpSocket sock, ReceiveRing ring) {
        String ifname = sock.interfaceName();
        // the arrival time starts the master-down timer: the kernel's receive timestamp (SO_TIMESTAMPNS), not this
        // thread's wake-up, which is late by 0.1-0.5 ms (more on a busy box); see VrrpSocket.lastArrivedNanos
        Scheduling sc = scheduling;
        if (sc == null || !configured(sc)) RealtimeScheduling.tryRaise(RealtimeScheduling.PRIORITY);
        else tuning.applySelf("vrrp-rx-" + ifname, sc.vrrp(), vrrpRt(sc), true);
        // steady state allocates nothing: the datagram lands in a preallocated slot the vrrp thread reads in place
        while (!closing) {
            try {
                MemorySegment slot = ring.claim();
                int n = sock.receiveInto(slot, RECEIVE_POLL_NS);
                if (n < 0) continue;
                if (ring.publish(slot, n, sock.lastArrivedNanos())) vrrp.wake();
            } catch (ClosedChannelException e) {
                return;
            } catch (Exception e) {
                if (!closing) NodeLog.error("receive on " + ifname + ": " + e.getMessage());
            }
        }
    }

    /** The vrrp thread's side of the rings: one reusable handler, so draining allocates nothing either. */
    private final class RingDrain implements ReceiveRing.Handler {
        private String ifname;

        void from(ReceiveRing r) {
            ifname = r.interfaceName();
            r.drain(this);
        }

        @Override public void packet(MemorySegment packet, int length, long arrivedNanos) {
            router.receive(arrivedNanos, ifname, packet, 0, length, sink); // read in place (the router's flyweight)
        }
    }

    /** Package-private for the allocation test: the receive thread of {@code ifname}, the vrrp thread. */
    Thread receiveThread(String ifname) { return receiveThreads.get(ifname); }

    Thread vrrpThread() { return vrrp.thread(); }

    private void monitorLoop() {
        while (!closing) {
            try {
                for (RtnetlinkEvent ev : monitor.poll(Duration.ofSeconds(1))) {
                    switch (ev) {
                        case RtnetlinkEvent.LinkChanged(LinkInfo l) -> {
                            keeper.linkSeen(l);
                            link(l.index(), l.name(), l.isUp());
                        }
                        case RtnetlinkEvent.LinkRemoved(LinkInfo l) -> {
                            keeper.linkGone(l);
                            link(l.index(), l.name(), false);
                        }
                        case RtnetlinkEvent.AddressRemoved(Ipv4InterfaceAddress a) ->
                                keeper.addressRemoved(a, ifnames.getOrDefault(a.ifindex(), "if" + a.ifindex()));
                        case RtnetlinkEvent.AddressAdded a -> { }
                        case RtnetlinkEvent.Overrun o -> {
                            keeper.linksUnknown();
                            for (LinkInfo l : control.links()) link(l.index(), l.name(), l.isUp());
                        }
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
        vrrp.submit(() -> router.step(new VrrpRouter.Input.Link(System.nanoTime(), name, up), sink));
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
        List<VmacSpec> keep = new ArrayList<>(vmacs.held()); // new VMACs now, for the sockets; gone ones after the reload
        keep.addAll(VmacSpec.of(next.instances()));
        // the monitor will replay a new link's states (down, then up): known as down, only "up" is news
        for (VmacSpec v : VmacSpec.plan(vmacs.held(), keep).create()) linkUp.put(v.name(), false);
        vmacs.apply(keep, vmacOwners(next.instances()), why);
        List<VrrpInstanceSpec> specs = resolveSources(next.instances());
        openSockets(specs);
        Notifier oldNotifier = notifier;
        oldNotifier.terminateReaders(); // before the new ones start on the same FIFOs
        Notifier newNotifier = newNotifier(next);
        VrrpScripts oldScripts = scripts;
        if (oldScripts != null) oldScripts.close(); // no old result may land after the new runner took its states
        List<Reading> readings = new ArrayList<>();
        VrrpScripts newScripts = newScripts(next, oldScripts, readings);
        closeWatchers();
        newWatchers(next, readings);
        String summary;
        try {
            summary = vrrp.call(() -> {
                notifier = newNotifier;
                know(readings);
                return reconcile(specs, next.syncGroups(), next, why);
            }).get(10, TimeUnit.SECONDS);
        } finally { // trackers keep running whatever happened on the vrrp thread
            scripts = newScripts;
            if (newScripts != null) newScripts.start();
            startWatchers();
        }
        setup = next;
        firewall.reload(next.firewall());
        keeper.drain(Duration.ofSeconds(5)); // a removed instance's VIPs leave before its VMAC
        for (String gone : vmacs.apply(VmacSpec.of(next.instances()), vmacOwners(next.instances()), why)) {
            VrrpSocket sock = sockets.remove(gone);
            if (sock != null) sock.close();
        }
        Thread.ofVirtual().start(oldNotifier::close);
        NodeLog.info("configuration reloaded from " + next.configPath() + (summary.isEmpty() ? " (no instance changed)" : ": " + summary));
        return summary;
    }

    /** On the vrrp thread: journals the diff (ConfigApplied), then has the router apply it (removed/restarted instances stop because of this reload, not a signal). */
    private String reconcile(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groupSpecs, NodeSetup next, Cause why) {
        VrrpRouter.Plan plan = router.plan(specs, groupSpecs);
        long seq = journal.append(why, new Event.ConfigApplied(String.valueOf(next.configPath()), next.contentHash(), plan.summary()));
        configCause = seq >= 0 ? Cause.event(seq) : why;
        movedInReload.clear();
        router.apply(plan, System.nanoTime(), Origin.RELOAD, 0, sink);
        if (next.fifoWriteStatesOnReload()) writeStatesAfterReload(plan);
        recomputeDeadline();
        return plan.summary();
    }

    /**
     * fifo_write_vrrp_states_on_reload, as keepalived 2.2.7's vrrp_init_state: after a reload, the FIFOs get the state
     * of each sync group and each BACKUP or FAULT instance that the reload did not move (those that moved were written
     * as they moved; keepalived writes nothing for an instance that stays MASTER).
     */
    private void writeStatesAfterReload(VrrpRouter.Plan plan) {
        for (SyncGroupSpec g : plan.groups()) {
            VrrpState st = groupStates.get(g.name());
            if (st != null && !movedInReload.contains("GROUP " + g.name())) notifier.fifo("GROUP", g.name(), st.name(), 0);
        }
        for (VrrpRouter.InstanceView v : router.instances()) {
            if (movedInReload.contains("INSTANCE " + v.name())) continue;
            if (v.state() == VrrpState.BACKUP || v.state() == VrrpState.FAULT)
                notifier.fifo("INSTANCE", v.name(), v.state().name(), v.effectivePriority());
        }
    }

    /**
     * Graceful stop (SIGTERM): every MASTER sends priority 0 and releases its VIPs, notify_stop runs, then
     * threads and sockets close. Idempotent.
     */
    public void stop(Cause why) {
        if (closing) return;
        try {
            vrrp.call(() -> {
                router.step(new VrrpRouter.Input.Shutdown(System.nanoTime(), why), sink);
                for (VrrpRouter.InstanceView v : router.instances())
                    if (!v.drops().isEmpty()) NodeLog.info("(" + v.name() + ") " + dropSummary(v.drops()));
                allInterfaceDrops().forEach((i, m) -> NodeLog.info(i + ": datagrams dropped before any instance: " + m));
                NodeLog.info("adverts sent " + advertsSent + ", send errors " + sendErrors);
                return null;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            NodeLog.error("stopping VRRP: " + e.getMessage());
        }
        routes.statics(RouteSetup.NONE, false, why);
        if (firewall != null) firewall.delete(why); // after the VIPs went: keepalived deletes its table at exit
        keeper.drain(Duration.ofSeconds(5));
        vmacs.removeAll(why); // after the VIPs on them are gone, as keepalived
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
            for (VrrpRouter.InstanceView v : router.instances()) {
                SendStats s = sendStats.get(v.name());
                if (s != null && s.generation != v.generation()) s = null;
                m.put(v.name(), new Counters(v.name(), v.state(), v.basePriority(), v.effectivePriority(), v.advertsAccepted(),
                        s == null ? 0 : s.sent, v.priorityZeroReceived(), s == null ? 0 : s.priZeroSent,
                        v.becameMaster(), v.releasedMaster(), v.drops()));
            }
            return m;
        }).get(5, TimeUnit.SECONDS);
    }

    /** Datagrams dropped before any instance could be charged with them, per interface (a copy, vrrp thread). */
    public Map<String, Map<DropReason, Long>> interfaceDrops() throws Exception {
        return vrrp.call(this::allInterfaceDrops).get(5, TimeUnit.SECONDS);
    }

    /** The router's counts plus the datagrams a full receive ring dropped before the router saw them (vrrp thread). */
    private Map<String, Map<DropReason, Long>> allInterfaceDrops() {
        Map<String, Map<DropReason, Long>> m = new LinkedHashMap<>(router.interfaceDrops());
        for (ReceiveRing r : rings) {
            long full = r.dropped();
            if (full == 0) continue;
            EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
            Map<DropReason, Long> had = m.get(r.interfaceName());
            if (had != null) d.putAll(had);
            d.put(DropReason.RECEIVE_QUEUE_FULL, full);
            m.put(r.interfaceName(), java.util.Collections.unmodifiableMap(d));
        }
        return m;
    }

    /**
     * Operator priority change (maintenance: priority 1 hands MASTER to a peer; back to the configured value to
     * end it). The PriorityChanged / VrrpTransition events it causes cite {@code why} (the operator's entry).
     */
    public void setPriority(String instance, int priority, Cause why) throws Exception {
        vrrp.call(() -> {
            router.step(new VrrpRouter.Input.SetPriority(System.nanoTime(), instance, priority, why), sink);
            return null;
        }).get(5, TimeUnit.SECONDS);
    }

    /** Called on the vrrp thread after each advert a MASTER sends. */
    public interface AdvertListener {
        /** The time since the instance's previous advert. */
        void sent(String instance, long intervalNanos);

        /**
         * For an advert its timer sent: how long after the timer's deadline the vrrp thread woke for it (and had
         * drained its inbox and receive rings), and how long after the deadline it left (sendto returned).
         */
        default void late(String instance, long wokeNanos, long lateNanos) { }
    }

    /** Must be cheap and never block (it runs on the vrrp thread), e.g. a Prometheus histogram observe. */
    public void advertListener(AdvertListener l) { advertListener = l; }

    /** Instance states as seen on the vrrp thread (for status output and tests). */
    public Map<String, VrrpState> states() throws Exception {
        return vrrp.call(router::states).get(5, TimeUnit.SECONDS);
    }

    @Override public void close() {
        closing = true;
        vrrp.stop();
        try { vrrp.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        for (VrrpSocket s : sockets.values()) s.close();
        monitor.close();
        for (Thread t : threads) { try { t.join(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); } }
        if (firewall != null) firewall.delete(Cause.NONE); // no-op after stop()
        keeper.close();
        routes.close();
        vmacs.removeAll(Cause.NONE); // a failed start leaves no VMAC behind (empty after stop)
        vmacs.close();
        control.close();
        if (scripts != null) scripts.close();
        closeWatchers();
        if (notifier != null) notifier.close();
        mailer.close();
    }
}
