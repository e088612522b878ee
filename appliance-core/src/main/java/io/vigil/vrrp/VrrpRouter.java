package io.vigil.vrrp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Every VRRP instance of one node behind one pure object, in the manner of etcd-io/raft's RawNode: the host feeds
 * {@link Input}s ({@link #step}) and configurations ({@link #plan}/{@link #apply}), applies the {@link Batch}es of
 * effects handed to its {@link Sink}, and calls {@link Input.Tick} at {@link #nextDeadline()} — the one timer
 * contract ({@link VrrpEffect.TimerRequest}s of the instances are consumed here, never passed on).
 * <p>Inside: the instance registry, routing of datagrams by interface and VRID, sync groups, tracker and link
 * fan-out (with the last value of each, to seed an instance that starts tracking it), reload reconciliation,
 * vrrp_startup_delay, drop counters and the rate limits of drop, master-seen and other-master reports. No clock,
 * thread, socket or file: time is the caller's monotonic nanoseconds.
 * <p>The sink is called synchronously, once per instance step, so the host may query the router (priorities,
 * states) while it applies a batch and sees them exactly as they were after that step.
 */
public final class VrrpRouter {
    static final long DROP_LOG_EVERY = 10_000_000_000L;
    /** A BACKUP reports the master it hears at least this often even when nothing changed (skew evidence). */
    static final long MASTER_SAMPLE_EVERY = 60_000_000_000L;
    /** other_master: the first at once, then at most one per source per this period, with the count. */
    static final long OTHER_MASTER_EVERY = 10_000_000_000L;

    /** What the host tells the router. {@code now}: the caller's monotonic nanoseconds (System.nanoTime scale). */
    public sealed interface Input {
        long now();

        /**
         * A datagram decoded on {@code interfaceName}; {@code malformedVrid} is the VRID read from a malformed one
         * (-1 if unreadable), so its drop is charged to the instances it names.
         */
        record Datagram(long now, String interfaceName, ReceivedAdvert.Decoded decoded, int malformedVrid) implements Input {}
        /** Time passed; due at {@link #nextDeadline()}, harmless earlier. */
        record Tick(long now) implements Input {}
        /** A tracker reported: {@code up} for scripts and processes, {@code value} for track_file. */
        record Tracker(long now, TrackerSpec.Kind kind, String name, boolean up, long value) implements Input {}
        /** Link state of an interface. */
        record Link(long now, String interfaceName, boolean up) implements Input {}
        /** Operator priority change; the batches it causes carry {@link Origin.Operator} with {@code why}. */
        record SetPriority(long now, String instance, int priority, io.vigil.journal.Cause why) implements Input {}
        /** Graceful stop of every instance; the batches carry {@link Origin.Stop} with {@code why}. */
        record Shutdown(long now, io.vigil.journal.Cause why) implements Input {}
    }

    /** What a batch of effects belongs to: the host cites causes and words by it. */
    public sealed interface Origin {
        Origin RUN = new Run(), RELOAD = new Reload(), RECONFIGURE = new Reconfigure();

        /** Running (timers, adverts, trackers, links) and the first start. */
        record Run() implements Origin {}
        /** Applying a reload: starts and stops are the reload's doing. */
        record Reload() implements Origin {}
        /** An in-place change by a reload: address changes are the reload's, not a transition's. */
        record Reconfigure() implements Origin {}
        record Operator(io.vigil.journal.Cause why) implements Origin {}
        record Stop(io.vigil.journal.Cause why) implements Origin {}

        default boolean reload() { return this instanceof Reload || this instanceof Reconfigure; }
    }

    /** The effects of one instance (or sync group) step, in order; TimerRequests removed. */
    public record Batch(long now, Origin origin, List<VrrpEffect> effects) {}

    @FunctionalInterface
    public interface Sink {
        void apply(Batch batch);

        /**
         * The router's form of a step's batch: {@code effects} is the router's reused list, valid during the call
         * only. A sink that keeps nothing past the call (the node) overrides this and allocates no batch.
         */
        default void apply(long now, Origin origin, List<VrrpEffect> effects) { apply(new Batch(now, origin, List.copyOf(effects))); }
    }

    /** What a reload changes; from {@link #plan}, applied by {@link #apply} to the same router. */
    public record Plan(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groups, List<String> removed,
                       List<Change> inPlace, List<Change> restart, List<VrrpInstanceSpec> fresh, String summary) {}

    public record Change(String name, VrrpInstanceSpec next, List<String> changed) {}

    /** A consistent copy of one instance's state and counters. {@code generation} changes when it is (re)created. */
    public record InstanceView(String name, VrrpInstanceSpec spec, long generation, VrrpState state, int basePriority,
                               int effectivePriority, long advertsAccepted, long priorityZeroReceived,
                               long becameMaster, long releasedMaster, Map<DropReason, Long> drops) {}

    private static final class Slot {
        final VrrpInstance engine;
        final VrrpSyncGroup group;
        final long generation;
        boolean armed;
        long deadline;
        long lastDropLog;
        final EnumMap<DropReason, Long> loggedDrops = new EnumMap<>(DropReason.class);
        final EnumMap<DropReason, Long> malformed = new EnumMap<>(DropReason.class); // refused by the decoder, VRID ours
        long becameMaster, releasedMaster;
        Ipv4Address seenFrom; // the master last reported as BACKUP (null: none since it became BACKUP)
        int seenPriority;
        long seenAt;
        final Map<Ipv4Address, OtherMaster> otherMasters = new LinkedHashMap<>();

        Slot(VrrpInstance engine, VrrpSyncGroup group, long generation) { this.engine = engine; this.group = group; this.generation = generation; }

        String name() { return engine.name(); }
        VrrpInstanceSpec spec() { return engine.spec(); }
    }

    private static final class OtherMaster {
        long reportedAt, since, heardAt;
        int priority;
        Cause.Relation relation;
    }

    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<String, VrrpSyncGroup> groups = new LinkedHashMap<>();
    private final Map<String, VrrpState> groupStates = new HashMap<>();
    private final Map<String, Boolean> links = new HashMap<>();
    private final Map<String, Long> trackerValues = new HashMap<>();
    private final Map<String, EnumMap<DropReason, Long>> interfaceDrops = new LinkedHashMap<>();
    private final Map<String, Long> interfaceDropLog = new HashMap<>();
    /** The slots in order, for the receive path (rebuilt when an instance comes or goes, never per datagram). */
    private Slot[] order = new Slot[0];
    /** Receive-path scratch: the flyweight over the datagram, the engine's effects, the batch being assembled. */
    private final ReceivedAdvertView view = new ReceivedAdvertView();
    private final List<VrrpEffect> engineOut = new ArrayList<>(), batchOut = new ArrayList<>(), tickOut = new ArrayList<>();
    private List<VrrpInstance> pendingStart = List.of();
    private long startAt;
    private long generations;
    private long nextDeadline;
    private boolean armed;
    private boolean emitting; // a sink is running with batchOut

    // ---------------------------------------------------------------- inputs

    public void step(Input input, Sink sink) {
        long now = input.now();
        switch (input) {
            case Input.Datagram d -> deliver(d, sink);
            case Input.Tick t -> tick(now, sink);
            case Input.Tracker t -> {
                trackerValues.put(JournalCauses.trackerKey(t.kind(), t.name()), stored(t.kind(), t.up(), t.value()));
                VrrpInput in = t.kind() == TrackerSpec.Kind.SCRIPT ? VrrpInput.TrackerChanged.script(now, t.name(), t.up())
                        : new VrrpInput.TrackerChanged(now, t.kind(), t.name(), t.up(), t.value());
                for (Slot s : List.copyOf(slots.values()))
                    if (tracks(s.spec(), t.kind(), t.name())) stepSlot(s, in, Origin.RUN, sink);
            }
            case Input.Link l -> {
                links.put(l.interfaceName(), l.up());
                for (Slot s : List.copyOf(slots.values()))
                    if (interfacesOf(s.spec()).contains(l.interfaceName()))
                        stepSlot(s, new VrrpInput.InterfaceChanged(now, l.interfaceName(), l.up()), Origin.RUN, sink);
            }
            case Input.SetPriority p -> {
                Slot s = slots.get(p.instance());
                if (s == null) throw new IllegalArgumentException("no vrrp_instance " + p.instance());
                stepSlot(s, new VrrpInput.SetPriority(now, p.priority(), "operator"), new Origin.Operator(p.why()), sink);
            }
            case Input.Shutdown s -> {
                Origin o = new Origin.Stop(s.why());
                for (Slot sl : List.copyOf(slots.values())) stepSlot(sl, new VrrpInput.Shutdown(now), o, sink);
            }
        }
        recomputeDeadline();
    }

    /**
     * A datagram as received ({@code length} bytes at {@code offset}, IP header first), read in place: the same as
     * {@link Input.Datagram} with what {@link ReceivedAdvert#decodeDatagram} makes of it, but a well-formed advert is
     * never copied, so an advert that changes nothing (the steady state) allocates nothing. The buffer may be
     * reused when this returns.
     */
    public void receive(long now, String interfaceName, java.lang.foreign.MemorySegment buf, long offset, long length, Sink sink) {
        DropReason bad = view.wrapDatagram(buf, offset, length);
        if (bad != null) {
            deliver(new Input.Datagram(now, interfaceName, new ReceivedAdvert.Decoded.Malformed(bad, view.sourceOrNull()),
                    ReceivedAdvert.peekVrid(buf, offset, length)), sink);
        } else {
            deliverAdvert(now, interfaceName, view, sink);
        }
        recomputeDeadline();
    }

    /** Collects the batches of one step (simulator, tests). */
    public List<Batch> step(Input input) {
        List<Batch> out = new ArrayList<>();
        step(input, out::add);
        return out;
    }

    /**
     * Records a tracker's value without stepping anyone (a first reading, known before the instances use it):
     * instances created or starting to track it later are seeded with it.
     */
    public void know(TrackerSpec.Kind kind, String name, boolean up, long value) {
        trackerValues.put(JournalCauses.trackerKey(kind, name), stored(kind, up, value));
    }

    /** Records a link's state without stepping anyone (the links as found at start). */
    public void knowLink(String interfaceName, boolean up) { links.put(interfaceName, up); }

    /** The earliest time a {@link Input.Tick} is due, empty when no timer runs. */
    public OptionalLong nextDeadline() { return armed ? OptionalLong.of(nextDeadline) : OptionalLong.empty(); }

    /** {@link #nextDeadline()} without the Optional: {@code none} when no timer runs (the node's per-tick form). */
    public long nextDeadlineOr(long none) { return armed ? nextDeadline : none; }

    private boolean masterDownArmed;
    private long nextMasterDown;

    /**
     * The earliest deadline of a BACKUP instance (its master-down timer: a takeover if no advert comes first), or
     * {@code none}. The node readies the VIP thread just before it (VrrpNode, "stand-by").
     */
    public long nextMasterDownOr(long none) { return masterDownArmed ? nextMasterDown : none; }

    private static final long NOT_TICKING = Long.MIN_VALUE;
    /** The deadline of the slot {@link #tick} is stepping, while its effects are applied; NOT_TICKING otherwise. */
    private long dueTicking = NOT_TICKING;

    /**
     * While the sink applies a timer step's effects: the deadline that step was due at (an advert's lateness is the
     * send time minus this); {@code none} for a step that no timer drove (a received advert, a tracker, a reload).
     */
    public long dueOr(long none) { return dueTicking == NOT_TICKING ? none : dueTicking; }

    // ---------------------------------------------------------------- configuration

    /**
     * What {@code specs} change against the instances running now: unchanged ones keep state, timers and VIPs; a
     * change of priority, trackers, notify scripts, garp or preempt settings is taken in place; other changes
     * (or joining/leaving a sync group) restart the instance; removed ones stop, new ones start. The summary reads
     * e.g. "~VI_1 track +script:chk(-60) ~VI_2 restart(virtualRouterId) +VI_3".
     */
    public Plan plan(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groupSpecs) {
        Map<String, VrrpInstanceSpec> wanted = new LinkedHashMap<>();
        for (VrrpInstanceSpec s : specs) wanted.put(s.name(), s);
        Set<String> grouped = new HashSet<>();
        for (SyncGroupSpec g : groupSpecs) grouped.addAll(g.members());
        Set<String> oldGroupMembers = new HashSet<>();
        for (VrrpSyncGroup g : groups.values()) for (VrrpInstance m : g.members()) oldGroupMembers.add(m.name());
        List<String> summary = new ArrayList<>(), removed = new ArrayList<>();
        List<Change> inPlace = new ArrayList<>(), restart = new ArrayList<>();
        for (Slot s : slots.values()) {
            VrrpInstanceSpec n = wanted.get(s.name());
            if (n == null) { removed.add(s.name()); summary.add("-" + s.name()); continue; }
            List<String> changed = new ArrayList<>(SpecDiff.changed(s.spec(), n));
            if (grouped.contains(s.name()) != oldGroupMembers.contains(s.name())) changed.add("sync group");
            if (changed.isEmpty()) continue;
            if (SpecDiff.inPlace(changed)) {
                inPlace.add(new Change(s.name(), n, changed));
                summary.add("~" + s.name() + " " + SpecDiff.describe(s.spec(), n, changed));
            } else {
                restart.add(new Change(s.name(), n, changed));
                summary.add("~" + s.name() + " restart(" + String.join(", ", changed) + ")");
            }
        }
        List<VrrpInstanceSpec> fresh = new ArrayList<>();
        for (Change c : restart) fresh.add(c.next());
        for (VrrpInstanceSpec n : specs) if (!slots.containsKey(n.name())) { fresh.add(n); summary.add("+" + n.name()); }
        return new Plan(List.copyOf(specs), List.copyOf(groupSpecs), List.copyOf(removed), List.copyOf(inPlace),
                List.copyOf(restart), List.copyOf(fresh), String.join(" ", summary));
    }

    /**
     * Applies {@code p}: stops the removed and restarted instances, reconfigures the changed ones in place, creates
     * and starts the new ones (after {@code startDelayNanos}, when positive: vrrp_startup_delay), then gives every
     * instance the track_file/track_process values known now. {@code origin}: {@link Origin#RUN} for the first
     * configuration, {@link Origin#RELOAD} for a reload.
     */
    public void apply(Plan p, long now, Origin origin, long startDelayNanos, Sink sink) {
        for (String name : p.removed()) stopSlot(slots.get(name), now, origin, sink);
        for (Change c : p.restart()) stopSlot(slots.get(c.name()), now, origin, sink);
        for (Change c : p.inPlace()) {
            Slot s = slots.get(c.name());
            List<TrackerSpec> oldTrackers = s.spec().trackers();
            Set<String> oldInterfaces = interfacesOf(s.spec());
            stepSlot(s, new VrrpInput.Reconfigure(now, c.next(), "config reload: " + SpecDiff.describe(s.spec(), c.next(), c.changed())),
                    Origin.RECONFIGURE, sink);
            seed(s, oldTrackers, oldInterfaces, now, origin, sink);
        }
        install(p.fresh(), p.groups(), now, origin, startDelayNanos, sink);
        // files and processes are read afresh by the host: an instance that kept running gets any change since
        for (Slot s : List.copyOf(slots.values()))
            for (TrackerSpec t : s.spec().trackers()) {
                if (t.kind() != TrackerSpec.Kind.FILE && t.kind() != TrackerSpec.Kind.PROCESS) continue;
                Long v = trackerValues.get(JournalCauses.trackerKey(t.kind(), t.name()));
                if (v != null) stepSlot(s, trackerInput(now, t, v), origin, sink);
            }
        recomputeDeadline();
    }

    private void stopSlot(Slot s, long now, Origin origin, Sink sink) {
        stepSlot(s, new VrrpInput.Shutdown(now), origin, sink);
        slots.remove(s.name());
        order = slots.values().toArray(new Slot[0]);
        if (s.group != null) groups.values().remove(s.group);
    }

    /** Creates engines (grouped as configured), tells them the links' and trackers' state, starts them. */
    private void install(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groupSpecs, long now, Origin origin,
                         long startDelayNanos, Sink sink) {
        Map<String, VrrpInstance> engines = new LinkedHashMap<>();
        for (VrrpInstanceSpec s : specs) engines.put(s.name(), new VrrpInstance(s));
        Map<String, VrrpSyncGroup> groupOf = new HashMap<>();
        for (SyncGroupSpec g : groupSpecs) {
            List<VrrpInstance> members = g.members().stream().map(engines::get).toList();
            if (members.contains(null)) continue; // a member not (re)created now: the group stays as it was
            VrrpSyncGroup grp = new VrrpSyncGroup(g, members);
            groups.put(g.name(), grp);
            for (String m : g.members()) groupOf.put(m, grp);
        }
        for (VrrpInstance e : engines.values()) {
            Slot s = new Slot(e, groupOf.get(e.name()), ++generations);
            slots.put(e.name(), s);
            order = slots.values().toArray(new Slot[0]);
            seed(s, List.of(), Set.of(), now, origin, sink);
        }
        if (startDelayNanos > 0) { // started by tick: those not replaced by a reload meanwhile
            pendingStart = List.copyOf(engines.values());
            startAt = now + startDelayNanos;
            return;
        }
        for (VrrpInstance e : engines.values()) stepSlot(slots.get(e.name()), new VrrpInput.Start(now), origin, sink);
    }

    /**
     * Tells an instance the state of the links and trackers it tracks and {@code oldTrackers}/{@code oldInterfaces}
     * did not (all of them at start): down links, and every tracker value already reported.
     */
    private void seed(Slot s, List<TrackerSpec> oldTrackers, Set<String> oldInterfaces, long now, Origin origin, Sink sink) {
        for (String ifname : interfacesOf(s.spec())) {
            Boolean up = links.get(ifname);
            if (up != null && !up && !oldInterfaces.contains(ifname))
                stepSlot(s, new VrrpInput.InterfaceChanged(now, ifname, false), origin, sink);
        }
        for (TrackerSpec t : s.spec().trackers()) {
            if (t.kind() == TrackerSpec.Kind.INTERFACE || oldTrackers.stream().anyMatch(o -> o.kind() == t.kind() && o.name().equals(t.name())))
                continue;
            Long v = trackerValues.get(JournalCauses.trackerKey(t.kind(), t.name()));
            if (v != null) stepSlot(s, trackerInput(now, t, v), origin, sink);
        }
    }

    private static VrrpInput.TrackerChanged trackerInput(long now, TrackerSpec t, long v) {
        return new VrrpInput.TrackerChanged(now, t.kind(), t.name(), t.kind() == TrackerSpec.Kind.FILE ? v == 0 : v != 0, v);
    }

    /** track_file keeps its value; the others 1 (up) or 0. */
    private static long stored(TrackerSpec.Kind kind, boolean up, long value) {
        return kind == TrackerSpec.Kind.FILE ? value : up ? 1L : 0L;
    }

    private static boolean tracks(VrrpInstanceSpec s, TrackerSpec.Kind kind, String name) {
        for (TrackerSpec t : s.trackers()) if (t.kind() == kind && t.name().equals(name)) return true;
        return false;
    }

    static Set<String> interfacesOf(VrrpInstanceSpec s) {
        Set<String> out = new HashSet<>();
        out.add(s.interfaceName());
        for (TrackerSpec t : s.trackers()) if (t.kind() == TrackerSpec.Kind.INTERFACE) out.add(t.name());
        return out;
    }

    // ---------------------------------------------------------------- stepping

    private void stepSlot(Slot s, VrrpInput in, Origin origin, Sink sink) {
        emit(in.now(), origin, s.group != null ? s.group.step(s.name(), in) : s.engine.step(in), sink);
    }

    /** {@code step(new Input.Tick(now), sink)} without the input record: the node's timer path. */
    public void tick(long now, Sink sink) {
        if (!pendingStart.isEmpty() && now - startAt >= 0) {
            List<VrrpInstance> due = pendingStart;
            pendingStart = List.of();
            for (VrrpInstance e : due) {
                Slot s = slots.get(e.name());
                if (s != null && s.engine == e) stepSlot(s, new VrrpInput.Start(now), Origin.RUN, sink);
            }
        }
        // the timer path of every MASTER advert: the slots' array (replaced, never changed, when the slots change)
        // and one reused list, no set unless a group is due
        Set<VrrpSyncGroup> ticked = null;
        List<VrrpEffect> engine = tickOut;
        try {
            for (Slot s : order) {
                if (!s.armed || now - s.deadline < 0) continue;
                dueTicking = s.deadline;
                if (s.group != null) {
                    if (ticked == null) ticked = new HashSet<>();
                    if (ticked.add(s.group)) emit(now, Origin.RUN, s.group.tick(now), sink);
                } else {
                    engine.clear();
                    s.engine.tick(now, engine);
                    emit(now, Origin.RUN, engine, sink);
                    engine.clear();
                }
            }
        } finally { // a sink that threw leaves no deadline behind for the next, untimed step
            dueTicking = NOT_TICKING;
        }
        for (Slot s : order) {
            if (s.otherMasters.isEmpty()) continue;
            List<VrrpEffect> notes = new ArrayList<>();
            flushOtherMasters(s, now, false, notes);
            if (!notes.isEmpty()) sink.apply(new Batch(now, Origin.RUN, notes));
        }
    }

    /**
     * Hands one step's effects to the sink, with the router's notes in place: counters, drop reports right after
     * the drop, other-master counts before the transition that leaves MASTER, sync-group changes at the end.
     */
    private void emit(long now, Origin origin, List<VrrpEffect> effects, Sink sink) {
        boolean nested = emitting; // a sink that steps this router again gets a list of its own
        List<VrrpEffect> out = nested ? new ArrayList<>() : batchOut;
        out.clear();
        for (int i = 0, n = effects.size(); i < n; i++) { // indexed: no iterator per step
            VrrpEffect e = effects.get(i);
            switch (e) {
                case VrrpEffect.TimerRequest t -> { } // the router's deadline is the one timer contract
                case VrrpEffect.StateChanged sc -> {
                    Slot s = slots.get(sc.instance());
                    if (s != null) {
                        if (sc.to() == VrrpState.MASTER) s.becameMaster++;
                        if (sc.from() == VrrpState.MASTER) s.releasedMaster++;
                        if (sc.from() == VrrpState.BACKUP) s.seenFrom = null; // the next master heard as BACKUP is news
                        if (sc.from() == VrrpState.MASTER) flushOtherMasters(s, now, true, out);
                    }
                    out.add(sc);
                }
                case VrrpEffect.AdvertDropped d -> {
                    out.add(d);
                    Slot s = slots.get(d.instance());
                    if (s != null) dropReport(s, d.reason(), d.source(), now, out);
                }
                default -> out.add(e);
            }
        }
        groupChanges(out);
        recomputeDeadline();
        if (out.isEmpty()) return;
        if (nested) { sink.apply(now, origin, out); return; }
        emitting = true;
        try {
            sink.apply(now, origin, out); // the reused list, valid during the call (Sink's default copies it)
        } finally {
            emitting = false;
            out.clear();
        }
    }

    private void groupChanges(List<VrrpEffect> out) {
        if (groups.isEmpty()) return;
        for (VrrpSyncGroup g : groups.values()) {
            VrrpState st = g.state();
            if (st != groupStates.put(g.name(), st) && st != VrrpState.INIT)
                out.add(new VrrpEffect.GroupChanged(g.name(), st, g.members().stream().map(VrrpInstance::name).toList()));
        }
    }

    private void recomputeDeadline() {
        boolean any = false, anyDown = false;
        long best = 0, down = 0;
        for (Slot s : order) {
            s.armed = s.engine.timerArmed();
            if (s.armed) {
                s.deadline = s.engine.timerAt();
                if (!any || s.deadline - best < 0) { best = s.deadline; any = true; }
                if (s.engine.state() == VrrpState.BACKUP && (!anyDown || s.deadline - down < 0)) { down = s.deadline; anyDown = true; }
            }
        }
        masterDownArmed = anyDown;
        nextMasterDown = down;
        if (!pendingStart.isEmpty() && (!any || startAt - best < 0)) { best = startAt; any = true; }
        armed = any;
        nextDeadline = best;
    }

    // ---------------------------------------------------------------- datagrams

    /**
     * A datagram: handed to every instance with that VRID on that interface. Every datagram is counted: a malformed
     * one against the instances its VRID names (when it can be read), else per interface.
     */
    private void deliver(Input.Datagram d, Sink sink) {
        long now = d.now();
        String ifname = d.interfaceName();
        switch (d.decoded()) {
            case ReceivedAdvert.Decoded.Ok(ReceivedAdvert a) -> deliverAdvert(now, ifname, a, sink);
            case ReceivedAdvert.Decoded.Malformed(DropReason reason, Ipv4Address source) -> {
                boolean claimed = false;
                for (Slot s : order) {
                    if (s.spec().vrid() != d.malformedVrid() || !s.spec().interfaceName().equals(ifname)) continue;
                    claimed = true;
                    s.malformed.merge(reason, 1L, Long::sum);
                    List<VrrpEffect> notes = new ArrayList<>(2);
                    notes.add(new VrrpEffect.AdvertDropped(s.name(), reason, source));
                    dropReport(s, reason, source, now, notes);
                    sink.apply(new Batch(now, Origin.RUN, notes));
                }
                if (!claimed) interfaceDropped(ifname, reason, source, now, sink);
            }
        }
    }

    /**
     * A well-formed advert (a value, or the flyweight over the receive buffer: nothing of it is kept) to every
     * instance with its VRID on {@code ifname}. An instance outside a sync group is stepped through the reusable
     * lists; a sync group's member gets a copy (the group's rules allocate anyway).
     */
    private void deliverAdvert(long now, String ifname, Advert a, Sink sink) {
        boolean claimed = false;
        int vrid = a.vrid();
        for (Slot s : order) {
            if (s.spec().vrid() != vrid || !s.spec().interfaceName().equals(ifname)) continue;
            claimed = true;
            long accepted = s.engine.advertsAccepted();
            if (s.group != null) {
                stepSlot(s, new VrrpInput.AdvertReceived(now, a.snapshot()), Origin.RUN, sink);
            } else {
                List<VrrpEffect> effects = engineOut;
                effects.clear();
                s.engine.receive(now, a, effects);
                emit(now, Origin.RUN, effects, sink);
                effects.clear();
            }
            if (s.engine.advertsAccepted() == accepted) continue; // dropped (counted and reported)
            VrrpEffect note = null;
            if (s.engine.state() == VrrpState.BACKUP) note = masterSeen(s, a, now);
            else if (s.engine.state() == VrrpState.MASTER && a.priority() > 0) note = otherMaster(s, a, now);
            if (note != null) sink.apply(new Batch(now, Origin.RUN, new ArrayList<>(List.of(note))));
        }
        // another VRRP router's VRID on a shared segment: normal, so counted but not reported
        if (!claimed) interfaceDrops.computeIfAbsent(ifname, k -> new EnumMap<>(DropReason.class))
                .merge(DropReason.VRID_MISMATCH, 1L, Long::sum);
    }

    /** Reports the first drop of each kind and then at most one per instance every 10 s. */
    private void dropReport(Slot s, DropReason reason, Ipv4Address source, long now, List<VrrpEffect> out) {
        boolean firstOfKind = !s.loggedDrops.containsKey(reason);
        if (!firstOfKind && now - s.lastDropLog < DROP_LOG_EVERY) return;
        Map<DropReason, Long> totals = drops(s);
        long count = totals.getOrDefault(reason, 0L);
        s.loggedDrops.put(reason, count);
        s.lastDropLog = now;
        out.add(new VrrpEffect.DropReport(s.name(), s.spec().interfaceName(), reason, source, count, totals));
    }

    /** Reports the first drop of each kind on an interface, then at most one every 10 s. */
    private void interfaceDropped(String ifname, DropReason reason, Ipv4Address source, long now, Sink sink) {
        EnumMap<DropReason, Long> m = interfaceDrops.computeIfAbsent(ifname, k -> new EnumMap<>(DropReason.class));
        boolean first = !m.containsKey(reason);
        m.merge(reason, 1L, Long::sum);
        Long last = interfaceDropLog.get(ifname);
        if (!first && last != null && now - last < DROP_LOG_EVERY) return;
        interfaceDropLog.put(ifname, now);
        sink.apply(new Batch(now, Origin.RUN, List.of(new VrrpEffect.InterfaceDropReport(ifname, reason, source, m))));
    }

    /** The engine's drops plus those the decoder refused before the engine saw them. */
    private static Map<DropReason, Long> drops(Slot s) {
        if (s.malformed.isEmpty()) return s.engine.dropCounts();
        EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
        all.putAll(s.engine.dropCounts());
        s.malformed.forEach((r, n) -> all.merge(r, n, Long::sum));
        return all;
    }

    /** A BACKUP heard a valid advert: reported when the master differs from the last one (address or priority), else once a minute. */
    private VrrpEffect masterSeen(Slot s, Advert a, long now) {
        boolean changed = s.seenFrom == null || s.seenFrom.bits() != a.sourceBits() || s.seenPriority != a.priority();
        if (!changed && now - s.seenAt < MASTER_SAMPLE_EVERY) return null;
        if (changed) s.seenFrom = a.source();
        s.seenPriority = a.priority();
        s.seenAt = now;
        return new VrrpEffect.MasterSeen(s.name(), s.spec().interfaceName(), s.seenFrom, a.priority(),
                Cause.Relation.of(a.priority(), s.seenFrom, s.engine.effectivePriority(), s.spec().sourceAddress()), !changed);
    }

    /** A MASTER heard a valid advert it does not yield to: another router claims MASTER too (rate limited). */
    private VrrpEffect otherMaster(Slot s, Advert a, long now) {
        Ipv4Address from = a.source();
        OtherMaster o = s.otherMasters.get(from);
        boolean first = o == null;
        if (first) { o = new OtherMaster(); s.otherMasters.put(from, o); }
        o.since++;
        o.heardAt = now;
        o.priority = a.priority();
        o.relation = Cause.Relation.of(a.priority(), from, s.engine.effectivePriority(), s.spec().sourceAddress());
        return first || now - o.reportedAt >= OTHER_MASTER_EVERY ? reportOtherMaster(s, from, o, now) : null;
    }

    /** Reports the counts not yet reported (every 10 s, or all of them when we stop being MASTER). */
    private void flushOtherMasters(Slot s, long now, boolean all, List<VrrpEffect> out) {
        if (s.otherMasters.isEmpty()) return;
        for (var e : s.otherMasters.entrySet()) {
            OtherMaster o = e.getValue();
            if (o.since > 0 && (all || now - o.reportedAt >= OTHER_MASTER_EVERY)) out.add(reportOtherMaster(s, e.getKey(), o, now));
        }
        if (all) s.otherMasters.clear();
    }

    private VrrpEffect.OtherMaster reportOtherMaster(Slot s, Ipv4Address source, OtherMaster o, long now) {
        var note = new VrrpEffect.OtherMaster(s.name(), s.spec().interfaceName(), source, o.priority,
                s.engine.effectivePriority(), o.relation, o.since, o.heardAt);
        o.reportedAt = now;
        o.since = 0;
        return note;
    }

    // ---------------------------------------------------------------- queries (host's status, metrics, alive beats)

    public List<InstanceView> instances() {
        List<InstanceView> out = new ArrayList<>(slots.size());
        for (Slot s : slots.values()) {
            VrrpInstance e = s.engine;
            out.add(new InstanceView(s.name(), s.spec(), s.generation, e.state(), e.basePriority(), e.effectivePriority(),
                    e.advertsAccepted(), e.priorityZeroReceived(), s.becameMaster, s.releasedMaster, drops(s)));
        }
        return out;
    }

    /** The instance's interface, null if there is no such instance. */
    public String interfaceOf(String instance) {
        Slot s = slots.get(instance);
        return s == null ? null : s.spec().interfaceName();
    }

    /** Changes when the instance is (re)created, so per-instance host counters can tell; -1 if none. */
    public long generation(String instance) {
        Slot s = slots.get(instance);
        return s == null ? -1 : s.generation;
    }

    /** The instance itself, for observation by tests in this package (the simulator); null if none. */
    VrrpInstance engine(String instance) {
        Slot s = slots.get(instance);
        return s == null ? null : s.engine;
    }

    /** 0 if there is no such instance. */
    public int effectivePriority(String instance) {
        Slot s = slots.get(instance);
        return s == null ? 0 : s.engine.effectivePriority();
    }

    /** Null if there is no such instance. */
    public VrrpState state(String instance) {
        Slot s = slots.get(instance);
        return s == null ? null : s.engine.state();
    }

    public Map<String, VrrpState> states() {
        Map<String, VrrpState> m = new LinkedHashMap<>();
        for (Slot s : slots.values()) m.put(s.name(), s.engine.state());
        return m;
    }

    public Map<String, VrrpState> groupStates() {
        Map<String, VrrpState> m = new LinkedHashMap<>();
        for (VrrpSyncGroup g : groups.values()) m.put(g.name(), g.state());
        return m;
    }

    /** Datagrams dropped before any instance could be charged with them, per interface (a copy). */
    public Map<String, Map<DropReason, Long>> interfaceDrops() {
        Map<String, Map<DropReason, Long>> m = new LinkedHashMap<>();
        interfaceDrops.forEach((i, d) -> m.put(i, java.util.Collections.unmodifiableMap(new EnumMap<>(d))));
        return m;
    }
}
