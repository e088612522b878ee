package io.vigil.journal.forensic;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One streaming pass over a director's journal that keeps what a 30-day replay needs in memory and nothing else:
 * the state-relevant entries ({@link Forensics#ofThinned}: transitions, priority, VIPs, real servers, IPVS, markers,
 * master-seen, anomalies, check results that changed, liveness marks whose content changed) and per-second counts
 * of all events and of check results. Repeated check results and unchanged liveness marks (90+ % of a busy journal)
 * stay on disk and are read back page by page.
 *
 * <p>Thinning keeps Forensics' answers: both entries around every gap longer than {@link #GAP_NS} (so every silence
 * longer than a liveness grace is still seen, between seq-adjacent entries), the entry before each restart and
 * the last entry (crash dating), and every entry a kept entry names as its cause when it is among the last
 * {@link #RING} entries (why-chains reach the script result). Pure: entries in, index out.
 */
public final class JournalIndex {
    /** Liveness marks come every second at least; a silence that matters (3 periods) is longer than this. */
    public static final long GAP_NS = 1_000_000_000L;
    static final int RING = 1 << 14;

    public record Node(String node, List<Entry> kept, long firstSec, int[] counts, int[] checks, long entries,
                       long firstWallNs, long lastWallNs) {
        /** Events (all, or check results only) whose own wall time falls in [fromSec, toSec). */
        public long count(long fromSec, long toSec, boolean checksOnly) {
            int[] a = checksOnly ? checks : counts;
            long n = 0;
            for (long s = Math.max(fromSec, firstSec); s < toSec && s - firstSec < a.length; s++) n += a[(int) (s - firstSec)];
            return n;
        }
    }

    public static final class Builder {
        private final List<Entry> kept = new ArrayList<>();
        private final Entry[] ring = new Entry[RING];
        private final Map<String, Boolean> lastCheck = new HashMap<>();
        private String node, lastAlive;
        private Entry pending;
        private boolean pendingAfterGap, first = true, seeded, sawTransition;
        private long firstSec = Long.MIN_VALUE, entries, firstWall, lastWall;
        private int[] counts = new int[1024], checks = new int[1024];

        public void add(Entry e) {
            if (e.event() instanceof Event.VrrpTransition) sawTransition = true;
            if (e.event().isAnnotation()) {
                // a journal cut before its first transition starts from its first snapshot (NodeHistory#seed)
                if (!seeded && !sawTransition && e.event() instanceof Event.Snapshot) { seeded = true; kept.add(e); }
                return;
            }
            if (node == null) { node = e.node(); firstSec = Math.floorDiv(e.wallNs(), 1_000_000_000L); firstWall = e.wallNs(); }
            count(e);
            if (pending != null) {
                boolean gapAfter = e.wallNs() - pending.wallNs() > GAP_NS;
                decide(pending, first || pendingAfterGap || gapAfter || e.event() instanceof Event.NodeStarted);
                first = false;
                pendingAfterGap = gapAfter;
            }
            pending = e;
        }

        public Node build() {
            if (pending != null) decide(pending, true);
            pending = null;
            kept.sort(Comparator.comparingLong(Entry::seq));
            int len = (int) Math.max(0, Math.floorDiv(lastWall, 1_000_000_000L) - firstSec + 1);
            return new Node(node, List.copyOf(kept), firstSec, Arrays.copyOf(counts, Math.min(len, counts.length)),
                    Arrays.copyOf(checks, Math.min(len, checks.length)), entries, firstWall, lastWall);
        }

        private void count(Entry e) {
            entries++;
            lastWall = Math.max(lastWall, e.wallNs());
            long i = Math.max(0, Math.floorDiv(e.wallNs(), 1_000_000_000L) - firstSec);
            if (i >= Integer.MAX_VALUE - 8) return;
            if (i >= counts.length) {
                int n = (int) Math.max(i + 1, Math.min(Integer.MAX_VALUE - 8, counts.length * 2L));
                counts = Arrays.copyOf(counts, n);
                checks = Arrays.copyOf(checks, n);
            }
            counts[(int) i]++;
            if (e.event() instanceof Event.CheckResult) checks[(int) i]++;
        }

        private void decide(Entry e, boolean forced) {
            boolean relevant = relevant(e);   // always: it tracks the last check result and liveness content
            if (forced || relevant) keep(e, 8);
            else ring[(int) (e.seq() & (RING - 1))] = e;
        }

        private void keep(Entry e, int depth) {
            kept.add(e);
            if (depth > 0 && e.cause() instanceof Cause.Event c) {
                int slot = (int) (c.seq() & (RING - 1));
                Entry cause = ring[slot];
                if (cause != null && cause.seq() == c.seq()) {
                    ring[slot] = null;
                    keep(cause, depth - 1);
                }
            }
        }

        private boolean relevant(Entry e) {
            return switch (e.event()) {
                case Event.CheckResult c -> {
                    Boolean was = lastCheck.put(c.checker() + '|' + c.target(), c.up());
                    yield was == null || was != c.up();
                }
                case Event.NodeAlive a -> {
                    boolean changed = !a.instances().equals(lastAlive);
                    lastAlive = a.instances();
                    yield changed;
                }
                default -> true;
            };
        }
    }
}
