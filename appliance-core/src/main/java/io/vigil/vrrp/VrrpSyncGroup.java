package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.RunNotify;
import io.vigil.vrrp.VrrpEffect.StateChanged;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure coordinator of a vrrp_sync_group: members move together, as keepalived does it.
 * <ul>
 *   <li>A member in FAULT holds every other member in FAULT until no member has its own fault.</li>
 *   <li>A member whose Master_Down_Timer expires only becomes MASTER when every member is ready (its own timer
 *       expired too, or already MASTER); then all become MASTER together.</li>
 *   <li>A member that becomes MASTER (address owner) or BACKUP (higher-priority advert) drags the rest along.</li>
 * </ul>
 * Route every input for a member through {@link #step(String, VrrpInput)}; ticks can go to {@link #tick(long)}.
 */
public final class VrrpSyncGroup {
    private final SyncGroupSpec spec;
    private final Map<String, VrrpInstance> members = new LinkedHashMap<>();
    private VrrpState groupState = VrrpState.INIT;

    public VrrpSyncGroup(SyncGroupSpec spec, List<VrrpInstance> instances) {
        this.spec = spec;
        for (VrrpInstance i : instances) {
            if (!spec.members().contains(i.name()))
                throw new IllegalArgumentException("instance " + i.name() + " is not in sync group " + spec.name());
            i.joinSyncGroup();
            members.put(i.name(), i);
        }
        if (members.size() != spec.members().size())
            throw new IllegalArgumentException("sync group " + spec.name() + ": instances given do not match members " + spec.members());
    }

    public String name() { return spec.name(); }
    public VrrpState state() { return groupState; }
    public List<VrrpInstance> members() { return List.copyOf(members.values()); }

    /** Steps one member, then moves the others as the group rules require. */
    public List<VrrpEffect> step(String member, VrrpInput input) {
        VrrpInstance m = members.get(member);
        if (m == null) throw new IllegalArgumentException("no member " + member + " in sync group " + spec.name());
        List<VrrpEffect> out = new ArrayList<>(m.step(input));
        reconcile(input.now(), m, out, 0);
        return out;
    }

    /** Ticks every member. */
    public List<VrrpEffect> tick(long now) {
        List<VrrpEffect> out = new ArrayList<>();
        for (VrrpInstance m : members.values()) {
            int from = out.size();
            out.addAll(m.step(new VrrpInput.Tick(now)));
            reconcile(now, m, out, from);
        }
        return out;
    }

    /** Applies the group rules after {@code trigger} produced {@code out[from..]}. */
    private void reconcile(long now, VrrpInstance trigger, List<VrrpEffect> out, int from) {
        StateChanged change = null;
        for (VrrpEffect e : out.subList(from, out.size()))
            if (e instanceof StateChanged sc && sc.instance().equals(trigger.name())) change = sc;
        List<VrrpInstance> touched = new ArrayList<>();
        boolean heardLower = false;
        for (VrrpEffect e : out.subList(from, out.size()))
            if (e instanceof VrrpEffect.LowerPriorityHeard h && h.instance().equals(trigger.name())) heardLower = true;
        if (heardLower) // keepalived: the other members send their garp_lower_prio_repeat GARPs too
            for (VrrpInstance o : members.values())
                if (o != trigger) { int n = out.size(); o.groupLowerPrioGarps(now, out); if (out.size() > n) touched.add(o); }
        Cause why = new Cause.SyncGroup(spec.name(), trigger.name(), change == null ? new Cause.MasterDown() : change.cause());

        boolean anyOwnFault = members.values().stream().anyMatch(VrrpInstance::ownFault);
        if (anyOwnFault) {
            for (VrrpInstance o : members.values())
                if (o != trigger || !o.ownFault()) { int n = out.size(); o.groupHoldFault(why, out); if (out.size() > n) touched.add(o); }
        } else if (members.values().stream().anyMatch(o -> o.state() == VrrpState.FAULT)) {
            for (VrrpInstance o : members.values()) { int n = out.size(); o.groupReleaseFault(now, why, out); if (out.size() > n) touched.add(o); }
        } else if (change != null && change.to() == VrrpState.BACKUP && change.from() == VrrpState.MASTER) {
            for (VrrpInstance o : members.values()) { int n = out.size(); o.groupForceBackup(now, why, out); if (out.size() > n) touched.add(o); }
        } else if (change != null && change.to() == VrrpState.MASTER) {
            for (VrrpInstance o : members.values()) { int n = out.size(); o.groupForceMaster(now, why, out); if (out.size() > n) touched.add(o); }
        } else if (members.values().stream().allMatch(o -> o.state() == VrrpState.MASTER || o.wantsMaster())
                && members.values().stream().anyMatch(VrrpInstance::wantsMaster)) {
            VrrpInstance waiting = trigger.wantsMaster() ? trigger
                    : members.values().stream().filter(VrrpInstance::wantsMaster).findFirst().orElseThrow();
            Cause ready = new Cause.SyncGroup(spec.name(), waiting.name(), waiting.masterDownCause());
            for (VrrpInstance o : members.values()) { int n = out.size(); o.groupForceMaster(now, ready, out); if (out.size() > n) touched.add(o); }
        }
        touched.add(trigger);
        for (VrrpInstance o : touched) o.appendTimer(out);
        groupNotify(out);
    }

    private void groupNotify(List<VrrpEffect> out) {
        VrrpState s;
        if (members.values().stream().anyMatch(m -> m.state() == VrrpState.FAULT)) s = VrrpState.FAULT;
        else if (members.values().stream().allMatch(m -> m.state() == VrrpState.MASTER)) s = VrrpState.MASTER;
        else if (members.values().stream().allMatch(m -> m.state() == VrrpState.STOP)) s = VrrpState.STOP;
        else if (members.values().stream().anyMatch(m -> m.state() == VrrpState.INIT)) s = VrrpState.INIT;
        else s = VrrpState.BACKUP;
        if (s == groupState) return;
        groupState = s;
        String specific = spec.notifyScripts().forState(s);
        if (specific != null) out.add(new RunNotify(spec.name(), s, specific, List.of()));
        if (spec.notifyScripts().generic() != null)
            out.add(new RunNotify(spec.name(), s, spec.notifyScripts().generic(), List.of("GROUP", spec.name(), s.name())));
    }
}
