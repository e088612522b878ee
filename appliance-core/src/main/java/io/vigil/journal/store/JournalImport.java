package io.vigil.journal.store;

import io.vigil.journal.Entry;
import io.vigil.journal.ImportChain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Imports entries exported by {@code vigil journal export} into a journal directory <em>as the exporter wrote
 * them</em>: same node, seq, wall and mono times, snapshots and the exporter's hashes. Every entry is re-encoded
 * exactly as {@link EntryWriter} encodes it and its hash recomputed from the previous one ({@link ImportChain}); an
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
    private final ImportChain chain = new ImportChain();
    private EntryWriter writer;
    private long imported, firstSeq = -1;

    private JournalImport(Path dir, boolean write) {
        this.dir = dir;
        this.write = write;
    }

    /** Imports into {@code dir}. */
    public static JournalImport open(Path dir) { return new JournalImport(dir, true); }

    /** Only checks, against the journal already in {@code dir} (if any); writes nothing. */
    public static JournalImport check(Path dir) { return new JournalImport(dir, false); }

    public void add(Entry e) {
        String unfit = ImportChain.unfit(e);
        if (unfit != null) throw bad(e, unfit);
        if (!chain.started()) start(e);
        String breaks = chain.breaks(e);
        if (breaks != null) throw bad(e, breaks);
        if (writer != null) writer.appendVerbatim(e);
        chain.follow(e);
        if (!e.event().isAnnotation()) {
            imported++;
            if (firstSeq < 0) firstSeq = e.seq();
        }
    }

    /** Where the chain starts: the journal's last entry, the genesis hash, or the export's first hash as anchor. */
    private void start(Entry e) {
        Entry tail;
        if (write) {
            writer = new EntryWriter(JournalConfig.defaults(dir, e.node()).withRetention(Duration.ZERO, 0)
                    .withDurability(JournalConfig.Durability.SYNC_BATCH));
            tail = writer.recoveredLast();
        } else {
            tail = hasJournal(dir) ? lastOf(dir) : null;
        }
        long startAt = chain.start(tail, e);
        if (writer != null && startAt > 0) writer.startAt(startAt);
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
    public long lastSeq() { return chain.lastSeq(); }
    /** Said when the chain could not be checked from its genesis. */
    public String note() { return chain.note(); }

    @Override public void close() {
        try {
            if (writer != null) writer.close();
        } finally {
            chain.close();
        }
    }
}
