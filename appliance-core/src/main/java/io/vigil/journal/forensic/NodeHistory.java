package io.vigil.journal.forensic;

import io.vigil.journal.Entry;
import io.vigil.journal.Event;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One director's journal read for forensics: its entries in sequence order, its runs (start-up to clean stop or
 * crash), its liveness period and the addresses it advertises from. Pure; times are the node's own wall clock.
 */
public final class NodeHistory {

    /** How a run ended: stopped cleanly, crashed (no stop entry), or still going when the journals end. */
    public enum End { CLEAN, CRASHED, OPEN }

    /** One process lifetime. {@code lastWallNs}: its last entry (the last evidence it was alive). */
    public record Run(long startWallNs, long lastWallNs, long lastSeq, End end, long restartWallNs) {}

    private final String node;
    private final List<Entry> entries;
    private final long periodNs;
    private final Map<String, String> instanceByAddress = new HashMap<>(); // source address → instance
    private final Map<String, Long> advertNsByInstance = new TreeMap<>();
    private final List<Run> runs = new ArrayList<>();
    private final Entry seed;

    /**
     * @param observedEndNs the latest time any loaded journal speaks of, in this node's clock: a run without a
     *                      stop entry whose last evidence is older than that by more than the grace is a crash
     */
    NodeHistory(String node, List<Entry> all, long observedEndNs) {
        this.node = node;
        this.entries = all.stream().filter(e -> !e.event().isAnnotation())
                .sorted(Comparator.comparingLong(Entry::seq)).toList();
        Entry seedSnap = null;   // a journal cut before its first transition (bundle, retention) starts from a snapshot
        for (Entry e : all) {
            if (e.event() instanceof Event.VrrpTransition) break;
            if (e.event() instanceof Event.Snapshot) { seedSnap = e; break; }
        }
        this.seed = seedSnap;
        long period = 0;
        for (Entry e : entries) {
            if (e.event() instanceof Event.NodeAlive a) {
                period = Math.max(period, a.periodMs() * 1_000_000L);
                for (var b : a.beats()) {
                    instanceByAddress.put(b.source(), b.instance());
                    if (b.advertMs() > 0) advertNsByInstance.put(b.instance(), b.advertMs() * 1_000_000L);
                }
            }
        }
        this.periodNs = period;
        buildRuns(observedEndNs);
        indexAdvertStarts();
    }

    private void buildRuns(long observedEndNs) {
        Entry start = null, last = null;
        for (Entry e : entries) {
            if (e.event() instanceof Event.NodeStarted && last != null) {
                runs.add(new Run(start.wallNs(), last.wallNs(), last.seq(),
                        last.event() instanceof Event.NodeStopped ? End.CLEAN : End.CRASHED, e.wallNs()));
                start = null;
            }
            if (start == null) start = e;
            last = e;
        }
        if (last == null) return;
        End end = last.event() instanceof Event.NodeStopped ? End.CLEAN
                : hasLiveness() && observedEndNs - last.wallNs() > graceNs() ? End.CRASHED : End.OPEN;
        runs.add(new Run(start.wallNs(), last.wallNs(), last.seq(), end, -1));
    }

    /** A stretch of this node's clock during which it sent adverts with one priority. */
    public record Stretch(int priority, long fromNs, long toNs) {}

    private final Map<Integer, List<Stretch>> stretches = new HashMap<>();

    /**
     * When this node advertised which priority: from becoming MASTER (or changing priority as MASTER) to its next
     * change or leaving MASTER; priority 0 for a moment when it left MASTER by stopping or faulting.
     */
    private void indexAdvertStarts() {
        Map<String, long[]> open = new HashMap<>();   // instance → {priority, from}
        Map<String, Event.VrrpState> state = new HashMap<>();
        long last = entries.isEmpty() ? 0 : entries.getLast().wallNs();
        for (Entry e : entries) {
            long at = e.wallNs();
            switch (e.event()) {
                case Event.VrrpTransition t -> {
                    Event.VrrpState was = state.getOrDefault(t.instance(), Event.VrrpState.INIT);
                    state.put(t.instance(), t.to());
                    close(open.remove(t.instance()), at);
                    if (t.to() == Event.VrrpState.MASTER && t.priority() > 0) open.put(t.instance(), new long[]{t.priority(), at});
                    if (was == Event.VrrpState.MASTER && (t.to() == Event.VrrpState.STOP || t.to() == Event.VrrpState.FAULT))
                        add(new Stretch(0, at, at + 1_000_000_000L));
                }
                case Event.PriorityChanged p when state.getOrDefault(p.instance(), Event.VrrpState.INIT) == Event.VrrpState.MASTER -> {
                    close(open.remove(p.instance()), at);
                    open.put(p.instance(), new long[]{p.newPriority(), at});
                }
                case Event.NodeStarted n -> { for (long[] o : open.values()) close(o, at); open.clear(); state.clear(); }
                default -> { }
            }
        }
        for (long[] o : open.values()) close(o, last);
    }

    private void close(long[] open, long at) { if (open != null) add(new Stretch((int) open[0], open[1], at)); }

    private void add(Stretch s) { stretches.computeIfAbsent(s.priority(), k -> new ArrayList<>()).add(s); }

    /** Stretches in which this node advertised {@code priority}, in time order. */
    public List<Stretch> stretches(int priority) { return stretches.getOrDefault(priority, List.of()); }

    /** The latest time at or before {@code atNs} (this node's clock) when it began advertising {@code priority}, or null. */
    public Long advertStart(int priority, long atNs) {
        Long best = null;
        for (Stretch s : stretches(priority)) if (s.fromNs() <= atNs) best = s.fromNs();
        return best;
    }

    public String node() { return node; }

    /** The snapshot the journal starts from when it was cut before its first transition, else null. */
    public Entry seed() { return seed; }
    public List<Entry> entries() { return entries; }
    public List<Run> runs() { return List.copyOf(runs); }

    /** True when the journal has liveness marks: silence then means the node was not running. */
    public boolean hasLiveness() { return periodNs > 0; }

    /** Silence longer than this (3 liveness periods) is absence of evidence. */
    public long graceNs() { return hasLiveness() ? 3 * periodNs : Long.MAX_VALUE / 4; }

    public boolean advertises(String address) { return instanceByAddress.containsKey(address); }

    public Map<String, String> addresses() { return Map.copyOf(instanceByAddress); }

    /** advert_int of {@code instance} as the node said in its liveness marks, else 1 s (keepalived's default). */
    public long advertNs(String instance) { return advertNsByInstance.getOrDefault(instance, 1_000_000_000L); }

    public Entry bySeq(long seq) {
        int lo = 0, hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = entries.get(mid).seq();
            if (s < seq) lo = mid + 1; else if (s > seq) hi = mid - 1; else return entries.get(mid);
        }
        return null;
    }
}
