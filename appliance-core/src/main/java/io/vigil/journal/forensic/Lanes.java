package io.vigil.journal.forensic;

import io.vigil.journal.Entry;
import io.vigil.journal.EntryFormat;
import io.vigil.journal.Event;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replay lanes besides VRRP state, from the entries {@link JournalIndex} kept, on the reference clock: priority
 * steps per instance, VIP ownership, real-server health per virtual server, and point marks (IPVS changes, config,
 * operator actions, node start/stop, notify scripts, quorum). Pure.
 */
public final class Lanes {
    /** A value held over [fromNs, toNs) on one lane ({@code toNs} -1: until the journal ends). */
    public record Span(String node, String group, String lane, long fromNs, long toNs, String value, String ref) {}

    public record Mark(String node, String kind, long atNs, String ref, String text) {}

    private final List<Span> spans = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();

    private Lanes() {}

    public List<Span> spans() { return spans; }
    public List<Mark> marks() { return marks; }

    public static Lanes of(Forensics f, Map<String, List<Entry>> kept) {
        Lanes l = new Lanes();
        for (var n : kept.entrySet()) l.node(f, n.getKey(), n.getValue());
        l.spans.sort(Comparator.comparing(Span::node).thenComparing(Span::group).thenComparing(Span::lane).thenComparingLong(Span::fromNs));
        l.marks.sort(Comparator.comparingLong(Mark::atNs));
        return l;
    }

    private void node(Forensics f, String node, List<Entry> entries) {
        Map<String, Span> open = new LinkedHashMap<>();   // group|lane → open span
        for (Entry e : entries) {
            long at = f.corrected(node, e.wallNs());
            String ref = node + "#" + e.seq();
            switch (e.event()) {
                case Event.VrrpTransition t -> set(open, node, "prio", t.instance(), at, String.valueOf(t.priority()), ref);
                case Event.PriorityChanged p -> set(open, node, "prio", p.instance(), at, String.valueOf(p.newPriority()), ref);
                case Event.VipChanged v when v.ok() -> set(open, node, "vip", v.address(), at, v.added() ? "held" : null, ref);
                case Event.RealServerChanged r -> set(open, node, "rs", r.virtualServer() + " " + r.realServer(), at,
                        (r.up() ? "up" : "down") + " w" + r.weight(), ref);
                case Event.NodeStarted s -> {
                    // a restart forgets what the previous run held: VIPs and servers are re-established by new entries
                    for (String k : List.copyOf(open.keySet())) close(open, k, at);
                    marks.add(new Mark(node, "start", at, ref, EntryFormat.summary(e.event())));
                }
                case Event.NodeStopped s -> {
                    for (String k : List.copyOf(open.keySet())) close(open, k, at);
                    marks.add(new Mark(node, "stop", at, ref, EntryFormat.summary(e.event())));
                }
                case Event.IpvsChanged i -> marks.add(new Mark(node, "ipvs", at, ref, EntryFormat.summary(e.event())));
                case Event.ConfigApplied c -> marks.add(new Mark(node, "config", at, ref, EntryFormat.summary(e.event())));
                case Event.OperatorAction o -> marks.add(new Mark(node, "operator", at, ref, EntryFormat.summary(e.event())));
                case Event.NotifyRun n -> marks.add(new Mark(node, "notify", at, ref, EntryFormat.summary(e.event())));
                case Event.QuorumChanged q -> marks.add(new Mark(node, "quorum", at, ref, EntryFormat.summary(e.event())));
                default -> { }
            }
        }
        // a crashed node holds nothing we know of after its last evidence
        long end = entries.isEmpty() ? 0 : f.corrected(node, entries.getLast().wallNs());
        boolean crashed = false;
        for (NodeHistory.Run r : f.history(node).runs()) crashed = r.end() == NodeHistory.End.CRASHED;
        for (String k : List.copyOf(open.keySet())) if (crashed) close(open, k, end); else spans.add(open.remove(k));
    }

    private void set(Map<String, Span> open, String node, String group, String lane, long at, String value, String ref) {
        String k = group + "|" + lane;
        Span cur = open.get(k);
        if (cur != null && cur.value().equals(value)) return;
        close(open, k, at);
        if (value != null) open.put(k, new Span(node, group, lane, at, -1, value, ref));
    }

    private void close(Map<String, Span> open, String k, long at) {
        Span cur = open.remove(k);
        if (cur != null) spans.add(new Span(cur.node(), cur.group(), cur.lane(), cur.fromNs(), at, cur.value(), cur.ref()));
    }

    /** Lanes of one group sorted by name, for a stable order on the page. */
    public static List<String> laneNames(List<Span> spans, String node, String group) {
        TreeMap<String, Boolean> names = new TreeMap<>();
        for (Span s : spans) if (s.node().equals(node) && s.group().equals(group)) names.put(s.lane(), true);
        return List.copyOf(names.keySet());
    }
}
