package io.vigil.journal.forensic;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimates each director's clock offset from causal pairs in both directions: an advert cannot be heard before
 * its sender started advertising that priority. If node X started advertising priority p at {@code tX} (X's
 * clock) and node Y first heard X advertise p at {@code rY} (Y's clock), then {@code clockY - clockX <= rY - tX};
 * the same pair the other way round bounds it from below. The estimate is the middle of [lower, upper] and the
 * bound its half width (the adverts' transit time and the hearing delay widen it, never invalidate it).
 * Pure.
 */
public final class ClockSkew {

    /** Offset of {@code node}'s clock from the reference node's: its time minus the reference's. */
    public record Estimate(String node, String reference, long offsetNs, long boundNs, int pairs, boolean estimated) {}

    /** One "Y heard X advertise p at rY" (first hearing of that master/priority). */
    record Hearing(String receiver, long receivedNs, String sender, int priority) {}

    private ClockSkew() {}

    /** Bounds {@code [lower, upper]} on clock(Y) - clock(X), from hearings in both directions; null bound = none. */
    record Bounds(Long lower, Long upper, int pairs) {}

    static Map<String, Estimate> estimate(List<NodeHistory> nodes) {
        Map<String, Estimate> out = new HashMap<>();
        if (nodes.isEmpty()) return out;
        NodeHistory ref = nodes.getFirst();
        out.put(ref.node(), new Estimate(ref.node(), ref.node(), 0, 0, 0, true));
        Map<String, NodeHistory> byAddress = new HashMap<>();
        for (NodeHistory n : nodes) for (String a : n.addresses().keySet()) byAddress.put(a, n);
        List<Hearing> hearings = new ArrayList<>();
        for (NodeHistory n : nodes) hearings.addAll(hearings(n, byAddress));
        for (NodeHistory n : nodes.subList(1, nodes.size())) {
            Bounds b = bounds(ref, n, hearings);
            if (b.lower() != null && b.upper() != null) {
                long lo = Math.min(b.lower(), b.upper()), hi = Math.max(b.lower(), b.upper());
                out.put(n.node(), new Estimate(n.node(), ref.node(), lo + (hi - lo) / 2, (hi - lo) / 2, b.pairs(), true));
            } else {
                out.put(n.node(), new Estimate(n.node(), ref.node(), 0, Long.MAX_VALUE, b.pairs(), false));
            }
        }
        return out;
    }

    /** Largest offset considered: clocks further apart than this are not "skewed", they are wrong. */
    static final long MAX_OFFSET = 600_000_000_000L;
    /** Transit and hearing delay allowed after a sender's last advert of a stretch. */
    static final long SLACK = 200_000_000L;

    /**
     * Bounds on clock(y) - clock(x): every hearing allows the offsets under which the advert heard was sent inside
     * one of the sender's stretches of that priority ([receive - stretch end - slack, receive - stretch start]);
     * the offsets every hearing allows remain. A hearing that contradicts all the others is left out, not trusted.
     */
    static Bounds bounds(NodeHistory x, NodeHistory y, List<Hearing> hearings) {
        List<long[]> feasible = new ArrayList<>(List.<long[]>of(new long[]{-MAX_OFFSET, MAX_OFFSET}));
        int pairs = 0;
        for (Hearing h : hearings) {
            List<long[]> allowed = new ArrayList<>();
            if (h.sender().equals(x.node()) && h.receiver().equals(y.node())) {
                for (NodeHistory.Stretch s : x.stretches(h.priority()))
                    allowed.add(new long[]{h.receivedNs() - s.toNs() - SLACK, h.receivedNs() - s.fromNs()});
            } else if (h.sender().equals(y.node()) && h.receiver().equals(x.node())) {
                for (NodeHistory.Stretch s : y.stretches(h.priority()))
                    allowed.add(new long[]{s.fromNs() - h.receivedNs(), s.toNs() + SLACK - h.receivedNs()});
            } else continue;
            List<long[]> next = intersect(feasible, allowed);
            if (next.isEmpty()) continue;
            feasible = next;
            pairs++;
        }
        long lo = feasible.getFirst()[0], hi = feasible.getLast()[1];
        boolean bounded = pairs > 0 && lo > -MAX_OFFSET && hi < MAX_OFFSET;
        return new Bounds(bounded ? lo : null, bounded ? hi : null, pairs);
    }

    private static List<long[]> intersect(List<long[]> a, List<long[]> b) {
        List<long[]> out = new ArrayList<>();
        for (long[] p : a)
            for (long[] q : b) {
                long lo = Math.max(p[0], q[0]), hi = Math.min(p[1], q[1]);
                if (lo <= hi) out.add(new long[]{lo, hi});
            }
        out.sort((u, v) -> Long.compare(u[0], v[0]));
        return out;
    }

    /** The receiver's first hearings of a master or of its new priority, with the sender resolved to a node. */
    static List<Hearing> hearings(NodeHistory receiver, Map<String, NodeHistory> byAddress) {
        List<Hearing> out = new ArrayList<>();
        for (Entry e : receiver.entries()) {
            String peer = null;
            int prio = -1;
            long at = e.wallNs();
            if (e.event() instanceof Event.MasterSeen m && !m.sampled()) { peer = m.peer(); prio = m.priority(); }
            else if (e.event() instanceof Event.VrrpTransition && e.cause() instanceof Cause.Vrrp v
                    && (v.kind().equals(Cause.Vrrp.ADVERT) || v.kind().equals(Cause.Vrrp.PRIORITY_ZERO))) {
                peer = v.peer(); prio = v.priority();
                if (v.heardWallNs() > 0) at = v.heardWallNs();
            }
            if (peer == null || peer.isEmpty()) continue;
            NodeHistory sender = byAddress.get(peer);
            if (sender == null || sender == receiver) continue;
            out.add(new Hearing(receiver.node(), at, sender.node(), prio));
        }
        return out;
    }
}
