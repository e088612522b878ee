package io.vigil.linux.ipvs;

import io.vigil.ipvs.DesiredState;
import io.vigil.ipvs.IpvsChange;
import io.vigil.ipvs.IpvsDiff;
import io.vigil.ipvs.IpvsTable;
import io.vigil.ipvs.ServiceKey;
import io.vigil.linux.LinuxException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Brings the kernel's IPVS table to a desired state without flushing: read the table, diff, apply the changes
 * one by one. Used at start-up and on every reload (and whenever real-server states change). A failed change
 * is reported and the rest still applied — one bad destination must not keep the others out. Only services Vigil
 * configured are touched (see {@link #owned}); others in the kernel are left as they are.
 * <p>
 * Where the kernel has no IPVS, the first call says so once (warning) and every call returns
 * {@link Result#unavailable()}; the family is looked up again each time, so a later {@code modprobe ip_vs}
 * is picked up.
 */
public final class IpvsReconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpvsReconciler.class);

    /** What a reconcile did. {@code unavailable}: the kernel has no IPVS, nothing was done. */
    public record Result(boolean unavailable, IpvsTable before, List<IpvsChange> applied, List<Failure> failures) {
        public Result {
            applied = List.copyOf(applied);
            failures = List.copyOf(failures);
        }

        static Result noIpvs() { return new Result(true, IpvsTable.empty(), List.of(), List.of()); }

        public boolean ok() { return !unavailable && failures.isEmpty(); }
    }

    public record Failure(IpvsChange change, LinuxException error) {}

    private IpvsNetlink ipvs;
    private boolean unavailableReported;
    /**
     * The services Vigil configured (this run, and runs before a reload: {@link #adopt}): only these are ever deleted.
     * A service in the kernel that the configuration never had is someone else's and is left alone, as keepalived does.
     */
    private final java.util.Set<ServiceKey> owned = new java.util.HashSet<>();
    /** What the kernel holds after our last fully successful apply; null = unknown, read it again. */
    private LinkedHashMap<ServiceKey, IpvsTable.Entry> known;

    /** @return true once the kernel's IPVS could be opened */
    public boolean available() {
        return connect() != null;
    }

    private IpvsNetlink connect() {
        if (ipvs != null) return ipvs;
        try {
            ipvs = IpvsNetlink.open();
            if (unavailableReported) log.info("IPVS is now available in the kernel; virtual servers will be programmed");
            unavailableReported = false;
        } catch (IpvsUnavailableException e) {
            if (!unavailableReported) {
                log.warn("{} — virtual servers will not be programmed; VRRP and checks go on", e.getMessage());
                unavailableReported = true;
            }
        } catch (LinuxException e) {
            if (!unavailableReported) {
                log.warn("cannot open IPVS: {} — virtual servers will not be programmed", e.getMessage());
                unavailableReported = true;
            }
        }
        return ipvs;
    }

    /** Takes over what an earlier reconciler (before a reload) configured, so services dropped from the configuration go. */
    public void adopt(java.util.Collection<ServiceKey> services) { owned.addAll(services); }

    /** The services this reconciler would delete when no longer configured. */
    public java.util.Set<ServiceKey> owned() { return java.util.Set.copyOf(owned); }

    /** The open kernel handle, or null where there is no IPVS. */
    public IpvsNetlink netlink() { return connect(); }

    /** Reads the kernel's table and applies the diff (start-up, reload, after any failure). */
    public Result reconcile(DesiredState desired) throws LinuxException {
        IpvsNetlink k = connect();
        if (k == null) return Result.noIpvs();
        return apply(k, desired, k.snapshot().table());
    }

    /**
     * For real-server state changes between reloads: diffs against what the last apply left in the kernel
     * instead of listing it again (a listing of 30 000 destinations costs far more than one weight flip).
     * Falls back to {@link #reconcile} when that is unknown (first call, or a change failed).
     */
    public Result update(DesiredState desired) throws LinuxException {
        IpvsNetlink k = connect();
        if (k == null) return Result.noIpvs();
        return apply(k, desired, known == null ? k.snapshot().table() : new IpvsTable(known));
    }

    /**
     * For a state change inside some virtual servers: {@code partial} is the plan of just those (their services
     * only); it is diffed against what the last apply left for those services, so the cost is that of the
     * virtual servers involved, not of the whole table. Falls back to a full read of the kernel when that is unknown.
     */
    public Result updateServices(DesiredState partial) throws LinuxException {
        IpvsNetlink k = connect();
        if (k == null) return Result.noIpvs();
        if (known == null) {
            IpvsTable all = k.snapshot().table();
            known = new LinkedHashMap<>(all.services());
        }
        LinkedHashMap<ServiceKey, IpvsTable.Entry> scope = new LinkedHashMap<>();
        for (ServiceKey key : partial.table().services().keySet()) {
            IpvsTable.Entry e = known.get(key);
            if (e != null) scope.put(key, e);
        }
        IpvsTable before = new IpvsTable(scope);
        List<IpvsChange> changes = IpvsDiff.diff(partial, before, owned);
        Result r = run(k, changes, before);
        owned.addAll(partial.table().services().keySet());
        if (r.failures().isEmpty()) known.putAll(partial.table().services());
        else known = null;
        return r;
    }

    private Result apply(IpvsNetlink k, DesiredState desired, IpvsTable actual) throws LinuxException {
        known = null;
        Result r = run(k, IpvsDiff.diff(desired, actual, owned), actual);
        owned.addAll(desired.table().services().keySet());
        for (IpvsChange c : r.applied()) if (c instanceof IpvsChange.DeleteService d) owned.remove(d.service());
        if (r.failures().isEmpty()) known = new LinkedHashMap<>(desired.table().services());
        return r;
    }

    private Result run(IpvsNetlink k, List<IpvsChange> changes, IpvsTable before) throws LinuxException {
        List<IpvsNetlink.Refused> refused = k.applyAll(changes);
        List<Failure> failures = new ArrayList<>();
        java.util.Set<IpvsChange> bad = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (IpvsNetlink.Refused x : refused) {
            failures.add(new Failure(x.change(), x.error()));
            bad.add(x.change());
            log.warn("IPVS: {} failed: {} (cause: {})", x.change().describe(), x.error().getMessage(), x.change().cause());
        }
        List<IpvsChange> applied = new ArrayList<>(changes.size());
        for (IpvsChange c : changes) if (!bad.contains(c)) applied.add(c);
        return new Result(false, before, applied, failures);
    }

    @Override public void close() {
        if (ipvs != null) ipvs.close();
        ipvs = null;
    }
}
