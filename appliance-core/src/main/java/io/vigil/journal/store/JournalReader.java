package io.vigil.journal.store;

import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.EventCodec;
import io.vigil.journal.EventType;
import io.vigil.journal.HashChain;
import io.vigil.journal.JournalFormatException;
import io.vigil.journal.Projection;
import io.vigil.journal.View;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a journal: sequential cursors (also while another process appends), time seek, {@link #stateAt} and
 * {@link #verify}. Opens the queue read-only unless handed the writer's queue. Not thread-safe: one per thread.
 */
public final class JournalReader implements AutoCloseable {

    /** Readers check this far past a cycle file's written end for hidden bytes (verify and writers: to the file end). */
    private static final long READER_TAIL_WINDOW = 1 << 16;

    private final SingleChronicleQueue queue;
    private final boolean owned;
    private final Path dir;
    private final RollCycle rc;
    /** Structural walk of each cycle file read so far (resumed as live files grow). */
    private final Map<Integer, CycleScan> scans = new HashMap<>();

    JournalReader(SingleChronicleQueue queue, boolean owned) {
        this.queue = queue;
        this.owned = owned;
        this.dir = Path.of(queue.fileAbsolutePath());
        this.rc = queue.rollCycle();
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
        private int lastCycle = Integer.MIN_VALUE;

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

        /**
         * The next entry, or null if none is there yet. Throws {@link JournalException} at damage (a damaged excerpt
         * header or length, index, or entry) instead of skipping past it or stopping silently.
         */
        public Entry next() {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    checkNoDamageFrom(lastCycle != Integer.MIN_VALUE ? lastCycle : tailer.cycle());
                    return null;
                }
                int cycle = rc.toCycle(dc.index());
                if (lastCycle != Integer.MIN_VALUE && cycle != lastCycle) checkNoDamageBetween(lastCycle, cycle);
                lastCycle = cycle;
                return read(dc);
            } catch (JournalException e) {
                throw e;
            } catch (RuntimeException e) { // Chronicle choking on bad bytes: name the damage if the walk finds it
                checkNoDamageFrom(lastCycle != Integer.MIN_VALUE ? lastCycle : Integer.MIN_VALUE);
                throw e;
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
            checkNoDamageFrom(Integer.MIN_VALUE); // "the newest entry" means nothing is hidden behind damage
            t.direction(TailerDirection.BACKWARD).toEnd();
            try (DocumentContext dc = t.readingDocument()) {
                return dc.isPresent() ? read(dc) : null;
            }
        }
    }

    /**
     * What the journal says about the node being alive at {@code wallNs}: its last event at or before then, and the
     * period of the liveness marks written around it (0: none, an older writer). A node whose last evidence is
     * older than three periods was not running as far as its journal tells.
     */
    public record Evidence(Entry last, long alivePeriodNs) {
        /** True when the journal cannot say the node was alive at {@code wallNs}: state there is unknown. */
        public boolean silentAt(long wallNs) {
            return last != null && alivePeriodNs > 0 && !(last.event() instanceof Event.NodeStopped)
                    && wallNs - last.wallNs() > 3 * alivePeriodNs;
        }
    }

    public Evidence evidenceAt(long wallNs) {
        long idx = indexAtOrBefore(wallNs);
        if (idx < 0) return new Evidence(null, 0);
        Entry last = null;
        long period = 0;
        try (ExcerptTailer t = queue.createTailer()) {
            t.moveToIndex(idx);
            t.direction(TailerDirection.BACKWARD);
            for (int i = 0; i < 256 && period == 0; i++) { // liveness marks come every second: a few entries back at most
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) break;
                    Entry e = read(dc);
                    if (e.event().isAnnotation()) continue;
                    if (last == null) last = e;
                    if (e.event() instanceof Event.NodeAlive a) period = a.periodMs() * 1_000_000L;
                    if (e.event() instanceof Event.NodeStarted && e != last) break;
                }
            }
        }
        return new Evidence(last, period);
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
                    Entry e = read(dc);
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

    private long keyAt(ExcerptTailer t, long index, java.util.function.ToLongFunction<Bytes<?>> key) {
        if (!t.moveToIndex(index)) return Long.MAX_VALUE;
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) return Long.MAX_VALUE;
            guard(dc);
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
                    p.apply(read(dc));
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
    public long snapshotAtOrBefore(long index) {
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
                        guard(dc);
                        if (EventCodec.peekTag(dc.wire().bytes()) == EventType.SNAPSHOT.tag()) found = dc.index();
                    }
                }
                if (found >= 0) return found;
                if (start == 0) return -1;
                windowEnd = start;
            }
        }
    }

    // ---- damage ---------------------------------------------------------------------------------------------

    /** The walk of cycle {@code cycle}, advanced (if the file is live) until it covers byte {@code through}. */
    private CycleScan scanned(int cycle, long through) {
        CycleScan s = scanOnce(cycle, through);
        // A writer busy in this file can look like damage for a moment (a header, an index slot or the write
        // position half stored while the walk reads it): walk the file afresh a few times, 10 ms apart, before
        // calling it damage. Real damage stays; it costs this wait once.
        for (int i = 0; s.damage() != null && i < 5; i++) {
            try { Thread.sleep(10); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
            scans.remove(cycle);
            s = scanOnce(cycle, through);
        }
        return s;
    }

    private CycleScan scanOnce(int cycle, long through) {
        CycleScan s = scans.computeIfAbsent(cycle, c -> new CycleScan(dir.resolve(CycleFiles.fileName(rc, c)), READER_TAIL_WINDOW, synced(c)));
        if (s.damage() == null && !s.complete() && s.end() <= through) s.advance(null);
        return s;
    }

    /** Throws if the excerpt the tailer is at lies at or behind damage in its cycle file. */
    private void guard(DocumentContext dc) {
        long header = dc.wire().bytes().readPosition() - 4;
        CycleScan s = scanned(rc.toCycle(dc.index()), header);
        if (s.damage() != null && s.damage().pos() <= header) throw damaged(s.damage());
        if (header >= s.end())
            throw damaged(new CycleScan.Damage(s.file(), header, "Chronicle reads an excerpt here, beyond the end of the walkable data (byte " + s.end() + ")"));
    }

    /** Decodes the entry the tailer is at, after {@link #guard}; a decoding failure names the file and position. */
    private Entry read(DocumentContext dc) {
        guard(dc);
        Bytes<?> b = dc.wire().bytes();
        long offset = b.readPosition();
        try {
            return EventCodec.decode(b, dc.index());
        } catch (JournalFormatException e) {
            throw damaged(new CycleScan.Damage(CycleFiles.fileName(rc, rc.toCycle(dc.index())), offset - 4,
                    "entry at index " + hex(dc.index()) + " does not decode: " + e.getMessage()));
        }
    }

    private JournalException damaged(CycleScan.Damage d) {
        return new JournalException("journal damaged at " + d.describe() + ". Entries before it are intact; nothing after it is "
                + "read. Run 'vigil journal verify --dir " + dir + "'; to recover see docs/journal.md (export the intact prefix, "
                + "import it into a fresh directory)");
    }

    /** Throws if cycle {@code from} (walked to its current end) or any later cycle file is damaged. */
    private void checkNoDamageFrom(int from) {
        for (int c : cycleNumbers()) {
            if (c < from) continue;
            CycleScan s = scanned(c, Long.MAX_VALUE);
            if (s.damage() != null) throw damaged(s.damage());
        }
    }

    /** Moving from cycle {@code a} to {@code b}: the rest of {@code a} and any cycle file between must be intact. */
    private void checkNoDamageBetween(int a, int b) {
        for (int c : cycleNumbers()) {
            if (c < a || c >= b) continue;
            CycleScan s = scanned(c, Long.MAX_VALUE);
            if (s.damage() != null) throw damaged(s.damage());
        }
    }

    /**
     * How many data excerpts at the start of cycle {@code cycle} the writer had msynced: Chronicle keeps the index of
     * the last one in the queue's metadata ({@code chronicle.lastIndexMSynced}, set after each msync). The writer
     * msyncs before the queue rolls on, so an earlier cycle is synced whole. None known (no msync yet, or
     * {@code Durability.OS}): 0. The metadata page itself may reach the disk late, which only makes this smaller.
     */
    long synced(int cycle) {
        long w;
        try {
            w = queue.tableStoreGet(MSYNCED_KEY);
        } catch (RuntimeException e) {
            return 0;
        }
        if (w < 0) return 0;
        int wc = rc.toCycle(w);
        return cycle < wc ? Long.MAX_VALUE : cycle == wc ? rc.toSequenceNumber(w) + 1 : 0;
    }

    /** Chronicle's metadata key for the index of the last excerpt msynced (SingleChronicleQueue.lastIndexMSynced). */
    static final String MSYNCED_KEY = "chronicle.lastIndexMSynced";

    /** The cycles that have a file in the directory, oldest first. */
    private List<Integer> cycleNumbers() {
        List<Integer> out = new ArrayList<>();
        for (Path f : cycleFiles(dir, rc)) out.add(CycleFiles.cycleOf(rc, f.getFileName().toString()));
        return out;
    }

    static List<Path> cycleFiles(Path dir, RollCycle rc) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> CycleFiles.cycleOf(rc, p.getFileName().toString()) >= 0)
                    .sorted(java.util.Comparator.comparingInt((Path p) -> CycleFiles.cycleOf(rc, p.getFileName().toString())))
                    .toList();
        } catch (java.io.IOException e) {
            throw new JournalException("cannot list journal directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first structural damage in any cycle file (excerpt headers and lengths, index, Chronicle's header, bytes after
     * the written end, checked to the end of every file), or null. An unfinished write at the very end is not damage.
     */
    CycleScan.Damage structuralDamage() {
        for (Path f : cycleFiles(dir, rc)) {
            int c = CycleFiles.cycleOf(rc, f.getFileName().toString());
            CycleScan s = scans.get(c);
            if (s == null || s.damage() == null) {
                s = new CycleScan(f, -1, synced(c)).advance(null);
                scans.put(c, s);
            }
            if (s.damage() != null) return s.damage();
        }
        return null;
    }

    /** After {@link #structuralDamage} found none: the cycle files that end in an unfinished write, oldest first. */
    List<CycleScan> unfinishedTails() {
        return scans.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue)
                .filter(s -> s.damage() == null && s.tailFrom() >= 0).toList();
    }

    // ---- verification -------------------------------------------------------------------------------------

    /**
     * Result of {@link #verify}. When not {@code ok}, {@code badIndex}/{@code badSeq} locate the first damage
     * (file and byte offset in {@code where}) and everything before it is intact; {@code problems} lists every damage
     * found (at most one per cycle file: the walk of a file cannot go past damage in it).
     */
    public record VerifyResult(boolean ok, long entries, long firstSeq, long lastSeq, long badIndex, long badSeq,
                               String where, String problem, String note, List<String> problems) {}

    /**
     * Walks every byte of every cycle file ({@link CycleScan}: excerpt headers and lengths up to the written end, zero
     * bytes after it, Chronicle's header and index) and checks that every entry decodes, seqs have no gaps and the
     * hash chain holds.
     */
    public VerifyResult verify() {
        Verifier v = new Verifier();
        List<Path> files = cycleFiles(dir, rc);
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            v.cycle = CycleFiles.cycleOf(rc, f.getFileName().toString());
            v.entryProblem = false;
            CycleScan s = new CycleScan(f, -1, synced(v.cycle)).advance(v);
            if (s.damage() != null) {
                if (v.entryProblem) v.problem(v.curIndex, v.curSeq, v.curWhere, s.damage().problem());
                else v.problem(rc.toIndex(v.cycle, s.dataCount()), v.lastSeq + 1,
                        "index " + hex(rc.toIndex(v.cycle, s.dataCount())) + " (cycle file " + s.file() + ", byte " + s.damage().pos() + ")",
                        s.damage().problem());
                v.prev = null; // the chain cannot be followed across damage: the next file is a new anchor
                v.runSeq = -1;
                v.resync = true;
            } else if (s.interruptedAt() >= 0) {
                v.note("unfinished write at the end of cycle file " + s.file() + " byte " + s.interruptedAt()
                        + " (the writer was killed or lost power while writing, or is writing now): not an entry");
            }
        }
        return new VerifyResult(v.badWhere == null, v.count, v.firstSeq, v.lastSeq, v.badIndex, v.badSeq,
                v.badWhere == null ? "" : v.badWhere, v.badProblem == null ? "" : v.badProblem, v.note, List.copyOf(v.problems));
    }

    private final class Verifier implements CycleScan.DataVisitor {
        final HashChain chain = new HashChain();
        byte[] prev;
        boolean resync; // after damage: the next entry anchors seq and chain anew
        long count, firstSeq = -1, lastSeq = -1, runSeq = -1;
        String note = "";
        int cycle;
        boolean entryProblem;
        long curIndex, curSeq;
        String curWhere;
        long badIndex = -1, badSeq = -1;
        String badWhere, badProblem;
        final List<String> problems = new ArrayList<>();

        void note(String n) { note = note.isEmpty() ? n : note + "; " + n; }

        void problem(long index, long seq, String where, String problem) {
            problems.add("seq " + seq + ", " + where + ": " + problem);
            if (badWhere != null) return;
            badIndex = index; badSeq = seq; badWhere = where; badProblem = problem;
        }

        @Override public String data(long pos, long number, java.lang.foreign.MemorySegment content) {
            byte[] buf = content.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            int len = buf.length;
            long index = rc.toIndex(cycle, number);
            curIndex = index;
            curSeq = runSeq + 1;
            curWhere = where(rc, index, pos + 4, len);
            entryProblem = true;
            Entry e;
            try {
                e = EventCodec.decode(Bytes.wrapForRead(buf), index);
            } catch (JournalFormatException ex) {
                return "entry does not decode: " + ex.getMessage();
            } catch (RuntimeException ex) {
                return "unreadable entry: " + ex;
            }
            curSeq = e.seq();
            if (prev == null) {
                if (!resync && (e.seq() <= 1 && !e.event().isAnnotation() || e.seq() == 0)) prev = HashChain.GENESIS;
                else note((resync ? "after the damage, the chain is followed again from seq " : "chain starts at seq ") + e.seq()
                        + (resync ? "" : " (older cycles removed by retention)") + "; first hash taken as anchor");
            } else {
                long expect = e.event().isAnnotation() ? runSeq : runSeq + 1;
                if (e.seq() != expect) return "sequence gap: expected seq " + expect + ", found " + e.seq();
            }
            if (prev != null) {
                byte[] h = chain.next(prev, buf, 0, len - EventCodec.HASH_LEN);
                if (!Arrays.equals(h, e.hash())) return "hash mismatch (entry altered, or an entry before it removed)";
            }
            prev = e.hash();
            resync = false;
            if (firstSeq < 0 && !e.event().isAnnotation()) firstSeq = e.seq();
            runSeq = e.seq();
            if (badWhere == null) { lastSeq = e.seq(); count++; } // lastSeq and count describe the intact prefix
            entryProblem = false;
            return null;
        }
    }

    private static String where(RollCycle rc, long index, long offset, int len) {
        int cycle = rc.toCycle(index);
        return "index " + hex(index) + " (cycle file " + CycleFiles.fileName(rc, cycle) + ", entry " + rc.toSequenceNumber(index)
                + (offset >= 0 ? ", bytes " + offset + ".." + (offset + Math.max(len, 1) - 1) : "") + ")";
    }

    static String hex(long index) { return "0x" + Long.toHexString(index); }
}
