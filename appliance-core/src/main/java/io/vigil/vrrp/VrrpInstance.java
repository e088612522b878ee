package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.AddAddresses;
import io.vigil.vrrp.VrrpEffect.AdvertDropped;
import io.vigil.vrrp.VrrpEffect.PriorityChanged;
import io.vigil.vrrp.VrrpEffect.RemoveAddresses;
import io.vigil.vrrp.VrrpEffect.RunNotify;
import io.vigil.vrrp.VrrpEffect.SendAdvert;
import io.vigil.vrrp.VrrpEffect.SendGarp;
import io.vigil.vrrp.VrrpEffect.StateChanged;
import io.vigil.vrrp.VrrpEffect.TimerRequest;
import io.vigil.vrrp.VrrpInput.AdvertReceived;
import io.vigil.vrrp.VrrpInput.InterfaceChanged;
import io.vigil.vrrp.VrrpInput.SetPriority;
import io.vigil.vrrp.VrrpInput.Shutdown;
import io.vigil.vrrp.VrrpInput.Start;
import io.vigil.vrrp.VrrpInput.Tick;
import io.vigil.vrrp.VrrpInput.TrackerChanged;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The VRRP state machine of one vrrp_instance (RFC 3768 / RFC 5798 as keepalived 2.2.7 runs them). Pure and
 * single-threaded: {@link #step(VrrpInput)} takes an input carrying the caller's monotonic time and returns the
 * effects to apply, ending with a {@link TimerRequest} when a timer is running. No I/O, threads or clocks inside.
 * Deadlines are compared by subtraction, so any monotonic nanosecond clock works, including one near overflow.
 */
public final class VrrpInstance {
    private static final long NANOS_PER_CENTI = 10_000_000L;

    private VrrpInstanceSpec spec; // replaced only by Reconfigure, in the fields it allows
    private final String name;
    private List<Ipv4Address> advertAddresses;   // replaced by Reconfigure with the spec
    private List<VirtualAddress> allAddresses;
    private final byte[] authData;

    private VrrpState state = VrrpState.INIT;
    private int basePriority;
    private int effectivePriority;
    private boolean ownFault;        // a weight-0 tracker or our interface is down
    private boolean groupFault;      // held in FAULT by the sync group
    private boolean syncGated;       // member of a sync group: Master_Down waits for the group's consent
    private boolean wantMaster;      // gated member whose Master_Down expired
    private int masterAdvertCentis;  // Master_Adver_Interval (v3 learns it from the master)
    private Ipv4Address masterAddress;
    private int masterPriority;
    private final Timer downTimer = new Timer(), advertTimer = new Timer(), garpDelayTimer = new Timer(), garpRefreshTimer = new Timer();
    private final Timer extraGarpTimer = new Timer(); // garp_extra_if
    private final Timer preemptTimer = new Timer(); // keepalived's preempt_time; only compared, never ticks
    private final Timer[] ticking = {downTimer, advertTimer, garpDelayTimer, garpRefreshTimer, extraGarpTimer};
    // garp_lower_prio_delay: keepalived starts one timer per lower-priority advert heard; their deadlines, oldest first
    private final java.util.ArrayDeque<Long> lowerPrioGarps = new java.util.ArrayDeque<>();
    private final Map<String, Long> trackerValues = new HashMap<>();
    private final Map<String, Boolean> interfaces = new HashMap<>();
    private final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    private long advertsAccepted;
    private long priorityZeroReceived; // keepalived's pri_zero_rcvd: accepted adverts from a master that is leaving
    // The last valid advert heard and why the running Master_Down_Timer may expire: plain fields, so the VRRP
    // thread allocates nothing per advert; the Cause is built only at a transition.
    private Ipv4Address heardFrom;     // null before any
    private int heardPriority;
    private long heardAt;
    private Cause.Relation heardRelation;
    private Cause.MasterDown.Kind downKind = Cause.MasterDown.Kind.MASTER_DOWN;
    private Cause.MasterDown pendingMasterDown; // sync-gated member: the expiry the group will act on

    public VrrpInstance(VrrpInstanceSpec spec) {
        if (spec.sourceAddress() == null)
            throw new IllegalArgumentException("vrrp_instance " + spec.name() + ": source address unknown (resolve the interface's primary address first)");
        this.spec = spec;
        this.name = spec.name();
        this.advertAddresses = spec.virtualAddresses().stream().map(VirtualAddress::address).toList();
        List<VirtualAddress> all = new ArrayList<>(spec.virtualAddresses());
        all.addAll(spec.excludedAddresses());
        this.allAddresses = List.copyOf(all);
        this.authData = java.util.Arrays.copyOf(spec.authPassword(), VrrpAdvertFlyweight.AUTH_DATA_LENGTH);
        this.basePriority = spec.priority();
        this.masterAdvertCentis = spec.advertIntervalCentis();
        recompute();
    }

    // ---------------------------------------------------------------- queries

    public String name() { return name; }
    public VrrpInstanceSpec spec() { return spec; }
    public VrrpState state() { return state; }
    public int basePriority() { return basePriority; }
    public int effectivePriority() { return effectivePriority; }
    /** Source of the last accepted advert (ourselves while MASTER); null before any. */
    public Ipv4Address masterAddress() { return masterAddress; }
    public int masterPriority() { return masterPriority; }
    public int masterAdvertIntervalCentis() { return masterAdvertCentis; }
    public long dropCount(DropReason r) { return drops.getOrDefault(r, 0L); }
    public Map<DropReason, Long> dropCounts() { return Collections.unmodifiableMap(new EnumMap<>(drops)); }
    public long advertsAccepted() { return advertsAccepted; }
    public long priorityZeroReceived() { return priorityZeroReceived; }

    /** Skew_Time in nanoseconds for the current effective priority (v2: (256-p)/256 s; v3: (256-p)*Master_Adver_Interval/256). */
    public long skewNanos() { return skewFor(effectivePriority); }

    private long skewFor(int priority) {
        long p = 256 - priority;
        long micros = spec.version() == 3 ? p * masterAdvertCentis * 625L / 16 : p * 1_000_000L / 256;
        return micros * 1000;
    }

    /** Master_Down_Interval = down_timer_adverts (RFC: 3) * Master_Adver_Interval + Skew_Time, in nanoseconds. */
    public long masterDownIntervalNanos() {
        return spec.advertOptions().downTimerAdverts() * masterAdvertCentis * NANOS_PER_CENTI + skewNanos();
    }

    public OptionalLong nextDeadline() {
        return timerArmed() ? OptionalLong.of(timerAt()) : OptionalLong.empty();
    }

    /** Whether a timer runs ({@link #nextDeadline()} without the allocation, for the router). */
    boolean timerArmed() {
        for (Timer t : ticking) if (t.armed) return true;
        return !lowerPrioGarps.isEmpty();
    }

    /** The earliest running timer; meaningful when {@link #timerArmed()}. */
    long timerAt() {
        boolean any = false;
        long best = 0;
        for (Timer t : ticking) {
            if (t.armed && (!any || t.at - best < 0)) { best = t.at; any = true; }
        }
        Long lp = lowerPrioGarps.peekFirst();
        if (lp != null && (!any || lp - best < 0)) best = lp;
        return best;
    }

    // ---------------------------------------------------------------- the step function

    /**
     * The router's timer path: {@code step(new Tick(now))} into {@code out}, without the trailing
     * {@link TimerRequest} (the router reads the timers itself). A MASTER's advert allocates nothing here.
     */
    void tick(long now, List<VrrpEffect> out) {
        if (state == VrrpState.STOP) return;
        onTick(now, out);
    }

    public List<VrrpEffect> step(VrrpInput input) {
        List<VrrpEffect> out = new ArrayList<>();
        if (state == VrrpState.STOP) return out;
        long now = input.now();
        switch (input) {
            case Start s -> { if (state == VrrpState.INIT) start(now, out); }
            case AdvertReceived a -> onAdvert(now, a.advert(), out);
            case Tick t -> onTick(now, out);
            case TrackerChanged t -> {
                trackerValues.put(key(t.kind(), t.name()), t.kind() == TrackerSpec.Kind.FILE ? t.value() : (t.up() ? 1L : 0L));
                reevaluate(now, new Cause.Tracker(t.kind(), t.name(), t.kind() == TrackerSpec.Kind.FILE ? t.value() : (t.up() ? 1 : 0)), out);
            }
            case InterfaceChanged i -> {
                interfaces.put(i.name(), i.up());
                reevaluate(now, new Cause.Interface(i.name(), i.up()), out);
            }
            case SetPriority p -> {
                if (p.priority() < 1 || p.priority() > 255) throw new IllegalArgumentException("priority " + p.priority() + " not in 1..255");
                basePriority = p.priority();
                reevaluate(now, new Cause.Operator(p.why()), out);
            }
            case VrrpInput.Reconfigure r -> reconfigure(now, r, out);
            case Shutdown s -> stop(out);
        }
        finish(out);
        return out;
    }

    /**
     * The receive path of the router: an advert (possibly a flyweight over the receive buffer, not kept) stepped
     * into {@code out}, without the trailing {@link TimerRequest} (the router reads the timers itself). Allocates
     * nothing when the advert changes nothing but the timers.
     */
    void receive(long now, Advert a, List<VrrpEffect> out) {
        if (state == VrrpState.STOP) return;
        onAdvert(now, a, out);
    }

    private void reconfigure(long now, VrrpInput.Reconfigure r, List<VrrpEffect> out) {
        VrrpInstanceSpec n = r.spec();
        if (!n.name().equals(name) || n.vrid() != spec.vrid() || n.version() != spec.version()
                || !n.interfaceName().equals(spec.interfaceName()) || n.advertIntervalCentis() != spec.advertIntervalCentis())
            throw new IllegalArgumentException("vrrp_instance " + name + ": reconfigure cannot change identity or interval");
        if (n.sourceAddress() == null) n = n.withSourceAddress(spec.sourceAddress());
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (TrackerSpec t : n.trackers()) keep.add(key(t.kind(), t.name()));
        trackerValues.keySet().retainAll(keep); // a removed tracker no longer counts; re-added it starts afresh
        List<VirtualAddress> oldAll = allAddresses;
        spec = n;
        advertAddresses = n.virtualAddresses().stream().map(VirtualAddress::address).toList();
        List<VirtualAddress> all = new ArrayList<>(n.virtualAddresses());
        all.addAll(n.excludedAddresses());
        allAddresses = List.copyOf(all);
        if (state == VrrpState.MASTER) { // only the difference: the addresses kept are never touched
            List<VirtualAddress> gone = oldAll.stream().filter(a -> !allAddresses.contains(a)).toList();
            List<VirtualAddress> added = allAddresses.stream().filter(a -> !oldAll.contains(a)).toList();
            if (!gone.isEmpty()) out.add(new RemoveAddresses(name, spec.addressInterface(), gone));
            if (!added.isEmpty()) {
                out.add(new AddAddresses(name, spec.addressInterface(), added));
                Map<String, List<Ipv4Address>> byDevice = new java.util.LinkedHashMap<>();
                for (VirtualAddress v : added)
                    byDevice.computeIfAbsent(v.device() == null ? spec.addressInterface() : v.device(), d -> new ArrayList<>()).add(v.address());
                byDevice.forEach((dev, addrs) -> out.add(new SendGarp(name, dev, addrs, spec.garp().masterRepeat(), GarpReason.ADDRESS_ADDED)));
            }
        }
        basePriority = n.priority();
        if (spec.preemptDelay().isZero()) preemptTimer.off();
        if (spec.garpExtraIf() == null) extraGarpTimer.off();
        else if (state == VrrpState.MASTER && !extraGarpTimer.armed) extraGarpTimer.set(now + spec.garpExtraIf().interval().toNanos());
        reevaluate(now, new Cause.Operator(r.why()), out);
    }

    private void finish(List<VrrpEffect> out) {
        OptionalLong next = nextDeadline();
        if (next.isPresent()) out.add(new TimerRequest(name, next.getAsLong()));
    }

    private void start(long now, List<VrrpEffect> out) {
        Cause cause = new Cause.Startup();
        if (ownFault || groupFault) toFault(cause, out);
        else if (spec.addressOwner() && spec.initialState() == VrrpState.MASTER && !syncGated) toMaster(now, cause, out);
        else toBackup(now, cause, out);
    }

    private void onAdvert(long now, Advert a, List<VrrpEffect> out) {
        if (state != VrrpState.BACKUP && state != VrrpState.MASTER) return; // INIT/FAULT listen to nobody
        DropReason bad = validate(a);
        if (bad != null) {
            drops.merge(bad, 1L, Long::sum);
            out.add(new AdvertDropped(name, bad, a.source()));
            return; // a dropped advert leaves every timer as it was
        }
        advertsAccepted++;
        int prio = a.priority();
        if (prio == 0) priorityZeroReceived++;
        if (heardFrom == null || heardFrom.bits() != a.sourceBits()) heardFrom = a.source(); // a new object only for a new sender
        Ipv4Address from = heardFrom;
        heardPriority = prio;
        heardAt = now;
        heardRelation = Cause.Relation.of(prio, from, effectivePriority, spec.sourceAddress());
        if (state == VrrpState.BACKUP) {
            if (prio == 0) {
                // The master is leaving: take over after Skew_Time only, highest priority first.
                downTimer.set(now + skewNanos());
                downKind = Cause.MasterDown.Kind.PRIORITY_ZERO;
            } else if (!spec.preempt() || prio >= effectivePriority || preemptDelayRunning(now)) {
                if (spec.version() == 3) masterAdvertCentis = a.advertIntervalCentis();
                masterAddress = from;
                masterPriority = prio;
                downTimer.set(now + masterDownIntervalNanos());
                downKind = Cause.MasterDown.Kind.MASTER_DOWN;
                if (!spec.preemptDelay().isZero()) {
                    if (prio >= effectivePriority) preemptTimer.off();
                    else if (!preemptTimer.armed) preemptTimer.set(now + spec.preemptDelay().toNanos());
                }
                wantMaster = false;
            } else {
                // Lower priority and we may preempt: ignore it and let Master_Down_Timer run out (RFC 5798 6.4.2).
                masterAddress = from;
                if (downKind == Cause.MasterDown.Kind.MASTER_DOWN) // a priority-0 cut stays the reason
                    downKind = spec.preemptDelay().isZero() ? Cause.MasterDown.Kind.PREEMPT : Cause.MasterDown.Kind.PREEMPT_DELAY;
            }
            return;
        }
        // MASTER
        if (prio == 0) {
            sendAdverts(effectivePriority, out);
            advertTimer.set(now + advertNanos());
            return;
        }
        AdvertOptions o = spec.advertOptions();
        int cmp = from.compareTo(spec.sourceAddress());
        if (prio < effectivePriority || (prio == effectivePriority && cmp < 0)) {
            out.add(new VrrpEffect.LowerPriorityHeard(name, from, prio, effectivePriority, o.notifyMasterRxLowerPri()));
            // keepalived: "forcing new election" so the other side hears us now, unless lower_prio_no_advert
            if (!o.lowerPrioNoAdvert()) sendAdverts(effectivePriority, out);
            lowerPrioGarps(now, out);
            return;
        }
        // higher_prio_send_advert: one advert of ours first, so a peer that may not hear us learns we were MASTER
        if (o.higherPrioSendAdvert()) sendAdverts(effectivePriority, out);
        masterAddress = from;
        masterPriority = prio;
        if (spec.version() == 3) masterAdvertCentis = a.advertIntervalCentis();
        toBackup(now, lastHeard(), out);
    }

    private boolean preemptDelayRunning(long now) {
        if (spec.preemptDelay().isZero()) return false;
        return !preemptTimer.armed || preemptTimer.at - now > 0;
    }

    private DropReason validate(Advert a) {
        if (!spec.unicast() && a.ttl() != VrrpAdvertFlyweight.REQUIRED_TTL) return DropReason.BAD_TTL;
        if (a.version() != spec.version()) return DropReason.VERSION_MISMATCH;
        if (a.vrid() != spec.vrid()) return DropReason.VRID_MISMATCH;
        if (spec.version() == 2) {
            if (a.authType() > VrrpAdvertFlyweight.AUTH_AH) return DropReason.INVALID_AUTH_TYPE;
            if (a.authType() != spec.authType()) return DropReason.AUTH_TYPE_MISMATCH;
            if (spec.authType() == VrrpAdvertFlyweight.AUTH_PASS && !a.authDataEquals(authData))
                return DropReason.AUTH_FAILURE;
            if (a.advertIntervalCentis() != spec.advertIntervalCentis()) return DropReason.ADVERT_INTERVAL_MISMATCH;
        }
        if (a.type() != VrrpAdvertFlyweight.TYPE_ADVERTISEMENT) return DropReason.INVALID_TYPE;
        // as keepalived: same count, and every configured address present (no allocation on the VRRP thread)
        if (!a.listsExactly(advertAddresses)) return DropReason.ADDRESS_LIST_MISMATCH;
        if (!a.checksumValid()) return DropReason.BAD_CHECKSUM;
        if (Ipv4Address.isMulticast(a.destinationBits()) == spec.unicast()) return DropReason.UNEXPECTED_DESTINATION;
        // keepalived's socket is bound to its group: an advert to another group never reaches the instance
        if (!spec.unicast() && a.destinationBits() != spec.advertOptions().multicastGroup().bits()) return DropReason.UNEXPECTED_DESTINATION;
        if (a.sourceBits() == spec.sourceAddress().bits()) return DropReason.OWN_ADDRESS;
        // keepalived checks this with the address list; skip_check_adv_addr is not modelled, so always
        if (spec.checkUnicastSource() && spec.unicast()) {
            if (!isUnicastPeer(a.sourceBits())) return DropReason.NOT_UNICAST_PEER;
            // keepalived checks a peer's min_ttl/max_ttl only here, with check_unicast_src
            if (!spec.advertOptions().ttlAllowed(a.sourceBits(), a.ttl())) return DropReason.BAD_TTL;
        }
        return null;
    }

    private boolean isUnicastPeer(int bits) {
        for (Ipv4Address p : spec.unicastPeers()) if (p.bits() == bits) return true;
        return false;
    }

    private void onTick(long now, List<VrrpEffect> out) {
        if (state == VrrpState.BACKUP && downTimer.due(now)) {
            downTimer.off();
            Cause.MasterDown why = new Cause.MasterDown(downKind, lastHeard());
            if (syncGated) { wantMaster = true; pendingMasterDown = why; } // the sync group decides (all members must be ready)
            else toMaster(now, why, out);
            return;
        }
        if (state != VrrpState.MASTER) return;
        if (advertTimer.due(now)) {
            sendAdverts(effectivePriority, out);
            advertTimer.set(now + advertNanos());
        }
        if (garpDelayTimer.due(now)) {
            garpDelayTimer.off();
            garps(spec.garp().masterRepeat(), GarpReason.MASTER_DELAY, out);
        }
        if (garpRefreshTimer.due(now)) {
            garpRefreshTimer.set(now + spec.garp().masterRefresh().toNanos());
            garps(spec.garp().refreshRepeat(), GarpReason.REFRESH, out);
        }
        if (extraGarpTimer.due(now)) {
            extraGarpTimer.set(now + spec.garpExtraIf().interval().toNanos());
            extraGarps(out);
        }
        for (Long at = lowerPrioGarps.peekFirst(); at != null && now - at >= 0; at = lowerPrioGarps.peekFirst()) {
            lowerPrioGarps.pollFirst();
            if (spec.garp().lowerPrioRepeat() > 0) garps(spec.garp().lowerPrioRepeat(), GarpReason.LOWER_PRIO_DELAY, out);
        }
    }

    /** garp_lower_prio_repeat GARPs now and, with garp_lower_prio_delay, once more after it (MASTER only). */
    private void lowerPrioGarps(long now, List<VrrpEffect> out) {
        GarpSpec g = spec.garp();
        if (state != VrrpState.MASTER || g.lowerPrioRepeat() == 0) return;
        garps(g.lowerPrioRepeat(), GarpReason.LOWER_PRIO, out);
        if (!g.lowerPrioDelay().isZero()) lowerPrioGarps.addLast(now + g.lowerPrioDelay().toNanos());
    }

    private void reevaluate(long now, Cause cause, List<VrrpEffect> out) {
        int old = effectivePriority;
        recompute();
        if (state == VrrpState.INIT) return;
        if (effectivePriority != old) {
            out.add(new PriorityChanged(name, old, effectivePriority, cause));
            // As keepalived: a MASTER just advertises the new priority at its next advert; a BACKUP's running
            // Master_Down_Timer moves by the change in Skew_Time (higher priority, shorter skew, earlier takeover).
            if (state == VrrpState.BACKUP && downTimer.armed) {
                long newSkew = skewNanos();
                downTimer.set(downTimer.at + newSkew - skewFor(old));
            }
        }
        if ((ownFault || groupFault) && (state == VrrpState.BACKUP || state == VrrpState.MASTER)) toFault(cause, out);
        else if (!ownFault && !groupFault && state == VrrpState.FAULT) leaveFault(now, cause, out);
    }

    /** Effective priority and own fault from base priority, trackers and interfaces. */
    private void recompute() {
        boolean fault = spec.trackPrimaryInterface() && !interfaces.getOrDefault(spec.interfaceName(), true);
        // unicast_fault_no_peer: no peer to send to, and no falling back to multicast (keepalived: a config fault)
        if (spec.advertOptions().faultNoPeer() && spec.unicastPeers().isEmpty()) fault = true;
        long sum = basePriority;
        for (TrackerSpec t : spec.trackers()) {
            if (t.kind() == TrackerSpec.Kind.FILE) {
                long v = trackerValues.getOrDefault(key(t.kind(), t.name()), 0L);
                if (t.weight() == 0) { if (v != 0) fault = true; continue; }
                long c = Math.clamp(v, -1000L, 1000L) * t.weight() * (t.reverse() ? -1 : 1);
                if (c <= -254) fault = true;
                else if (basePriority != 255) sum += c;
                continue;
            }
            boolean up = t.kind() == TrackerSpec.Kind.INTERFACE
                    ? interfaces.getOrDefault(t.name(), trackerValues.getOrDefault(key(t.kind(), t.name()), 1L) != 0)
                    : trackerValues.getOrDefault(key(t.kind(), t.name()), 1L) != 0;
            if (t.reverse()) up = !up;
            if (t.weight() == 0) { if (!up) fault = true; }
            else if (basePriority == 255) continue; // the address owner's priority is never adjusted (keepalived)
            else if (t.weight() > 0 && up) sum += t.weight();
            else if (t.weight() < 0 && !up) sum += t.weight();
        }
        ownFault = fault;
        effectivePriority = basePriority == 255 ? 255 : (int) Math.clamp(sum, 1, 254);
    }

    private void stop(List<VrrpEffect> out) {
        VrrpState from = state;
        if (from == VrrpState.MASTER) {
            sendAdverts(0, out);
            out.add(new RemoveAddresses(name, spec.addressInterface(), allAddresses));
        }
        state = VrrpState.STOP;
        out.add(new StateChanged(name, from, VrrpState.STOP, new Cause.Shutdown()));
        notifies(VrrpState.STOP, out);
        allTimersOff();
    }

    // ---------------------------------------------------------------- transitions

    private void toMaster(long now, Cause cause, List<VrrpEffect> out) {
        VrrpState from = state;
        state = VrrpState.MASTER;
        out.add(new StateChanged(name, from, VrrpState.MASTER, cause));
        // keepalived sends the advert before adding addresses so the old master releases them before our GARPs.
        sendAdverts(effectivePriority, out);
        out.add(new AddAddresses(name, spec.addressInterface(), allAddresses));
        garps(spec.garp().masterRepeat(), GarpReason.BECAME_MASTER, out);
        notifies(VrrpState.MASTER, out);
        downTimer.off();
        preemptTimer.off();
        wantMaster = false;
        advertTimer.set(now + advertNanos());
        if (!spec.garp().masterDelay().isZero()) garpDelayTimer.set(now + spec.garp().masterDelay().toNanos());
        if (!spec.garp().masterRefresh().isZero()) garpRefreshTimer.set(now + spec.garp().masterRefresh().toNanos());
        if (spec.garpExtraIf() != null) extraGarpTimer.set(now + spec.garpExtraIf().interval().toNanos());
        masterAddress = spec.sourceAddress();
        masterPriority = effectivePriority;
        masterAdvertCentis = spec.advertIntervalCentis();
    }

    private void toBackup(long now, Cause cause, List<VrrpEffect> out) {
        VrrpState from = state;
        state = VrrpState.BACKUP;
        out.add(new StateChanged(name, from, VrrpState.BACKUP, cause));
        if (from == VrrpState.MASTER) out.add(new RemoveAddresses(name, spec.addressInterface(), allAddresses));
        notifies(VrrpState.BACKUP, out);
        allTimersOff();
        wantMaster = false;
        downTimer.set(now + masterDownIntervalNanos());
        downKind = Cause.MasterDown.Kind.MASTER_DOWN;
    }

    private void toFault(Cause cause, List<VrrpEffect> out) {
        VrrpState from = state;
        state = VrrpState.FAULT;
        out.add(new StateChanged(name, from, VrrpState.FAULT, cause));
        if (from == VrrpState.MASTER) {
            sendAdverts(0, out); // let a backup take over after Skew_Time instead of Master_Down_Interval
            out.add(new RemoveAddresses(name, spec.addressInterface(), allAddresses));
        }
        notifies(VrrpState.FAULT, out);
        allTimersOff();
        wantMaster = false;
    }

    private void leaveFault(long now, Cause cause, List<VrrpEffect> out) {
        masterAdvertCentis = spec.advertIntervalCentis();
        if (spec.addressOwner() && spec.initialState() == VrrpState.MASTER && !syncGated) toMaster(now, cause, out);
        else toBackup(now, cause, out);
    }

    private void allTimersOff() {
        downTimer.off();
        advertTimer.off();
        garpDelayTimer.off();
        garpRefreshTimer.off();
        extraGarpTimer.off();
        preemptTimer.off();
        lowerPrioGarps.clear(); // keepalived's delayed burst sends nothing once the VIPs are gone
    }

    // ---------------------------------------------------------------- sync group hooks (package-private)

    void joinSyncGroup() { syncGated = true; }
    boolean wantsMaster() { return wantMaster; }
    /** Why this gated member's Master_Down_Timer expired (plain expiry if it never did). */
    Cause.MasterDown masterDownCause() { return pendingMasterDown != null ? pendingMasterDown : new Cause.MasterDown(); }
    boolean ownFault() { return ownFault; }

    void groupForceMaster(long now, Cause cause, List<VrrpEffect> out) {
        if (state == VrrpState.BACKUP) toMaster(now, cause, out);
    }

    void groupForceBackup(long now, Cause cause, List<VrrpEffect> out) {
        if (state == VrrpState.MASTER) toBackup(now, cause, out);
    }

    /** Another member heard a lower priority: keepalived sends this member's lower-priority GARPs too. */
    void groupLowerPrioGarps(long now, List<VrrpEffect> out) { lowerPrioGarps(now, out); }

    void groupHoldFault(Cause cause, List<VrrpEffect> out) {
        groupFault = true;
        if (state == VrrpState.BACKUP || state == VrrpState.MASTER) toFault(cause, out);
    }

    void groupReleaseFault(long now, Cause cause, List<VrrpEffect> out) {
        groupFault = false;
        if (state == VrrpState.FAULT && !ownFault) leaveFault(now, cause, out);
    }

    void appendTimer(List<VrrpEffect> out) {
        out.removeIf(e -> e instanceof TimerRequest t && t.instance().equals(name));
        finish(out);
    }

    // ---------------------------------------------------------------- helpers

    private long advertNanos() { return spec.advertIntervalCentis() * NANOS_PER_CENTI; }

    /** The last valid advert heard as a cause, or null if none was. */
    private Cause.Advert lastHeard() {
        return heardFrom == null ? null : new Cause.Advert(heardFrom, heardPriority, heardRelation, heardAt);
    }

    /** One SendGarp per device the addresses live on (an address with {@code dev} is announced there), in spec order. */
    private void garps(int repeat, GarpReason reason, List<VrrpEffect> out) {
        Map<String, List<Ipv4Address>> byDevice = new java.util.LinkedHashMap<>();
        for (VirtualAddress v : allAddresses)
            byDevice.computeIfAbsent(v.device() == null ? spec.addressInterface() : v.device(), d -> new ArrayList<>()).add(v.address());
        byDevice.forEach((dev, addrs) -> out.add(new SendGarp(name, dev, addrs, repeat, reason)));
    }

    /**
     * garp_extra_if: one GARP (the first address) per interface the addresses use, with {@code all} (without it,
     * keepalived 2.2.7 only serves VMACs made by use_vmac_addr, which Vigil does not make); the instance's own VMAC or
     * interface only with vmac_xmit_base, when no advert refreshes its MAC. As seen on the wire from keepalived 2.2.7.
     */
    private void extraGarps(List<VrrpEffect> out) {
        if (!spec.garpExtraIf().allInterfaces()) return;
        java.util.Set<String> done = new java.util.HashSet<>();
        for (VirtualAddress v : allAddresses) {
            String dev = v.device() == null ? spec.addressInterface() : v.device();
            if (dev.equals(spec.addressInterface()) && (spec.vmac() == null || !spec.vmac().xmitBase())) continue;
            if (done.add(dev)) out.add(new SendGarp(name, dev, List.of(v.address()), 1, GarpReason.EXTRA_IF));
        }
    }

    /**
     * The last adverts built, one per destination, for {@code cachedPriority} under {@code cachedSpec} and
     * {@code cachedAddresses}: a MASTER sends the same message every interval, so the effect (immutable) is reused
     * rather than encoded and copied each time.
     */
    private SendAdvert[] cachedAdverts;
    private VrrpInstanceSpec cachedSpec;
    private List<Ipv4Address> cachedAddresses;
    private int cachedPriority = -1;

    private void sendAdverts(int priority, List<VrrpEffect> out) {
        SendAdvert[] c = cachedAdverts;
        if (c == null || cachedSpec != spec || cachedAddresses != advertAddresses || cachedPriority != priority) {
            int from = out.size();
            encodeAdverts(priority, out);
            c = out.subList(from, out.size()).toArray(new SendAdvert[0]);
            cachedAdverts = c;
            cachedSpec = spec;
            cachedAddresses = advertAddresses;
            cachedPriority = priority;
            return;
        }
        for (SendAdvert a : c) out.add(a);
    }

    private void encodeAdverts(int priority, List<VrrpEffect> out) {
        AdvertOptions o = spec.advertOptions();
        List<Ipv4Address> destinations = spec.unicast() ? spec.unicastPeers() : List.of(o.multicastGroup());
        int ttl = spec.unicast() ? o.unicastTtl() : VrrpAdvertFlyweight.REQUIRED_TTL;
        for (Ipv4Address dst : destinations) {
            byte[] msg = VrrpAdvertFlyweight.encode(spec.version(), spec.vrid(), priority, spec.advertIntervalCentis(),
                    advertAddresses, spec.authType(), authData, spec.sourceAddress(), dst);
            out.add(new SendAdvert(name, spec.sourceAddress(), dst, priority, msg, ttl));
        }
    }

    private void notifies(VrrpState s, List<VrrpEffect> out) {
        String specific = spec.notifyScripts().forState(s);
        if (specific != null) out.add(new RunNotify(name, s, specific, List.of()));
        if (spec.notifyScripts().generic() != null)
            out.add(new RunNotify(name, s, spec.notifyScripts().generic(),
                    List.of("INSTANCE", name, s.name(), Integer.toString(effectivePriority))));
    }

    private static String key(TrackerSpec.Kind kind, String name) { return kind + ":" + name; }

    /** A deadline that is either off or at an absolute caller-clock time. */
    private static final class Timer {
        boolean armed;
        long at;
        void set(long when) { armed = true; at = when; }
        void off() { armed = false; }
        boolean due(long now) { return armed && now - at >= 0; }
    }
}
