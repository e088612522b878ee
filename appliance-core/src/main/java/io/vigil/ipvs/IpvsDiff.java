package io.vigil.ipvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pure diff of a desired IPVS table against the kernel's: the fewest changes, make-before-break ordered.
 * Order: add services, edit services, add destinations, edit destinations, delete destinations, delete services — so a
 * service swapping real servers (or real servers for its sorry server) is never left empty in between, and a
 * deleted service takes its destinations with it (no per-destination deletes for it).
 */
public final class IpvsDiff {
    private IpvsDiff() {}

    /** Every service of {@code actual} that {@code desired} lacks is deleted: for a table Vigil alone programs. */
    public static List<IpvsChange> diff(DesiredState desired, IpvsTable actual) {
        return diff(desired, actual, null);
    }

    /**
     * Ownership as keepalived's: a service {@code desired} lacks is deleted only if it is in {@code owned} (what Vigil
     * configured before: removed from the configuration by a reload); any other service in the kernel — ipvsadm's,
     * another daemon's — is left alone. {@code owned} null: every service is ours.
     */
    public static List<IpvsChange> diff(DesiredState desired, IpvsTable actual, java.util.Set<ServiceKey> owned) {
        IpvsTable want = desired.table();
        List<IpvsChange> addSvc = new ArrayList<>(), editSvc = new ArrayList<>(), addDest = new ArrayList<>(), editDest = new ArrayList<>();
        List<IpvsChange> delDest = new ArrayList<>(), delSvc = new ArrayList<>();

        for (IpvsTable.Entry w : want.services().values()) {
            ServiceKey k = w.service().key();
            IpvsTable.Entry have = actual.services().get(k);
            String svcReason = desired.serviceReasons().getOrDefault(k, "configured");
            if (have == null) {
                addSvc.add(new IpvsChange.AddService(w.service(), svcReason + " → service added"));
            } else if (!have.service().sameSettings(w.service())) {
                editSvc.add(new IpvsChange.EditService(have.service(), w.service(), svcReason + " → service settings changed"));
            }
            Map<DestKey, IpvsDest> haveDests = have == null ? Map.of() : have.dests();
            for (IpvsDest d : w.dests().values()) {
                String why = desired.destReasons().get(new DesiredState.DestRef(k, d.key()));
                if (why == null) why = configured(d.key());
                IpvsDest h = haveDests.get(d.key());
                if (h == null) {
                    addDest.add(new IpvsChange.AddDest(k, d, why + " → destination added with weight " + d.weight()));
                } else if (!h.sameSettings(d)) {
                    editDest.add(new IpvsChange.EditDest(k, h, d, why + " → " + editOutcome(h, d)));
                }
            }
            if (have != null) {
                for (DestKey hk : have.dests().keySet()) {
                    if (!w.dests().containsKey(hk)) {
                        delDest.add(new IpvsChange.DeleteDest(k, hk, reason(desired, k, hk) + " → destination removed"));
                    }
                }
            }
        }
        for (IpvsTable.Entry h : actual.services().values()) {
            ServiceKey k = h.service().key();
            if (!want.services().containsKey(k) && (owned == null || owned.contains(k))) {
                delSvc.add(new IpvsChange.DeleteService(k, (owned == null ? "not in configuration" : "no longer in configuration")
                        + " → service removed"));
            }
        }
        List<IpvsChange> out = new ArrayList<>(addSvc.size() + editSvc.size() + addDest.size() + editDest.size() + delDest.size() + delSvc.size());
        out.addAll(addSvc);
        out.addAll(editSvc);
        out.addAll(addDest);
        out.addAll(editDest);
        out.addAll(delDest);
        out.addAll(delSvc);
        return out;
    }

    /** The reason of a destination that is in the table for no other reason than being configured. */
    static String configured(DestKey d) { return "real_server " + d + " configured"; }

    private static String reason(DesiredState d, ServiceKey k, DestKey dest) {
        return d.destReasons().getOrDefault(new DesiredState.DestRef(k, dest), "not in configuration");
    }

    private static String editOutcome(IpvsDest h, IpvsDest d) {
        List<String> parts = new ArrayList<>();
        if (h.weight() != d.weight()) parts.add("weight " + d.weight() + " (was " + h.weight() + ")");
        if (!(h.forward() == d.forward() || h.forward() == ForwardMethod.LOCAL)) {
            parts.add("forwarding " + d.forward() + " (was " + h.forward() + ")");
        }
        if (h.upperThreshold() != d.upperThreshold() || h.lowerThreshold() != d.lowerThreshold()) {
            parts.add("thresholds " + d.lowerThreshold() + "-" + d.upperThreshold());
        }
        return String.join(", ", parts);
    }
}
