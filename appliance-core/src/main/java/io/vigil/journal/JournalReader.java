package io.vigil.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads a journal: sequential cursors (also while another process appends), time seek, {@link #stateAt} and
 * {@link #verify}. Opens the queue read-only unless handed the writer's queue. Not thread-safe: one per thread.
 */
public final class JournalReader implements AutoCloseable {

    private final SingleChronicleQueue queue;
    private final boolean owned;

    JournalReader(SingleChronicleQueue queue, boolean owned) {
        this.queue = queue;
        this.owned = owned;
    }

    /** Opens the journal in {@code dir} read-only. */
    public static JournalReader open(Path dir) {
        if (!Files.isDirectory(dir)) throw new JournalException("no journal at " + dir + " (directory missing)");
        return new JournalReader(SingleChronicleQueueBuilder.binary(dir).rollCycle(JournalConfig.DEFAULT_ROLL_CYCLE).readOnly(true).build(), true);
    }

    @Override public void close() { if (owned) queue.close(); }

    RollCycle rollCycle() { return queue.rollCycle(); }

    // ---- cursors --------------------------------------------------------------------------------------

    /** A forward cursor over entries; {@link Cursor#next()} returns null at the (current) end and can be polled again. */
    public Cursor cursor() { return new Cursor(queue.createTailer()); }

    public final class Cursor implements AutoCloseable {
        private final ExcerptTailer tailer;

        Cursor(ExcerptTailer tailer) { this.tailer = tailer; }

        public Cursor toStart() { tailer.toStart(); return this; }
        public Cursor toEnd() { tailer.toEnd(); return this; }

        /** Positions at the first entry with wall time ≥ {@code wallNs} (the journal is time-ordered). */
        public Cursor seekWall(long wallNs) {
            long idx = indexAtOrBefore(wallNs - 1);
            if (idx < 0) tailer.toStart();
            else { tailer.moveToIndex(idx); skip(); }
            return this;
        }

        public Cursor moveToIndex(long index) { tailer.moveToIndex(index); return this; }

        /** Positions after the entry with sequence number {@code seq} (O(log n); entries sharing it may follow). */
        public Cursor afterSeq(long seq) {
            long idx = lastIndexWithKeyAtMost(EventCodec::peekSeq, seq);
            if (idx < 0) tailer.toStart();
            else { tailer.moveToIndex(idx); skip(); }
            return this;
        }

        private void skip() { try (DocumentContext dc = tailer.readingDocument()) { /* consumed */ } }

        /** The next entry, or null if none is there yet. */
        public Entry next() {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) return null;
                return EventCodec.decode(dc.wire().bytes(), dc.index());
            }
        }

        @Override public void close() { tailer.close(); }
    }

    /** Calls {@code f} for each entry from the start until it returns false. */
    public void forEach(Predicate<Entry> f) {
        try (Cursor c = cursor().toStart()) {
            for (Entry e = c.next(); e != null && f.test(e); e = c.next()) { }
        }
    }

    public List<Entry> readAll() {
        List<Entry> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }

    /** The newest entry, or null for an empty journal. */
    public Entry last() {
        try (ExcerptTailer t = queue.createTailer()) {
            t.direction(TailerDirection.BACKWARD).toEnd();
            try (DocumentContext dc = t.readingDocument()) {
                return dc.isPresent() ? EventCodec.decode(dc.wire().bytes(), dc.index()) : null;
            }
        }
    }

    // ---- time seek --------------------------------------------------------------------------------------

    /**
     * The queue index of the last entry with wall time ≤ {@code wallNs}, or -1 if every entry is later. Binary search
     * over cycles, then over the entries of one cycle: O(log n) reads.
     */
    public long indexAtOrBefore(long wallNs) { return lastIndexWithKeyAtMost(EventCodec::peekWall, wallNs); }

    /** The event with sequence number {@code seq} (not a snapshot/dropped note), or null if not in the journal. */
    public Entry bySeq(long seq) {
        long idx = lastIndexWithKeyAtMost(EventCodec::peekSeq, seq);
        if (idx < 0) return null;
        try (ExcerptTailer t = queue.createTailer()) {
            t.direction(TailerDirection.BACKWARD);
            if (!t.moveToIndex(idx)) return null;
            for (int i = 0; i < 64; i++) { // only annotations (which share the seq) can sit after the event
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) return null;
                    Entry e = EventCodec.decode(dc.wire().bytes(), dc.index());
                    if (e.seq() < seq) return null;
                    if (e.seq() == seq && !e.event().isAnnotation()) return e;
                }
            }
            return null;
        }
    }

    /** A cursor positioned so that {@code n} entries remain before the current end. */
    public Cursor lastEntries(int n) {
        long from = -1;
        try (ExcerptTailer t = queue.createTailer()) {
            t.direction(TailerDirection.BACKWARD).toEnd();
            for (int i = 0; i < n; i++) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) break;
                    from = dc.index();
                }
            }
        }
        Cursor c = cursor();
        return from < 0 ? c.toEnd() : c.moveToIndex(from);
    }

    private long lastIndexWithKeyAtMost(java.util.function.ToLongFunction<Bytes<?>> key, long bound) {
        RollCycle rc = queue.rollCycle();
        try (ExcerptTailer t = queue.createTailer()) {
            List<Integer> cycles = cycles(t);
            // last cycle whose first entry is ≤ wallNs
            int lo = 0, hi = cycles.size() - 1, found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long w = keyAt(t, rc.toIndex(cycles.get(mid), 0), key);
                if (w <= bound) { found = mid; lo = mid + 1; } else hi = mid - 1;
            }
            if (found < 0) return -1;
            int cycle = cycles.get(found);
            long n = t.excerptsInCycle(cycle);
            long l = 0, h = n - 1, best = 0;
            while (l <= h) {
                long mid = (l + h) >>> 1;
                long w = keyAt(t, rc.toIndex(cycle, mid), key);
                if (w <= bound) { best = mid; l = mid + 1; } else h = mid - 1;
            }
            return rc.toIndex(cycle, best);
        }
    }

    private List<Integer> cycles(ExcerptTailer t) {
        List<Integer> out = new ArrayList<>();
        int first = queue.firstCycle(), last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first > last) return out;
        try {
            for (int c = first; c <= last && c != Integer.MIN_VALUE; ) {
                if (t.excerptsInCycle(c) > 0) out.add(c);
                int nx = queue.nextCycle(c, TailerDirection.FORWARD);
                if (nx <= c) break;
                c = nx;
            }
        } catch (java.text.ParseException e) {
            throw new JournalException("cannot list journal cycles: " + e.getMessage());
        }
        return out;
    }

    private static long keyAt(ExcerptTailer t, long index, java.util.function.ToLongFunction<Bytes<?>> key) {
        if (!t.moveToIndex(index)) return Long.MAX_VALUE;
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) return Long.MAX_VALUE;
            return key.applyAsLong(dc.wire().bytes());
        }
    }

    // ---- state ------------------------------------------------------------------------------------------

    /** The projected state as of wall time {@code wallNs}: nearest snapshot at or before it, then a short replay. */
    public View stateAt(long wallNs) {
        long idx = indexAtOrBefore(wallNs);
        return idx < 0 ? View.EMPTY : stateAtIndex(idx);
    }

    /** The projected state after the newest entry. */
    public View stateAtEnd() {
        Entry last = last();
        return last == null ? View.EMPTY : stateAtIndex(last.index());
    }

    /** State after the entry at {@code index}: walks back to a snapshot (or the start) and folds forward. */
    View stateAtIndex(long index) {
        long from = snapshotAtOrBefore(index);
        Projection p = new Projection();
        try (ExcerptTailer t = queue.createTailer()) {
            if (from < 0) t.toStart(); else t.moveToIndex(from);
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent() || dc.index() > index) break;
                    p.apply(EventCodec.decode(dc.wire().bytes(), dc.index()));
                }
            }
        }
        return p.view();
    }

    /**
     * The index of the last snapshot at or before {@code index} in the same cycle, or -1. Scans forward through
     * growing windows before {@code index} (Chronicle tailers are fast forwards; backwards each step is an index
     * lookup), reading only the type byte.
     */
    private long snapshotAtOrBefore(long index) {
        RollCycle rc = queue.rollCycle();
        int cycle = rc.toCycle(index);
        long pos = rc.toSequenceNumber(index);
        long windowEnd = pos;
        try (ExcerptTailer t = queue.createTailer()) {
            for (long window = 4608; ; window *= 4) { // snapshots come every 4096 events by default
                long start = Math.max(0, pos - window);
                if (!t.moveToIndex(rc.toIndex(cycle, start))) return -1;
                long found = -1;
                while (true) {
                    try (DocumentContext dc = t.readingDocument()) {
                        if (!dc.isPresent() || dc.index() > rc.toIndex(cycle, windowEnd)) break;
                        if (EventCodec.peekTag(dc.wire().bytes()) == EventType.SNAPSHOT.tag()) found = dc.index();
                    }
                }
                if (found >= 0) return found;
                if (start == 0) return -1;
                windowEnd = start;
            }
        }
    }

    // ---- verification -------------------------------------------------------------------------------------

    /**
     * Result of {@link #verify}. When not {@code ok}, {@code badIndex}/{@code badSeq} locate the first bad entry
     * (file and byte offset in {@code where}) and everything before it is intact.
     */
    public record VerifyResult(boolean ok, long entries, long firstSeq, long lastSeq, long badIndex, long badSeq,
                               String where, String problem, String note) {}

    /** Checks the hash chain, seq continuity and decodability of every entry from the start. */
    public VerifyResult verify() {
        HashChain chain = new HashChain();
        byte[] prev = null;
        long count = 0, firstSeq = -1, lastSeq = -1, lastIndex = -1;
        String note = "";
        byte[] buf = new byte[256];
        RollCycle rc = queue.rollCycle();
        try (ExcerptTailer t = queue.createTailer()) {
            t.toStart();
            while (true) {
                long index = -1, offset = -1;
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) break;
                    index = dc.index();
                    Bytes<?> b = dc.wire().bytes();
                    offset = b.readPosition();
                    int len = (int) b.readRemaining();
                    if (buf.length < len) buf = new byte[Math.max(len, buf.length * 2)];
                    b.read(buf, 0, len);
                    b.readPosition(offset);
                    String where = where(rc, index, offset, len);
                    Entry e;
                    try {
                        e = EventCodec.decode(b, index);
                    } catch (JournalFormatException ex) {
                        return new VerifyResult(false, count, firstSeq, lastSeq, index, lastSeq + 1, where, ex.getMessage(), note);
                    }
                    if (prev == null) {
                        if (e.seq() <= 1 && !e.event().isAnnotation() || e.seq() == 0) prev = HashChain.GENESIS;
                        else note = "chain starts at seq " + e.seq() + " (older cycles removed by retention); first hash taken as anchor";
                    } else {
                        long expect = e.event().isAnnotation() ? lastSeq : lastSeq + 1;
                        if (e.seq() != expect)
                            return new VerifyResult(false, count, firstSeq, lastSeq, index, e.seq(), where,
                                    "sequence gap: expected seq " + expect + ", found " + e.seq(), note);
                    }
                    if (prev != null) {
                        byte[] h = chain.next(prev, buf, 0, len - EventCodec.HASH_LEN);
                        if (!Arrays.equals(h, e.hash()))
                            return new VerifyResult(false, count, firstSeq, lastSeq, index, e.seq(), where,
                                    "hash mismatch (entry altered, or an entry before it removed)", note);
                    }
                    prev = e.hash();
                    if (firstSeq < 0 && !e.event().isAnnotation()) firstSeq = e.seq();
                    lastSeq = e.seq();
                    lastIndex = index;
                    count++;
                } catch (RuntimeException ex) {
                    if (ex instanceof JournalException) throw ex;
                    return new VerifyResult(false, count, firstSeq, lastSeq, index >= 0 ? index : lastIndex + 1, lastSeq + 1,
                            index >= 0 ? where(rc, index, offset, 0) : "after index " + hex(lastIndex),
                            "unreadable entry: " + ex.getMessage(), note);
                }
            }
        }
        return new VerifyResult(true, count, firstSeq, lastSeq, -1, -1, "", "", note);
    }

    private String where(RollCycle rc, long index, long offset, int len) {
        int cycle = rc.toCycle(index);
        return "index " + hex(index) + " (cycle file " + CycleFiles.fileName(rc, cycle) + ", entry " + rc.toSequenceNumber(index)
                + (offset >= 0 ? ", bytes " + offset + ".." + (offset + Math.max(len, 1) - 1) : "") + ")";
    }

    static String hex(long index) { return "0x" + Long.toHexString(index); }
}
