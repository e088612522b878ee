package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.EventCodec;
import io.vigil.journal.HashChain;
import io.vigil.journal.Projection;
import io.vigil.journal.View;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * The single writer of a journal directory: encodes entries, extends the hash chain, keeps the live
 * {@link View} (the same fold replay uses), writes snapshots, appends to Chronicle Queue and applies retention.
 * Used by the {@link Journal} writer thread and by {@code vigil journal import}. Not thread-safe.
 */
final class EntryWriter implements AutoCloseable {

    private final JournalConfig cfg;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final HashChain chain = new HashChain();
    // Direct (off-heap) buffer: copying it into the mapped queue file is a memcpy; hashing reads it as a ByteBuffer.
    private final Bytes<java.nio.ByteBuffer> buf = Bytes.elasticByteBuffer(512);
    private final Retention retention;

    private final Entry lastEvent;
    private byte[] prevHash;
    private long lastSeq, lastWall, lastMono;
    private final Projection projection;
    private final Entry recovered;
    private int lastCycle = Integer.MIN_VALUE;
    private int sinceSnapshot;
    /** Bytes since the last snapshot, and that snapshot's size: a large state is snapshotted less often. */
    private long bytesSinceSnapshot, lastSnapshotBytes;
    /** Below this a snapshot is cheap and {@code snapshotEvery} alone decides. */
    private static final long SMALL_SNAPSHOT = 64 * 1024;
    private boolean unsynced;

    /** Stamped on the writer's own entries (drop notes, snapshots); {@link Journal#nameNode} may set it before any. */
    private volatile String nodeId;

    EntryWriter(JournalConfig cfg) {
        this.cfg = cfg;
        this.nodeId = cfg.nodeId();
        try {
            java.nio.file.Files.createDirectories(cfg.dir());
        } catch (java.io.IOException e) {
            throw new JournalException("cannot create journal directory " + cfg.dir() + ": " + e.getMessage(), e);
        }
        LazyPosix.install();
        var builder = SingleChronicleQueueBuilder.binary(cfg.dir()).rollCycle(cfg.rollCycle()).timeProvider(cfg.queueTime());
        // Chronicle's default sync is msync(MS_ASYNC), which Linux does not act on: sync() then stored nothing, and a
        // power cut (the appliance test kills qemu) lost the last ~15 s, acknowledged operator actions included
        if (cfg.durability() != JournalConfig.Durability.OS) builder.syncMode(net.openhft.chronicle.bytes.SyncMode.SYNC);
        this.queue = builder.build();
        this.retention = new Retention(cfg, queue);
        // Recover chain head, seq and view from what is on disk (after kill -9 that is a consistent prefix).
        Entry last;
        try (JournalReader r = new JournalReader(queue, false)) {
            // Never append after damage: the new entries would hide behind it (readers stop there) and the chain
            // and seqs would continue from a prefix that is not the whole journal.
            CycleScan.Damage d = r.structuralDamage();
            if (d != null) {
                throw new JournalException("journal in " + cfg.dir() + " is damaged at " + d.describe()
                        + "; refusing to append after the damage. Recover: 'vigil journal export --dir " + cfg.dir()
                        + " -o intact.jsonl' (writes the entries before the damage, then reports it), 'vigil journal import --dir NEW"
                        + " -i intact.jsonl', then move " + cfg.dir() + " aside and NEW in its place (docs/journal.md, Damage and recovery)");
            }
            // ...nor after an unfinished write: Chronicle would write over its start and leave the rest behind
            boolean cleared = false;
            for (CycleScan t : r.unfinishedTails()) { TailRepair.clear(t.path(), t); cleared = true; }
            CycleScan.Damage after = cleared ? r.structuralDamage() : null;
            if (after != null) throw new JournalException("journal in " + cfg.dir() + " is damaged at " + after.describe()
                    + " after clearing an unfinished write");
            last = r.last();
            projection = Projection.of(last == null ? View.EMPTY : r.stateAtIndex(last.index()));
            // annotations share the seq of the event before them: that event is how the previous run ended
            lastEvent = last == null || !last.event().isAnnotation() ? last : r.bySeq(last.seq());
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
        recovered = last;
        prevHash = last == null ? HashChain.GENESIS : last.hash();
        lastSeq = last == null ? 0 : last.seq();
        lastWall = last == null ? 0 : last.wallNs();
        lastMono = last == null ? 0 : last.monoNs();
        this.appender = queue.createAppender();
    }

    long lastSeq() { return lastSeq; }
    void nodeId(String id) { nodeId = id; }
    /** The last event (not a snapshot or drop note) on disk when this writer opened, or null if none. */
    Entry lastEventAtOpen() { return lastEvent; }

    /** The journal's last entry when this writer opened it (null: empty). */
    Entry recoveredLast() { return recovered; }
    /** An immutable copy of the live state (costs a copy of the state: call per burst, not per event). */
    View view() { return projection.view(); }
    SingleChronicleQueue queue() { return queue; }

    /** Appends an event (seq must be lastSeq + 1); writes a snapshot first at a cycle start or every N events. */
    void append(Entry e) {
        if (e.event().isAnnotation()) throw new IllegalArgumentException("annotations are written by the journal");
        if (e.seq() != lastSeq + 1) throw new IllegalStateException("seq " + e.seq() + " does not follow " + lastSeq);
        int cycle = queue.cycle();
        // msync the old file before the queue rolls on: Chronicle's msync covers only the file it writes, so its tail
        // would reach the disk on the OS's schedule (see CycleScan: readers take earlier cycles as synced whole)
        if (cycle != lastCycle && lastCycle != Integer.MIN_VALUE && cfg.durability() != JournalConfig.Durability.OS) sync();
        if (cycle != lastCycle || sinceSnapshot >= cfg.snapshotEvery() && snapshotAffordable()) writeSnapshot();
        writeRaw(e);
        lastSeq = e.seq();
        lastWall = e.wallNs();
        lastMono = e.monoNs();
        projection.apply(e);
        sinceSnapshot++;
    }

    /**
     * Writes an imported entry as its exporter wrote it: same fields, the exporter's hash (which
     * {@link JournalImport} has checked against the chain), snapshots included, none added.
     */
    void appendVerbatim(Entry e) {
        write(e, e.hash());
        lastSeq = e.seq();
        lastWall = e.wallNs();
        lastMono = e.monoNs();
        projection.apply(e);
    }

    /** For imports of a range that does not start at seq 1 into an empty journal. */
    void startAt(long firstSeq) {
        if (lastSeq != 0) throw new IllegalStateException("journal not empty");
        lastSeq = firstSeq - 1;
    }

    /** Gives up on storing event {@code seq} (I/O error): the seq stays a visible gap. */
    void skip(long seq) { if (seq > lastSeq) lastSeq = seq; }

    /** Journals that producers lost {@code count} events (ring full). */
    void noteDropped(long count) {
        writeRaw(new Entry(nodeId, lastSeq, lastWall, lastMono, Cause.NONE, new Event.Dropped(count)));
    }

    /**
     * A large state (10,000 checks: ~1.5 MB) is snapshotted only after eight times its size in events, so
     * snapshots stay under a ninth of the journal while a replay from one still reads at most that much.
     */
    private boolean snapshotAffordable() {
        return lastSnapshotBytes < SMALL_SNAPSHOT || bytesSinceSnapshot >= 8 * lastSnapshotBytes;
    }

    private void writeSnapshot() {
        bytesSinceSnapshot = 0;
        writeRaw(new Entry(nodeId, lastSeq, lastWall, lastMono, Cause.NONE, new Event.Snapshot(projection.view())));
        lastSnapshotBytes = bytesSinceSnapshot; // writeRaw counted the snapshot alone
        bytesSinceSnapshot = 0;
        sinceSnapshot = 0;
    }

    private void writeRaw(Entry e) { write(e, null); }

    /** Encodes and appends {@code e} with {@code hash}, or with the next hash of the chain when null. */
    private void write(Entry e, byte[] hash) {
        buf.clear();
        EventCodec.encode(e, buf);
        int len = (int) buf.writePosition();
        java.nio.ByteBuffer bb = buf.underlyingObject();
        bb.limit(len).position(0);
        byte[] h = hash != null ? hash : chain.next(prevHash, bb);
        buf.write(h);
        appender.writeBytes(buf);
        bytesSinceSnapshot += len + h.length;
        prevHash = h;
        lastCycle = queue.rollCycle().toCycle(appender.lastIndexAppended());
        unsynced = true;
        if (cfg.durability() == JournalConfig.Durability.SYNC_EACH) sync();
    }

    /** Forces written entries to disk (msync). */
    void sync() {
        if (!unsynced) return;
        appender.sync();
        unsynced = false;
    }

    /** Housekeeping when idle: batched msync, retention. */
    void idle(boolean mayBatchSync) {
        if (mayBatchSync && cfg.durability() != JournalConfig.Durability.OS) sync();
        retention.maybeRun(lastCycle);
    }

    Retention retention() { return retention; }

    @Override public void close() {
        try {
            if (cfg.durability() != JournalConfig.Durability.OS) sync();
            appender.close();
        } finally {
            buf.releaseLast();
            queue.close();
        }
    }
}
