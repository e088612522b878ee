package io.vigil.api;

import io.vertx.core.json.JsonObject;
import io.vigil.journal.Entry;
import io.vigil.journal.store.JournalException;
import io.vigil.journal.store.JournalImport;
import io.vigil.journal.JournalJson;
import io.vigil.journal.store.JournalReader;
import io.vigil.journal.forensic.ClockSkew;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An incident bundle: one time window of several directors' journals in one file, each entry as {@code vigil
 * journal export} writes it (with the exporter's hash). Per node the window is preceded by one anchor entry (the
 * last entry before it), whose hash the first entry of the window must follow; a closing line names each node's
 * last hash, so a cut or shortened bundle is refused too. Opening a bundle imports each node's part with
 * {@link JournalImport}, which recomputes every hash: an edited, dropped or re-ordered entry is refused.
 */
public final class ReplayBundle {
    private ReplayBundle() {}

    public static final String MAGIC = "vigilBundle";

    /** Writes [fromNs, toNs] of each node's journal; {@code offsets}: node clock minus reference clock. */
    public static long write(Map<String, JournalReader> readers, Map<String, Long> offsets, Collection<ClockSkew.Estimate> skews,
                             long fromNs, long toNs, Writer w) throws IOException {
        JsonObject sk = new JsonObject();
        for (ClockSkew.Estimate e : skews)
            if (e != null) sk.put(e.node(), new JsonObject().put("reference", e.reference()).put("offsetNs", e.offsetNs())
                    .put("boundNs", e.boundNs()).put("pairs", e.pairs()).put("estimated", e.estimated()));
        w.write(new JsonObject().put(MAGIC, 1).put("from", java.time.Instant.ofEpochSecond(0, fromNs).toString()).put("to", java.time.Instant.ofEpochSecond(0, toNs).toString())
                .put("nodes", new io.vertx.core.json.JsonArray(List.copyOf(readers.keySet())))
                // derived, not evidence: the exporter's estimates over the whole journals (a window has too few pairs)
                .put("clockSkew", sk).encode());
        w.write('\n');
        JsonObject last = new JsonObject();
        long n = 0;
        for (var r : readers.entrySet()) {
            long off = offsets.getOrDefault(r.getKey(), 0L), from = fromNs + off, to = toNs + off;
            // start at the entry before the last snapshot before the window: the snapshot (verified, since its
            // hash follows the anchor's) gives the state at the window's start, the anchor is the chain's start
            long before = r.getValue().indexAtOrBefore(from - 1);
            long snap = before < 0 ? -1 : r.getValue().snapshotAtOrBefore(before);
            long anchor = snap < 0 ? before : snap - 1;
            String lastHash = "";
            try (JournalReader.Cursor c = r.getValue().cursor()) {
                if (anchor < 0) c.toStart(); else c.moveToIndex(anchor);
                Entry e = c.next();
                if (anchor >= 0 && (e == null || e.index() != anchor)) { // the snapshot opens its cycle: it is the anchor
                    c.moveToIndex(snap);
                    e = c.next();
                }
                for (; e != null && e.wallNs() <= to; e = c.next()) {
                    w.write(JournalJson.toJson(e).encode());
                    w.write('\n');
                    lastHash = e.hashHex();
                    n++;
                }
            }
            last.put(r.getKey(), lastHash);
        }
        w.write(new JsonObject().put(MAGIC + "End", 1).put("entries", n).put("lastHash", last).encode());
        w.write('\n');
        return n;
    }

    /** A bundle verified and imported into one journal directory per node. */
    public record Opened(List<Path> dirs, String verified, Map<String, ClockSkew.Estimate> skews) {}

    /** Checks and imports {@code file} under {@code workDir}; refuses (JournalException) anything that does not verify. */
    public static Opened open(Path file, Path workDir) {
        Map<String, JournalImport> imports = new LinkedHashMap<>();
        Map<String, String> lastHash = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        JsonObject end = null;
        String window = "";
        Map<String, ClockSkew.Estimate> skews = new LinkedHashMap<>();
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                if (end != null) throw new JournalException(file + ":" + lineNo + ": entries after the bundle's closing line");
                JsonObject o;
                try { o = new JsonObject(line); }
                catch (RuntimeException e) { throw new JournalException(file + ":" + lineNo + ": not JSON: " + e.getMessage()); }
                if (lineNo == 1) {
                    if (!o.containsKey(MAGIC)) throw new JournalException(file + " is not a Vigil incident bundle (no header line)");
                    window = o.getString("from") + " .. " + o.getString("to");
                    JsonObject sk = o.getJsonObject("clockSkew", new JsonObject());
                    for (String n : sk.fieldNames()) {
                        JsonObject e = sk.getJsonObject(n);
                        skews.put(n, new ClockSkew.Estimate(n, e.getString("reference", ""), e.getLong("offsetNs", 0L),
                                e.getLong("boundNs", 0L), e.getInteger("pairs", 0), e.getBoolean("estimated", false)));
                    }
                    continue;
                }
                if (o.containsKey(MAGIC + "End")) { end = o; continue; }
                Entry e;
                try { e = JournalJson.fromJson(o); }
                catch (RuntimeException ex) { throw new JournalException(file + ":" + lineNo + ": " + ex.getMessage()); }
                JournalImport imp = imports.computeIfAbsent(e.node(), node -> {
                    Path d = workDir.resolve("node-" + imports.size());
                    dirs.add(d);
                    return JournalImport.open(d);
                });
                try { imp.add(e); }
                catch (JournalException ex) { throw new JournalException(file + ":" + lineNo + ": node " + e.node() + " " + ex.getMessage()); }
                lastHash.put(e.node(), e.hashHex());
                counts.merge(e.node(), 1L, Long::sum);
            }
            if (lineNo == 0) throw new JournalException(file + " is empty");
            if (end == null) throw new JournalException(file + ": no closing line: the bundle is cut short");
            JsonObject want = end.getJsonObject("lastHash", new JsonObject());
            if (!want.fieldNames().equals(lastHash.keySet()))
                throw new JournalException(file + ": closing line names nodes " + want.fieldNames() + ", entries are of " + lastHash.keySet());
            for (var h : lastHash.entrySet())
                if (!h.getValue().equals(want.getString(h.getKey())))
                    throw new JournalException(file + ": " + h.getKey() + "'s last entry is not the one the exporter wrote last (entries removed at the end?)");
        } catch (IOException e) {
            throw new JournalException("cannot read " + file + ": " + e.getMessage());
        } finally {
            imports.values().forEach(JournalImport::close);
        }
        StringBuilder sb = new StringBuilder("bundle " + file.getFileName() + " verified: window " + window);
        counts.forEach((n, c) -> sb.append("; ").append(n).append(' ').append(c).append(" entries, hash chain checked"));
        if (!skews.isEmpty()) sb.append("; clock offsets as the exporter estimated them");
        return new Opened(List.copyOf(dirs), sb.toString(), skews);
    }
}
