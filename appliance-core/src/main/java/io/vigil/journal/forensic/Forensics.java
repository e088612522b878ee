package io.vigil.journal.forensic;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.EntryFormat;
import io.vigil.journal.Event;
import io.vigil.journal.Event.VrrpState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What several directors' journals say about an incident, and only what they say: per node and instance the VRRP
 * state over time with {@link VrrpState#UNKNOWN} wherever a node has no evidence (after a crash, in silences longer
 * than its liveness grace), split-brain windows labelled by how they are known, crashes, clock-skew estimates,
 * peers heard but not loaded, and every failover with its cause chain across nodes. Pure: entries in, report out.
 *
 * <p>All times in the report are on the first node's clock: each other node's entries are shifted by its
 * estimated offset ({@link ClockSkew}) before windows are computed.
 */
public final class Forensics {

    public static final String PARTITION = "partition", OVERLAP = "overlap", INFERRED = "inferred";

    public record Segment(String node, String instance, VrrpState state, long fromNs, long toNs, String ref, String why) {}

    /** {@code endNs} -1: still open when the journals end. {@code openedBy}/{@code closedBy}: "node#seq" of the
     *  entries that opened and closed it ("" when not known); {@code evidence}: what the window rests on, in words. */
    public record SplitBrain(String instance, List<String> nodes, long startNs, long endNs, String cls, String openedBy,
                             String closedBy, List<String> evidence) {}

    /** {@code restartNs} -1: the node never came back in the loaded journals. */
    public record Crash(String node, long lastEntryNs, long lastSeq, long restartNs) {}

    public record MissingPeer(String instance, String address, String heardBy, long firstNs, long lastNs, int hearings) {}

    /** One step of a why-chain: an entry of some node (seq ≥ 0), or an outside cause (seq -1, node may be ""). */
    public record Link(String node, long seq, long atNs, String type, String text) {
        public String ref() { return seq >= 0 ? node + "#" + seq : node; }
    }

    public record Failover(String instance, String node, long seq, long atNs, String from, List<Link> why) {}

    public record Report(List<String> nodes, List<Segment> segments, List<SplitBrain> splitBrains, List<Crash> crashes,
                         List<ClockSkew.Estimate> skews, List<MissingPeer> missingPeers, List<Failover> failovers,
                         List<String> warnings, long firstNs, long lastNs) {}

    private final List<NodeHistory> nodes = new ArrayList<>();
    private final Map<String, NodeHistory> byNode = new LinkedHashMap<>();
    private final Map<String, NodeHistory> byAddress = new HashMap<>();
    private final Map<String, ClockSkew.Estimate> skew;
    /** Entries were thinned by {@link JournalIndex}: only a gap between seq-adjacent entries is a silence. */
    private final boolean thinned;

    private Forensics(Map<String, List<Entry>> journals, boolean thinned, Map<String, ClockSkew.Estimate> known) {
        this.thinned = thinned;
        long observedEnd = Long.MIN_VALUE;
        for (List<Entry> l : journals.values())
            for (Entry e : l) observedEnd = Math.max(observedEnd, e.wallNs());
        // first pass without skew: the estimate needs the histories; crash detection is redone with offsets below
        List<NodeHistory> raw = new ArrayList<>();
        for (var j : journals.entrySet()) raw.add(new NodeHistory(j.getKey(), j.getValue(), observedEnd));
        Map<String, ClockSkew.Estimate> est = new HashMap<>(ClockSkew.estimate(raw));
        est.putAll(known);
        skew = java.util.Collections.unmodifiableMap(est);
        long end = Long.MIN_VALUE;
        for (NodeHistory h : raw)
            if (!h.entries().isEmpty()) end = Math.max(end, h.entries().getLast().wallNs() - offset(h.node()));
        for (var j : journals.entrySet()) {
            NodeHistory h = new NodeHistory(j.getKey(), j.getValue(), end + offset(j.getKey()));
            nodes.add(h);
            byNode.put(h.node(), h);
            for (String a : h.addresses().keySet()) byAddress.put(a, h);
        }
    }

    /** Journals keyed by node id (one list per director; order = order given, the first is the clock reference). */
    public static Forensics of(Map<String, List<Entry>> journals) { return new Forensics(journals, false, Map.of()); }

    /**
     * Over the state-relevant entries a {@link JournalIndex} kept (thinned journals): same report as over the whole
     * journals, since the index keeps both entries around every silence and every entry a kept entry names as cause.
     */
    public static Forensics ofThinned(Map<String, List<Entry>> kept) { return new Forensics(kept, true, Map.of()); }

    /**
     * As {@link #ofThinned(Map)}, with clock offsets estimated elsewhere (an incident bundle carries its exporter's
     * estimates over the whole journals: a cut window has too few causal pairs to estimate them again).
     */
    public static Forensics ofThinned(Map<String, List<Entry>> kept, Map<String, ClockSkew.Estimate> known) {
        return new Forensics(kept, true, known);
    }

    long offset(String node) {
        ClockSkew.Estimate e = skew.get(node);
        return e == null ? 0 : e.offsetNs(); // 0 unless the evidence forces a correction
    }

    /** A node's own time on the reference clock. */
    public long corrected(String node, long wallNs) { return wallNs - offset(node); }

    // ---------------------------------------------------------------- report

    public Report report() { return report(Long.MIN_VALUE, Long.MAX_VALUE); }

    /** Everything that overlaps [fromNs, toNs] (reference clock). */
    public Report report(long fromNs, long toNs) {
        List<Segment> segments = new ArrayList<>();
        for (NodeHistory h : nodes) segments.addAll(segments(h));
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (NodeHistory h : nodes) {
            if (h.entries().isEmpty()) continue;
            first = Math.min(first, corrected(h.node(), h.entries().getFirst().wallNs()));
            last = Math.max(last, corrected(h.node(), h.entries().getLast().wallNs()));
        }
        List<SplitBrain> windows = new ArrayList<>(splitBrains(segments));
        windows.addAll(inferredFromAnomalies(segments));
        windows.addAll(inferredFromYields(segments));
        windows.sort(Comparator.comparingLong(SplitBrain::startNs));
        List<Crash> crashes = crashes();
        List<ClockSkew.Estimate> skews = nodes.stream().skip(1).map(h -> skew.get(h.node())).toList();
        List<String> warnings = new ArrayList<>();
        for (ClockSkew.Estimate s : skews) {
            long half = nodes.stream().findFirst().map(h -> advertNs(h)).orElse(1_000_000_000L) / 2;
            if (!s.estimated())
                warnings.add("clock offset of " + s.node() + " cannot be estimated (no adverts heard in both directions): "
                        + "windows across nodes are only as exact as their clocks");
            else if (s.boundNs() > half)
                warnings.add(String.format("clock offset of %s is %+.1f ms ± %.1f ms: the bound exceeds half an advert interval",
                        s.node(), s.offsetNs() / 1e6, s.boundNs() / 1e6));
        }
        for (NodeHistory h : nodes)
            if (!h.hasLiveness() && !h.entries().isEmpty())
                warnings.add(h.node() + ": journal has no liveness marks (written by an older Vigil): crashes cannot be dated");
        List<MissingPeer> missing = missingPeers();
        List<Failover> failovers = failovers();
        long f = fromNs, t = toNs;
        return new Report(List.copyOf(byNode.keySet()),
                segments.stream().filter(s -> overlaps(s.fromNs(), s.toNs(), f, t)).toList(),
                windows.stream().filter(w -> overlaps(w.startNs(), w.endNs(), f, t)).toList(),
                crashes.stream().filter(c -> overlaps(c.lastEntryNs(), c.restartNs(), f, t)).toList(),
                skews, missing.stream().filter(m -> overlaps(m.firstNs(), m.lastNs(), f, t)).toList(),
                failovers.stream().filter(x -> x.atNs() >= f && x.atNs() <= t).toList(),
                List.copyOf(warnings), first == Long.MAX_VALUE ? 0 : first, last == Long.MIN_VALUE ? 0 : last);
    }

    private static long advertNs(NodeHistory h) {
        return h.addresses().values().stream().mapToLong(h::advertNs).min().orElse(1_000_000_000L);
    }

    private static boolean overlaps(long a, long b, long from, long to) {
        long end = b < 0 ? Long.MAX_VALUE : b;
        return end >= from && a <= to;
    }

    // ---------------------------------------------------------------- segments

    /** State segments of one node, UNKNOWN wherever it has no evidence; times corrected. */
    List<Segment> segments(NodeHistory h) {
        List<Segment> out = new ArrayList<>();
        Map<String, Segment> open = new TreeMap<>();
        Set<String> instances = new TreeSet<>(h.addresses().values());
        for (Entry e : h.entries()) if (e.event() instanceof Event.VrrpTransition t) instances.add(t.instance());
        long grace = h.graceNs();
        Entry prev = null;
        int run = 0;
        List<NodeHistory.Run> runs = h.runs();
        if (h.seed() != null && h.seed().event() instanceof Event.Snapshot snap) {
            // a cut journal: the state its snapshot recorded, from then on
            long at = corrected(h.node(), h.seed().wallNs());
            for (var i : snap.view().instances().values()) {
                instances.add(i.name());
                switchTo(out, open, h.node(), i.name(), i.state(), at, ref(h.seed()), "state at snapshot " + ref(h.seed()));
            }
        }
        for (Entry e : h.entries()) {
            long at = corrected(h.node(), e.wallNs());
            if (prev != null) {
                long prevAt = corrected(h.node(), prev.wallNs());
                boolean restart = e.event() instanceof Event.NodeStarted;
                boolean silent = at - prevAt > grace && (!thinned || e.seq() == prev.seq() + 1);
                // a stopped node is known to be stopped until it starts again
                if ((restart || silent) && !(prev.event() instanceof Event.NodeStopped)) {
                    // no evidence between the two entries: a crash (no stop before the restart) or a silence
                    {
                        String why = restart ? "no evidence: crashed after " + ref(prev) : "no evidence for "
                                + ms(at - prevAt) + " (liveness grace " + ms(grace) + ")";
                        for (String i : instances) switchTo(out, open, h.node(), i, VrrpState.UNKNOWN, prevAt, ref(prev), why);
                    }
                    if (silent && !restart) // evidence again: the last known state resumes
                        for (String i : instances) resume(out, open, h.node(), i, at, ref(e));
                }
            }
            switch (e.event()) {
                case Event.VrrpTransition t -> switchTo(out, open, h.node(), t.instance(), t.to(), at, ref(e),
                        t.from() + "->" + t.to() + (t.reason().isEmpty() ? "" : " (" + t.reason() + ")"));
                case Event.NodeStarted s -> { for (String i : instances) switchTo(out, open, h.node(), i, VrrpState.INIT, at, ref(e), "node started"); }
                case Event.NodeStopped s -> { for (String i : instances) switchTo(out, open, h.node(), i, VrrpState.STOP, at, ref(e), "node stopped: " + s.reason()); }
                default -> { }
            }
            prev = e;
        }
        if (!runs.isEmpty() && prev != null && runs.getLast().end() == NodeHistory.End.CRASHED)
            for (String i : instances)
                switchTo(out, open, h.node(), i, VrrpState.UNKNOWN, corrected(h.node(), prev.wallNs()), ref(prev),
                        "no evidence after " + ref(prev) + ": crashed or journal cut");
        out.addAll(open.values());
        out.sort(Comparator.comparing(Segment::instance).thenComparingLong(Segment::fromNs));
        return out;
    }

    private final Map<String, Segment> lastKnown = new HashMap<>();

    private void switchTo(List<Segment> out, Map<String, Segment> open, String node, String instance, VrrpState to,
                          long at, String ref, String why) {
        Segment cur = open.get(instance);
        if (cur != null && cur.state() == to) return;
        if (cur != null) {
            out.add(new Segment(node, instance, cur.state(), cur.fromNs(), at, cur.ref(), cur.why()));
            if (cur.state() != VrrpState.UNKNOWN) lastKnown.put(node + "|" + instance, cur);
        }
        open.put(instance, new Segment(node, instance, to, at, -1, ref, why));
    }

    private void resume(List<Segment> out, Map<String, Segment> open, String node, String instance, long at, String ref) {
        Segment known = lastKnown.get(node + "|" + instance);
        if (known != null) switchTo(out, open, node, instance, known.state(), at, ref, "evidence again: " + known.why());
    }

    // ---------------------------------------------------------------- split brains

    private List<SplitBrain> splitBrains(List<Segment> segments) {
        Map<String, List<Segment>> byInstance = new TreeMap<>();
        for (Segment s : segments) byInstance.computeIfAbsent(s.instance(), k -> new ArrayList<>()).add(s);
        List<SplitBrain> out = new ArrayList<>();
        for (var en : byInstance.entrySet()) {
            // sweep over MASTER segment boundaries
            TreeMap<Long, List<Segment>> starts = new TreeMap<>(), ends = new TreeMap<>();
            for (Segment s : en.getValue()) {
                if (s.state() != VrrpState.MASTER || s.toNs() == s.fromNs()) continue;
                starts.computeIfAbsent(s.fromNs(), k -> new ArrayList<>()).add(s);
                if (s.toNs() >= 0) ends.computeIfAbsent(s.toNs(), k -> new ArrayList<>()).add(s);
            }
            TreeSet<Long> times = new TreeSet<>(starts.keySet());
            times.addAll(ends.keySet());
            Map<String, Segment> masters = new TreeMap<>();
            long openAt = 0;
            String openedBy = "";
            Set<String> inWindow = new TreeSet<>();
            List<String> evidence = new ArrayList<>();
            for (long t : times) {
                for (Segment s : ends.getOrDefault(t, List.of())) masters.remove(s.node());
                boolean wasSplit = !inWindow.isEmpty();
                if (wasSplit && masters.size() < 2) {
                    String closedBy = "";
                    for (Segment s : ends.getOrDefault(t, List.of())) {
                        Segment next = after(en.getValue(), s);
                        closedBy = next != null ? next.ref() : s.ref();
                        evidence.add("closed by " + closedBy + " " + (next != null ? next.why() : s.node() + " leaving MASTER"));
                    }
                    out.add(window(en.getKey(), inWindow, openAt, t, openedBy, closedBy, evidence));
                    inWindow = new TreeSet<>();
                    evidence = new ArrayList<>();
                }
                for (Segment s : starts.getOrDefault(t, List.of())) masters.put(s.node(), s);
                if (masters.size() >= 2) {
                    if (inWindow.isEmpty()) {
                        openAt = t;
                        openedBy = starts.get(t).getFirst().ref();
                        for (Segment s : masters.values()) evidence.add(s.node() + " MASTER since " + s.ref() + " " + s.why());
                    }
                    inWindow.addAll(masters.keySet());
                }
            }
            if (!inWindow.isEmpty()) out.add(window(en.getKey(), inWindow, openAt, -1, openedBy, "", evidence));
        }
        return out;
    }

    /** The segment of the same node and instance that follows {@code s}. */
    private static Segment after(List<Segment> segments, Segment s) {
        for (Segment x : segments) if (x.node().equals(s.node()) && x.fromNs() == s.toNs() && x != s) return x;
        return null;
    }

    private SplitBrain window(String instance, Set<String> nodes, long from, long to, String openedBy, String closedBy,
                              List<String> evidence) {
        long advert = nodes.stream().map(byNode::get).filter(java.util.Objects::nonNull)
                .mapToLong(h -> h.advertNs(instance)).max().orElse(1_000_000_000L);
        List<String> ev = new ArrayList<>(evidence);
        boolean allLive = nodes.stream().map(byNode::get).allMatch(h -> h != null && h.hasLiveness());
        String cls;
        if (!allLive) cls = INFERRED;
        else if (to >= 0 && to - from < advert) cls = OVERLAP;
        else {
            // hearings in the last advert interval are the heal that ends the window, not evidence against a partition
            int heard = heardEachOther(instance, nodes, from, to < 0 ? -1 : to - advert);
            ev.add(heard == 0 ? "neither side heard the other's adverts in the window"
                    : heard + " hearing(s) of the other side's adverts in the window");
            cls = PARTITION;
        }
        return new SplitBrain(instance, List.copyOf(nodes), from, to, cls, openedBy, closedBy, List.copyOf(ev));
    }

    /** Hearings (master seen, advert causes, other_master) of one window node by another, strictly inside it. */
    private int heardEachOther(String instance, Set<String> nodes, long from, long to) {
        int n = 0;
        for (String node : nodes) {
            NodeHistory h = byNode.get(node);
            for (Entry e : h.entries()) {
                long at = corrected(node, e.wallNs());
                if (at <= from || (to >= 0 && at >= to)) continue;
                String peer = heardPeer(e, instance);
                NodeHistory p = peer == null ? null : byAddress.get(peer);
                if (p != null && p != h && nodes.contains(p.node())) n++;
            }
        }
        return n;
    }

    private static String heardPeer(Entry e, String instance) {
        return switch (e.event()) {
            case Event.MasterSeen m when m.instance().equals(instance) -> m.peer();
            case Event.AdvertAnomaly a when a.instance().equals(instance) && a.kind() == Event.AnomalyKind.OTHER_MASTER -> a.source();
            case Event.VrrpTransition t when t.instance().equals(instance) && e.cause() instanceof Cause.Vrrp v -> v.peer();
            default -> null;
        };
    }

    /**
     * A MASTER that heard another router also claiming MASTER (other_master) whose journal is not loaded, or whose
     * journal has no evidence then: a split brain known from one side only.
     */
    private List<SplitBrain> inferredFromAnomalies(List<Segment> segments) {
        List<SplitBrain> out = new ArrayList<>();
        for (NodeHistory h : nodes) {
            Map<String, long[]> spans = new LinkedHashMap<>(); // instance|address → first, last
            Map<String, List<String>> ev = new HashMap<>();
            for (Entry e : h.entries()) {
                if (!(e.event() instanceof Event.AdvertAnomaly a) || a.kind() != Event.AnomalyKind.OTHER_MASTER) continue;
                long at = corrected(h.node(), e.wallNs());
                NodeHistory peer = byAddress.get(a.source());
                if (peer != null && stateAt(segments, peer.node(), a.instance(), at) != VrrpState.UNKNOWN) continue;
                String key = a.instance() + "|" + a.source();
                long[] span = spans.computeIfAbsent(key, k -> new long[]{at, at});
                if (at - span[1] > 3 * 10_000_000_000L) { // a new episode: flush the old one
                    out.add(inferred(h, a.instance(), a.source(), span, ev.remove(key), segments));
                    span[0] = at;
                }
                span[1] = at;
                ev.computeIfAbsent(key, k -> new ArrayList<>()).add(ref(e) + " other_master from " + a.source() + " " + a.detail());
            }
            for (var sp : spans.entrySet()) {
                String[] k = sp.getKey().split("\\|", 2);
                out.add(inferred(h, k[0], k[1], sp.getValue(), ev.get(sp.getKey()), segments));
            }
        }
        return out;
    }

    private SplitBrain inferred(NodeHistory h, String instance, String address, long[] span, List<String> evidence, List<Segment> segments) {
        NodeHistory peer = byAddress.get(address);
        String other = peer != null ? peer.node() : address;
        long end = span[1];
        for (Segment s : segments)   // the window ends when this node leaves MASTER, if it does soon after
            if (s.node().equals(h.node()) && s.instance().equals(instance) && s.state() == VrrpState.MASTER
                    && s.fromNs() <= span[1] && s.toNs() >= span[1] && s.toNs() - span[1] < 11_000_000_000L) end = s.toNs();
        List<String> ev = new ArrayList<>(evidence == null ? List.of() : evidence);
        ev.add(peer == null ? address + " advertised " + instance + ", no journal loaded" : other + " has no evidence then");
        String first = ev.isEmpty() ? "" : ev.getFirst().split(" ", 2)[0];
        return new SplitBrain(instance, List.copyOf(new TreeSet<>(List.of(h.node(), other))), span[0], end, INFERRED,
                first, "", List.copyOf(ev));
    }

    /**
     * A loaded node that was MASTER and yielded to an advert from a router whose journal is not loaded: that
     * router was MASTER when heard, and may have been since our MASTER stretch began (a partition) or only just
     * (a restart and preemption) — the missing journal would tell. Reported as inferred, with that upper bound.
     */
    private List<SplitBrain> inferredFromYields(List<Segment> segments) {
        List<SplitBrain> out = new ArrayList<>();
        for (NodeHistory h : nodes) {
            for (Entry e : h.entries()) {
                if (!(e.event() instanceof Event.VrrpTransition t) || t.from() != VrrpState.MASTER
                        || !(e.cause() instanceof Cause.Vrrp v) || !v.kind().equals(Cause.Vrrp.ADVERT)
                        || v.peer().isEmpty() || byAddress.containsKey(v.peer())) continue;
                long at = corrected(h.node(), e.wallNs());
                Segment master = null;
                for (Segment s : segments)
                    if (s.node().equals(h.node()) && s.instance().equals(t.instance()) && s.state() == VrrpState.MASTER
                            && s.toNs() == at) master = s;
                if (master == null || at - master.fromNs() < h.advertNs(t.instance())) continue; // a plain handover
                // only a mastership taken because this peer fell silent can have run alongside it: after a preemption
                // or our own start-up the peer was heard all along (or was never there)
                Entry began = h.bySeq(seqOf(master.ref()));
                if (began == null || !(began.cause() instanceof Cause.Vrrp b) || !b.kind().equals(Cause.Vrrp.MASTER_DOWN)
                        || !b.peer().equals(v.peer())) continue;
                out.add(new SplitBrain(t.instance(), List.copyOf(new TreeSet<>(List.of(h.node(), v.peer()))), master.fromNs(), at,
                        INFERRED, master.ref(), ref(e), List.of(
                        h.node() + " MASTER since " + master.ref() + " " + master.why(),
                        "at " + ref(e) + " it heard " + v.peer() + " advertise priority " + v.priority() + " as MASTER and yielded",
                        v.peer() + " has no journal loaded: it was MASTER at the end of this window and may have been since its "
                                + "start (a partition) or only just (a restart); load its journal to know")));
            }
        }
        return out;
    }

    public static VrrpState stateAt(List<Segment> segments, String node, String instance, long at) {
        for (Segment s : segments)
            if (s.node().equals(node) && s.instance().equals(instance) && s.fromNs() <= at && (s.toNs() < 0 || s.toNs() > at))
                return s.state();
        return VrrpState.UNKNOWN;
    }

    // ---------------------------------------------------------------- crashes, peers

    private List<Crash> crashes() {
        List<Crash> out = new ArrayList<>();
        for (NodeHistory h : nodes) {
            for (NodeHistory.Run r : h.runs())
                if (r.end() == NodeHistory.End.CRASHED)
                    out.add(new Crash(h.node(), corrected(h.node(), r.lastWallNs()), r.lastSeq(),
                            r.restartWallNs() < 0 ? -1 : corrected(h.node(), r.restartWallNs())));
            // a crash whose last entries were cut by retention or export: the restart entry still says so
            if (!h.entries().isEmpty() && h.entries().getFirst().event() instanceof Event.NodeStarted s
                    && Event.NodeStarted.CRASHED.equals(s.previousEnd()))
                out.add(new Crash(h.node(), corrected(h.node(), s.previousLastWallNs()), s.previousLastSeq(),
                        corrected(h.node(), h.entries().getFirst().wallNs())));
        }
        out.sort(Comparator.comparingLong(Crash::lastEntryNs));
        return out;
    }

    private List<MissingPeer> missingPeers() {
        Map<String, MissingPeer> out = new TreeMap<>();
        for (NodeHistory h : nodes) {
            for (Entry e : h.entries()) {
                String instance = switch (e.event()) {
                    case Event.MasterSeen m -> m.instance();
                    case Event.AdvertAnomaly a when a.kind() == Event.AnomalyKind.OTHER_MASTER -> a.instance();
                    case Event.VrrpTransition t -> t.instance();
                    default -> null;
                };
                if (instance == null) continue;
                String peer = heardPeer(e, instance);
                if (peer == null || peer.isEmpty() || byAddress.containsKey(peer)) continue;
                long at = corrected(h.node(), e.wallNs());
                out.merge(instance + "|" + peer, new MissingPeer(instance, peer, h.node(), at, at, 1),
                        (a, b) -> new MissingPeer(a.instance(), a.address(), a.heardBy(), Math.min(a.firstNs(), b.firstNs()),
                                Math.max(a.lastNs(), b.lastNs()), a.hearings() + 1));
            }
        }
        return List.copyOf(out.values());
    }

    // ---------------------------------------------------------------- why

    private List<Failover> failovers() {
        List<Failover> out = new ArrayList<>();
        for (NodeHistory h : nodes)
            for (Entry e : h.entries())
                if (e.event() instanceof Event.VrrpTransition t && t.to() == VrrpState.MASTER)
                    out.add(new Failover(t.instance(), h.node(), e.seq(), corrected(h.node(), e.wallNs()), t.from().name(), why(h.node(), e.seq())));
        out.sort(Comparator.comparingLong(Failover::atNs));
        return out;
    }

    /** The cause chain of {@code node#seq}, immediate cause first and the oldest last; crosses to peers' journals. */
    public List<Link> why(String node, long seq) {
        List<Link> chain = new ArrayList<>();
        NodeHistory h = byNode.get(node);
        if (h == null) throw new IllegalArgumentException("no journal loaded for node '" + node + "' (loaded: " + byNode.keySet() + ")");
        Entry e = h.bySeq(seq);
        if (e == null) throw new IllegalArgumentException("no entry #" + seq + " in " + node + "'s journal");
        Set<String> seen = new HashSet<>();
        while (e != null && chain.size() < 32 && seen.add(h.node() + "#" + e.seq())) {
            Cause c = e.cause();
            Entry next = null;
            NodeHistory nextNode = h;
            switch (c) {
                case Cause.Event ce -> next = h.bySeq(ce.seq());
                case Cause.Vrrp v -> {
                    NodeHistory peer = byAddress.get(v.peer());
                    long heard = corrected(h.node(), v.heardWallNs() > 0 ? v.heardWallNs() : e.wallNs());
                    if (v.peer().isEmpty()) {
                        chain.add(new Link("", -1, heard, "cause", c.describe()));
                    } else if (peer == null) {
                        chain.add(new Link(v.peer(), -1, heard, "cause", c.describe() + "; " + v.peer() + " has no journal loaded"));
                    } else {
                        chain.add(new Link(h.node(), -1, heard, "cause", c.describe() + " = " + peer.node()));
                        Entry origin = peerOrigin(peer, v, heard);
                        Entry own = v.kind().equals(Cause.Vrrp.PREEMPT) || v.kind().equals(Cause.Vrrp.PREEMPT_DELAY)
                                ? ownPriorityChange(h, e) : null;
                        // a preemption is explained by whichever changed last: the peer's advertised priority, or ours
                        if (own != null && (origin == null
                                || corrected(h.node(), own.wallNs()) > corrected(peer.node(), origin.wallNs()))) {
                            next = own;
                        } else if (origin != null) { next = origin; nextNode = peer; }
                        else chain.add(new Link(peer.node(), -1, heard, "evidence",
                                peerSilence(peer, heard, corrected(h.node(), e.wallNs()))));
                    }
                }
                case Cause.None n -> { }
                default -> chain.add(new Link("", -1, corrected(h.node(), e.wallNs()), "cause", c.describe()));
            }
            if (next == null) break;
            chain.add(link(nextNode, next));
            e = next;
            h = nextNode;
        }
        return chain;
    }

    /**
     * The peer entry that explains an advert we heard (or stopped hearing): for priority p, when it began
     * advertising p (its transition to MASTER or its priority change); for priority 0, its leaving MASTER; for a
     * master_down with no advert since, its crash or its last transition out of MASTER.
     */
    private Entry peerOrigin(NodeHistory peer, Cause.Vrrp v, long heardRef) {
        ClockSkew.Estimate sk = skew.get(peer.node());
        long slack = sk != null && sk.estimated() ? sk.boundNs() : 0;
        long atPeer = heardRef + offset(peer.node()) + slack;       // the peer's clock
        if (v.kind().equals(Cause.Vrrp.MASTER_DOWN)) {
            // nothing heard for Master_Down_Interval after the last advert: the peer left MASTER soon after it (or
            // crashed, or was cut off — peerSilence tells which)
            if (v.peer().isEmpty()) return null;
            for (Entry e : peer.entries()) {
                long at = corrected(peer.node(), e.wallNs());
                if (at < heardRef - slack - 1_000_000_000L) continue;
                if (at > heardRef + slack + 10_000_000_000L) break;
                if (e.event() instanceof Event.VrrpTransition t && t.from() == Event.VrrpState.MASTER) return e;
            }
            return null;
        }
        Long start = peer.advertStart(v.priority(), atPeer);
        if (start == null) return null;
        Entry best = null;
        for (Entry e : peer.entries()) {
            if (e.wallNs() > start) break;
            if (e.wallNs() == start && (e.event() instanceof Event.VrrpTransition || e.event() instanceof Event.PriorityChanged)) best = e;
        }
        // the transition to MASTER is the origin only if no priority change explains the priority better
        return best;
    }

    /** Why the peer was not heard after {@code heardRef} until our transition at {@code atRef}. */
    private String peerSilence(NodeHistory peer, long heardRef, long atRef) {
        for (NodeHistory.Run r : peer.runs())
            if (r.end() == NodeHistory.End.CRASHED && corrected(peer.node(), r.lastWallNs()) <= atRef
                    && corrected(peer.node(), r.lastWallNs()) >= heardRef - peer.graceNs()
                    && (r.restartWallNs() < 0 || corrected(peer.node(), r.restartWallNs()) >= atRef))
                return peer.node() + " crashed: last evidence " + EntryFormat.time(corrected(peer.node(), r.lastWallNs()))
                        + " (#" + r.lastSeq() + ")";
        // alive and still MASTER by its own journal: its adverts were sent and did not arrive
        Entry last = null;
        for (Entry x : peer.entries()) { if (corrected(peer.node(), x.wallNs()) > atRef) break; last = x; }
        if (last != null && corrected(peer.node(), last.wallNs()) > atRef - peer.graceNs()) {
            String state = "";
            for (Entry x : peer.entries()) {
                if (x.wallNs() > last.wallNs()) break;
                if (x.event() instanceof Event.VrrpTransition t) state = t.to().name();
            }
            return peer.node() + " was alive" + (state.isEmpty() ? "" : " and " + state) + " (evidence #" + last.seq() + " at "
                    + EntryFormat.time(corrected(peer.node(), last.wallNs())) + "): its adverts did not arrive — the network between them";
        }
        return "no entry of " + peer.node() + " explains it";
    }

    /** Our own latest priority change before {@code e}, in the same run (what made a preemption possible). */
    private static Entry ownPriorityChange(NodeHistory h, Entry e) {
        Entry best = null;
        for (Entry x : h.entries()) {
            if (x.seq() >= e.seq()) break;
            if (x.event() instanceof Event.NodeStarted) best = null;
            if (x.event() instanceof Event.PriorityChanged p && e.event() instanceof Event.VrrpTransition t
                    && p.instance().equals(t.instance()) && p.newPriority() > p.oldPriority()) best = x;
        }
        return best;
    }

    private Link link(NodeHistory h, Entry e) {
        return new Link(h.node(), e.seq(), corrected(h.node(), e.wallNs()), e.type().cliName(), EntryFormat.summary(e.event()));
    }

    private static String ref(Entry e) { return e.node() + "#" + e.seq(); }

    private static long seqOf(String ref) {
        int i = ref.lastIndexOf('#');
        try { return i < 0 ? -1 : Long.parseLong(ref.substring(i + 1)); } catch (NumberFormatException e) { return -1; }
    }

    private static String ms(long ns) { return String.format("%.1f s", ns / 1e9); }

    public Map<String, ClockSkew.Estimate> skews() { return skew; }

    public List<String> nodeIds() { return List.copyOf(byNode.keySet()); }

    public NodeHistory history(String node) { return byNode.get(node); }
}
