package io.vigil.journal;

import io.vigil.journal.Event.VrrpState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * VRRP state over time for several directors at once, folded from their journals: per node and instance the
 * segments of constant state, and the split-brain windows in which two or more nodes were MASTER of the same
 * instance. Pure; the replay UI draws exactly this.
 *
 * <p>Journals of different directors are merged by wall clock, so a window is only as exact as the
 * directors' clock agreement (NTP); each window names the transitions that opened and closed it so the
 * operator can check them against the packet causes.
 */
public final class Timeline {

    /** A stretch of constant state; {@code toWallNs} is -1 while still open at the end of the journal. */
    public record Segment(String node, String instance, VrrpState state, long fromWallNs, long toWallNs,
                          long causeSeq, String why) {}

    /** Two or more nodes MASTER of {@code instance}; {@code openedBy}/{@code closedBy} are "node#seq". */
    public record SplitBrain(String instance, long fromWallNs, long toWallNs, List<String> nodes,
                             String openedBy, String closedBy) {}

    /** {@code lastEntryWallNs}: per node, its last journal entry — a state drawn past it is unconfirmed
     *  (the node may have crashed; an idle MASTER also writes little). */
    public record Result(List<Segment> segments, List<SplitBrain> splitBrains, long firstWallNs, long lastWallNs,
                         Map<String, Long> lastEntryWallNs) {}

    private Timeline() {}

    /**
     * Folds the entries of any number of journals (any order; merged by wall time, then node, then seq).
     * The journal's own annotations (snapshots, drop notes) carry no change and are skipped.
     */
    public static Result of(List<Entry> entries) {
        List<Entry> merged = new ArrayList<>(entries.stream().filter(e -> !e.event().isAnnotation()).toList());
        merged.sort(Comparator.comparingLong(Entry::wallNs).thenComparing(Entry::node).thenComparingLong(Entry::seq));
        Map<String, Segment> open = new LinkedHashMap<>();            // node|instance → open segment
        Map<String, TreeMap<String, Boolean>> masters = new HashMap<>(); // instance → nodes that are MASTER
        Map<String, SplitBrain> openSplit = new HashMap<>();
        List<Segment> segments = new ArrayList<>();
        List<SplitBrain> splits = new ArrayList<>();
        long first = merged.isEmpty() ? 0 : merged.getFirst().wallNs();
        long last = merged.isEmpty() ? 0 : merged.getLast().wallNs();

        Map<String, Long> lastOf = new TreeMap<>();
        for (Entry e : merged) {
            lastOf.put(e.node(), e.wallNs());
            for (var change : changes(e, open)) {
                String key = e.node() + "|" + change.instance();
                Segment prev = open.remove(key);
                if (prev != null) segments.add(close(prev, e.wallNs()));
                open.put(key, new Segment(e.node(), change.instance(), change.state(), e.wallNs(), -1, e.seq(), change.why()));

                var set = masters.computeIfAbsent(change.instance(), k -> new TreeMap<>());
                if (change.state() == VrrpState.MASTER) set.put(e.node(), true); else set.remove(e.node());
                SplitBrain sb = openSplit.get(change.instance());
                String ref = e.node() + "#" + e.seq();
                if (set.size() >= 2 && sb == null) {
                    openSplit.put(change.instance(), new SplitBrain(change.instance(), e.wallNs(), -1,
                            List.copyOf(set.keySet()), ref, ""));
                } else if (set.size() >= 2) {
                    var nodes = new java.util.TreeSet<>(sb.nodes());
                    nodes.addAll(set.keySet());
                    openSplit.put(change.instance(), new SplitBrain(sb.instance(), sb.fromWallNs(), -1,
                            List.copyOf(nodes), sb.openedBy(), ""));
                } else if (sb != null) {
                    openSplit.remove(change.instance());
                    splits.add(new SplitBrain(sb.instance(), sb.fromWallNs(), e.wallNs(), sb.nodes(), sb.openedBy(), ref));
                }
            }
        }
        segments.addAll(open.values());
        splits.addAll(openSplit.values());
        segments.sort(Comparator.comparing(Segment::node).thenComparing(Segment::instance).thenComparingLong(Segment::fromWallNs));
        splits.sort(Comparator.comparingLong(SplitBrain::fromWallNs));
        return new Result(List.copyOf(segments), List.copyOf(splits), first, last, Map.copyOf(lastOf));
    }

    private record Change(String instance, VrrpState state, String why) {}

    /**
     * State changes an entry carries: a transition; or a node (re)start or stop, which ends whatever that node's
     * instances were doing (after a kill -9 the restart is the first sign of the crash).
     */
    private static List<Change> changes(Entry e, Map<String, Segment> open) {
        return switch (e.event()) {
            case Event.VrrpTransition t -> List.of(new Change(t.instance(), t.to(),
                    t.from() + "→" + t.to() + (t.reason().isEmpty() ? "" : " (" + t.reason() + ")") + " ← " + e.cause().describe()));
            case Event.NodeStarted s -> endAll(e, open, VrrpState.INIT, "node started (pid " + s.pid() + ")");
            case Event.NodeStopped s -> endAll(e, open, VrrpState.STOP, "node stopped: " + s.reason());
            default -> List.of();
        };
    }

    private static List<Change> endAll(Entry e, Map<String, Segment> open, VrrpState to, String why) {
        return open.values().stream().filter(s -> s.node().equals(e.node()) && s.state() != to)
                .map(s -> new Change(s.instance(), to, why)).toList();
    }

    private static Segment close(Segment s, long toWallNs) {
        return new Segment(s.node(), s.instance(), s.state(), s.fromWallNs(), toWallNs, s.causeSeq(), s.why());
    }
}
