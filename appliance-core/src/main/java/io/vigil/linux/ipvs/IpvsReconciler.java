package io.vigil.linux.ipvs;

import io.vigil.ipvs.DesiredState;
import io.vigil.ipvs.IpvsChange;
import io.vigil.ipvs.IpvsDiff;
import io.vigil.ipvs.IpvsTable;
import io.vigil.linux.LinuxException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Brings the kernel's IPVS table to a desired state without flushing: read the table, diff, apply the changes
 * one by one. Used at start-up and on every reload (and whenever real-server states change). A failed change
 * is reported and the rest still applied — one bad destination must not keep the others out.
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

    /** The open kernel handle, or null where there is no IPVS. */
    public IpvsNetlink netlink() { return connect(); }

    public Result reconcile(DesiredState desired) throws LinuxException {
        IpvsNetlink k = connect();
        if (k == null) return Result.noIpvs();
        IpvsTable actual = k.snapshot().table();
        List<IpvsChange> changes = IpvsDiff.diff(desired, actual);
        List<IpvsChange> applied = new ArrayList<>(changes.size());
        List<Failure> failures = new ArrayList<>();
        for (IpvsChange c : changes) {
            try {
                k.apply(c);
                applied.add(c);
            } catch (LinuxException e) {
                failures.add(new Failure(c, e));
                log.warn("IPVS: {} failed: {} (cause: {})", c.describe(), e.getMessage(), c.cause());
            }
        }
        return new Result(false, actual, applied, failures);
    }

    @Override public void close() {
        if (ipvs != null) ipvs.close();
        ipvs = null;
    }
}
