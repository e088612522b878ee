package io.vigil.journal.store;

import io.vigil.journal.Entry;
import io.vigil.journal.EventCodec;
import io.vigil.journal.HashChain;
import net.openhft.chronicle.bytes.Bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Imports entries exported by {@code vigil journal export} into a journal directory <em>as the exporter wrote
 * them</em>: same node, seq, wall and mono times, snapshots and the exporter's hashes. Every entry is re-encoded
 * exactly as {@link EntryWriter} encodes it and its hash recomputed from the previous one ({@link HashChain}); an
 * entry whose hash does not follow (a changed field, byte or timestamp, an entry removed before it) or whose seq
 * does not follow is refused with its seq and why. So the imported journal's {@code verify} checks the exporter's
 * chain, not one computed anew.
 *
 * <p>The directory must be empty, or end with the entry the export continues (its chain links on). In an empty
 * directory the first entry is checked against the genesis hash when it starts the journal (seq 0 snapshot or seq
 * 1); an export that starts later (--from, or after retention) takes its first hash as anchor, as verify does.
 * {@link #check} runs the same checks without writing, so an import can refuse before it writes anything.
 */
public final class JournalImport implements AutoCloseable {
    private final Path dir;
    private final boolean write;
    private final HashChain chain = new HashChain();
    private final Bytes<java.nio.ByteBuffer> buf = Bytes.elasticByteBuffer(512);
    private EntryWriter writer;
    private boolean started;
    private byte[] prev;          // hash the next entry must follow; null until an anchor is taken
    private long lastSeq;
    private long imported, firstSeq = -1;
    private String note = "";

    private JournalImport(Path dir, boolean write) {
        this.dir = dir;
        this.write = write;
    }

    /** Imports into {@code dir}. */
    public static JournalImport open(Path dir) { return new JournalImport(dir, true); }

    /** Only checks, against the journal already in {@code dir} (if any); writes nothing. */
    public static JournalImport check(Path dir) { return new JournalImport(dir, false); }

    public void add(Entry e) {
        boolean annotation = e.event().isAnnotation();
        if (e.hash().length != EventCodec.HASH_LEN)
            throw bad(e, "no hash in the export (exported by an older Vigil?): its proof cannot be kept");
        if (e.format() < EventCodec.OLDEST_WRITABLE_FORMAT || e.format() > EventCodec.CURRENT_FORMAT)
            throw bad(e, "written in journal format " + e.format() + ", which this Vigil cannot re-encode byte for byte");
        if (!started) start(e);
        long expect = annotation ? lastSeq : lastSeq + 1;
        if (e.seq() != expect)
            throw bad(e, "sequence gap: expected seq " + expect + " (entries missing from the export, or exported with --type)");
        if (prev != null) {
            buf.clear();
            EventCodec.encode(e, buf);
            java.nio.ByteBuffer bb = buf.underlyingObject();
            bb.limit((int) buf.writePosition()).position(0);
            if (!Arrays.equals(chain.next(prev, bb), e.hash()))
                throw bad(e, "hash mismatch: the entry is not what its exporter wrote (a changed field, byte or timestamp), "
                        + "or an entry before it is missing");
        }
        if (writer != null) writer.appendVerbatim(e);
        prev = e.hash();
        lastSeq = e.seq();
        if (!annotation) {
            imported++;
            if (firstSeq < 0) firstSeq = e.seq();
        }
    }

    /** Where the chain starts: the journal's last entry, the genesis hash, or the export's first hash as anchor. */
    private void start(Entry e) {
        started = true;
        Entry tail;
        if (write) {
            writer = new EntryWriter(JournalConfig.defaults(dir, e.node()).withRetention(Duration.ZERO, 0)
                    .withDurability(JournalConfig.Durability.SYNC_BATCH));
            tail = writer.recoveredLast();
        } else {
            tail = hasJournal(dir) ? lastOf(dir) : null;
        }
        if (tail != null) {
            prev = tail.hash();
            lastSeq = tail.seq();
            return;
        }
        boolean annotation = e.event().isAnnotation();
        if (e.seq() == 0 || e.seq() <= 1 && !annotation) prev = HashChain.GENESIS;
        else note = "the export starts at seq " + e.seq() + ": its first hash is taken as anchor";
        lastSeq = annotation ? e.seq() : e.seq() - 1;
        if (writer != null && lastSeq > 0) writer.startAt(lastSeq + 1);
    }

    private JournalException bad(Entry e, String why) {
        return new JournalException("seq " + e.seq() + " (" + e.type().cliName() + "): " + why
                + (write ? "; import stopped after " + imported + " events" : "; nothing imported"));
    }

    private static boolean hasJournal(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".cq4"));
        } catch (IOException ex) {
            throw new JournalException("cannot list " + dir + ": " + ex.getMessage(), ex);
        }
    }

    private static Entry lastOf(Path dir) {
        try (JournalReader r = JournalReader.open(dir)) { return r.last(); }
    }

    /** Events imported (snapshots and dropped notes not counted). */
    public long imported() { return imported; }
    public long firstSeq() { return firstSeq; }
    public long lastSeq() { return lastSeq; }
    /** Said when the chain could not be checked from its genesis. */
    public String note() { return note; }

    @Override public void close() {
        try {
            if (writer != null) writer.close();
        } finally {
            buf.releaseLast();
        }
    }
}
