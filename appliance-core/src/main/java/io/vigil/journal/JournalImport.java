package io.vigil.journal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes entries that carry their own node id, seq and times (from {@code vigil journal export}) into a journal
 * directory: the directory must be empty or end at the seq before the first imported event. Snapshot entries in
 * the input are skipped (the writer makes its own); the hash chain is computed for the new journal.
 */
public final class JournalImport implements AutoCloseable {
    private final Path dir;
    private EntryWriter writer;
    private long imported;

    private JournalImport(Path dir) { this.dir = dir; }

    public static JournalImport open(Path dir) { return new JournalImport(dir); }

    public void add(Entry e) {
        if (e.event() instanceof Event.Snapshot) return;
        if (writer == null) {
            writer = new EntryWriter(JournalConfig.defaults(dir, e.node()).withRetention(Duration.ZERO, 0)
                    .withDurability(JournalConfig.Durability.SYNC_BATCH));
            if (writer.lastSeq() != 0 && writer.lastSeq() + 1 != e.seq() && !(e.event().isAnnotation() && writer.lastSeq() == e.seq()))
                throw new JournalException("journal in " + dir + " ends at seq " + writer.lastSeq()
                        + "; cannot import starting at seq " + e.seq());
        }
        if (e.event() instanceof Event.Dropped d) {
            writer.noteDropped(d.count());
            return;
        }
        if (writer.lastSeq() == 0 && imported == 0) writer.startAt(e.seq());
        if (e.seq() != writer.lastSeq() + 1)
            throw new JournalException("seq " + e.seq() + " does not follow " + writer.lastSeq() + " (export a contiguous range)");
        writer.append(e);
        imported++;
    }

    public long imported() { return imported; }

    @Override public void close() { if (writer != null) writer.close(); }
}
