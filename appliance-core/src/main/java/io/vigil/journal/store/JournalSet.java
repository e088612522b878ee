package io.vigil.journal.store;

import io.vigil.journal.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Several directors' journals read for forensics: one entry list per node id, in the order the directories were
 * given (the first is the clock reference). A directory that is missing, holds no journal, or a journal without
 * entries is an error: an incident report must never be computed from a journal that silently is not there.
 */
public final class JournalSet {
    private JournalSet() {}

    /** Throws unless {@code dir} is a directory holding a journal's cycle files. */
    public static void requireJournal(Path dir) {
        if (!Files.isDirectory(dir)) throw new JournalException("no journal at " + dir + " (directory missing)");
        try (Stream<Path> files = Files.list(dir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".cq4")))
                throw new JournalException(dir + " is not a journal directory (no .cq4 cycle files)");
        } catch (IOException e) {
            throw new JournalException("cannot read " + dir + ": " + e.getMessage());
        }
    }

    public static Map<String, List<Entry>> load(List<Path> dirs) {
        if (dirs.isEmpty()) throw new IllegalArgumentException("no journal given (--dir DIR, once per director)");
        Map<String, List<Entry>> out = new LinkedHashMap<>();
        for (Path dir : dirs) {
            requireJournal(dir);
            List<Entry> entries;
            try (JournalReader r = JournalReader.open(dir)) { entries = new ArrayList<>(r.readAll()); }
            if (entries.isEmpty()) throw new JournalException("journal at " + dir + " has no entries");
            String node = entries.getFirst().node();
            if (out.containsKey(node)) throw new JournalException(dir + " is another journal of node '" + node
                    + "', already loaded: give each director's journal once");
            out.put(node, entries);
        }
        return out;
    }
}
