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
 * the same pair the other way round bounds it from below. The estimate is 0 when [lower, upper] holds 0 (the
 * clocks agree as far as the evidence tells), else its middle; the bound is the farthest end from the estimate
 * (the adverts' transit time and the hearing delay widen it, never invalidate it).
 * Pure.
 */
public final class ClockSkew {

    /** Offset of {@code node}'s clock from the reference node's: its time minus the reference's. */
    public record Estimate(String node, String reference, long offsetNs, long boundNs, int pairs, boolean estimated) {}

    /**
     * One "Y heard X advertise p at rY" (first hearing of that master/priority). {@code fresh}: Y had only just begun
     * to listen (its run's first transition out of INIT was less than {@link #FRESH} before, or not yet journaled), so
     * the hearing may follow Y's own start rather than X's: it bounds the offset only loosely.
     */
    record Hearing(String receiver, long receivedNs, String sender, int priority, boolean fresh) {}

    /**
     * A hearing this soon after the receiver began to listen is explained by its start as well as by the sender's
     * (a master advertising all along is heard within one advert interval). In the appliance lab a director heard
     * the survivor 0.2 s before its own INIT->BACKUP, 40 s after the survivor's takeover: taken as tight, that put a
     * 0.3 s offset at -19.8 s and left the survivor's takeover unexplained.
     */
    static final long FRESH = 2_000_000_000L;

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
        // every pair bounds clock(j) - clock(i); as difference constraints, the shortest paths give each node's tightest
        // bounds against the reference, also through third nodes (a reference that never was MASTER was never heard)
        int n = nodes.size();
        long inf = Long.MAX_VALUE / 4;
        long[][] d = new long[n][n];
        int[][] pairs = new int[n][n];
        for (int i = 0; i < n; i++) { java.util.Arrays.fill(d[i], inf); d[i][i] = 0; }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                Bounds b = bounds(nodes.get(i), nodes.get(j), hearings);
                if (b.upper() != null) d[i][j] = Math.min(d[i][j], b.upper());   // clock(j) - clock(i) <= upper
                if (b.lower() != null) d[j][i] = Math.min(d[j][i], -b.lower());  // clock(i) - clock(j) <= -lower
                pairs[i][j] = pairs[j][i] = b.pairs();
            }
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (d[i][k] < inf && d[k][j] < inf && d[i][k] + d[k][j] < d[i][j]) d[i][j] = d[i][k] + d[k][j];
        boolean consistent = true;
        for (int i = 0; i < n; i++) if (d[i][i] < 0) consistent = false;  // contradicting evidence: no correction
        for (int k = 1; k < n; k++) {
            int p = 0;
            for (int j = 0; j < n; j++) p += pairs[k][j];
            Long upper = consistent && d[0][k] < inf ? d[0][k] : null, lower = consistent && d[k][0] < inf ? -d[k][0] : null;
            out.put(nodes.get(k).node(), estimateOf(nodes.get(k).node(), ref.node(), new Bounds(lower, upper, p)));
        }
        return out;
    }

    /**
     * Clocks are taken as right (NTP) while the evidence allows it. With both directions: 0 when [lower, upper] holds
     * it, else the middle. With one direction only: the smallest correction the evidence forces (often none), and not
     * "estimated" — its bound is open on one side.
     */
    static Estimate estimateOf(String node, String ref, Bounds b) {
        Long lo = b.lower(), hi = b.upper();
        if (lo != null && hi != null) {
            long l = Math.min(lo, hi), h = Math.max(lo, hi);
            long offset = l <= 0 && h >= 0 ? 0 : l + (h - l) / 2;
            return new Estimate(node, ref, offset, Math.max(offset - l, h - offset), b.pairs(), true);
        }
        long offset = hi != null ? Math.min(0, hi) : lo != null ? Math.max(0, lo) : 0;
        return new Estimate(node, ref, offset, Long.MAX_VALUE, b.pairs(), false);
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
        // 1. the offsets every hearing allows (a stretch's whole extent): this resolves which stretch each hearing heard
        List<long[]> feasible = new ArrayList<>(List.<long[]>of(new long[]{-MAX_OFFSET, MAX_OFFSET}));
        for (Hearing h : hearings) {
            List<long[]> allowed = allowed(x, y, h);
            if (allowed == null) continue;
            List<long[]> next = intersect(feasible, allowed);
            if (!next.isEmpty()) feasible = next; // a hearing that contradicts all the others is left out, not trusted
        }
        long lo = feasible.getFirst()[0], hi = feasible.getLast()[1];
        // 2. the tight side of each hearing: its stretch's start (a first hearing follows the start by the transit
        //    time); the stretch's end only bounds loosely, so each direction bounds one side
        Long upper = null, lower = null;
        int pairs = 0;
        for (Hearing h : hearings) {
            boolean xToY = h.sender().equals(x.node()) && h.receiver().equals(y.node());
            boolean yToX = h.sender().equals(y.node()) && h.receiver().equals(x.node());
            if (!xToY && !yToX) continue;
            Long tight = null;
            for (NodeHistory.Stretch st : (xToY ? x : y).stretches(h.priority())) {
                long[] a = xToY ? new long[]{h.receivedNs() - st.toNs() - SLACK, h.receivedNs() - st.fromNs()}
                        : new long[]{st.fromNs() - h.receivedNs(), st.toNs() + SLACK - h.receivedNs()};
                if (a[1] < lo || a[0] > hi) continue;            // not the stretch heard
                long t = xToY ? a[1] : a[0];
                tight = tight == null ? t : xToY ? Math.max(tight, t) : Math.min(tight, t); // valid for every candidate
            }
            if (tight == null || h.fresh()) continue; // a fresh hearing's allowed range was used above, loosely
            pairs++;
            if (xToY) upper = upper == null ? tight : Math.min(upper, tight);
            else lower = lower == null ? tight : Math.max(lower, tight);
        }
        return new Bounds(lower, upper, pairs);
    }

    /** What one hearing allows for clock(y) - clock(x), or null if it is not between x and y. */
    private static List<long[]> allowed(NodeHistory x, NodeHistory y, Hearing h) {
        List<long[]> allowed = new ArrayList<>();
        if (h.sender().equals(x.node()) && h.receiver().equals(y.node())) {
            for (NodeHistory.Stretch s : x.stretches(h.priority()))
                allowed.add(new long[]{h.receivedNs() - s.toNs() - SLACK, h.receivedNs() - s.fromNs()});
        } else if (h.sender().equals(y.node()) && h.receiver().equals(x.node())) {
            for (NodeHistory.Stretch s : y.stretches(h.priority()))
                allowed.add(new long[]{s.fromNs() - h.receivedNs(), s.toNs() + SLACK - h.receivedNs()});
        } else return null;
        return allowed;
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
        long listening = Long.MIN_VALUE / 4; // this run's first transition out of INIT (a cut journal: long before)
        boolean starting = false;         // a run began and has not left INIT yet
        for (Entry e : receiver.entries()) {
            if (e.event() instanceof Event.NodeStarted) { starting = true; continue; }
            if (starting && e.event() instanceof Event.VrrpTransition t && t.from() == Event.VrrpState.INIT) {
                starting = false;
                listening = e.wallNs();
            }
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
            out.add(new Hearing(receiver.node(), at, sender.node(), prio, starting || at - listening < FRESH));
        }
        return out;
    }
}
