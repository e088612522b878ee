package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.EntryFormat;
import io.vigil.journal.Event;
import io.vigil.journal.SampleEvents;
import io.vertx.core.json.JsonObject;
import io.vigil.cli.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil journal export} then {@code import} keeps the exporter's proof: the imported journal holds the
 * original node/seq/times/hashes (snapshots included) and verifies against that chain; an export with moved
 * timestamps, one changed string or a missing entry is refused before anything is written.
 */
class ImportProofTest {
    @TempDir Path tmp;
    Path src, export;
    List<String> lines;

    record Run(int rc, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @BeforeEach
    void journalWithEveryEventType() throws Exception {
        src = tmp.resolve("src");
        try (Journal j = Journal.open(JournalConfig.defaults(src, "lb-a").withSnapshotEvery(5))) {
            long prev = 0;
            for (Event e : SampleEvents.all()) {
                if (e.isAnnotation()) continue;
                prev = j.append(prev == 0 ? Cause.signal("start") : Cause.event(prev), e);
            }
            j.flush(Duration.ofSeconds(10));
        }
        export = tmp.resolve("export.jsonl");
        Run r = cli("journal", "export", "--dir", src.toString(), "-o", export.toString());
        assertThat(r.rc()).as(r.err()).isZero();
        lines = Files.readAllLines(export);
        assertThat(lines).anyMatch(l -> l.contains("\"type\":\"snapshot\"")).allMatch(l -> l.contains("\"hash\":\""));
    }

    @Test
    void roundTripKeepsTheExportersHashesAndVerifies() throws Exception {
        Path copy = tmp.resolve("copy");
        Run imp = cli("journal", "import", "--dir", copy.toString(), "-i", export.toString());
        assertThat(imp.rc()).as(imp.err()).isZero();
        assertThat(imp.err()).contains("hashes checked");
        Run v = cli("journal", "verify", "--dir", copy.toString());
        assertThat(v.rc()).as(v.out()).isZero();
        assertThat(v.out()).contains("OK: ").contains("hash chain intact").doesNotContain("note:");
        List<Entry> a, b;
        try (JournalReader ra = JournalReader.open(src); JournalReader rb = JournalReader.open(copy)) {
            a = ra.readAll();
            b = rb.readAll();
        }
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            Entry x = a.get(i), y = b.get(i);
            assertThat(List.of(y.node(), y.seq(), y.wallNs(), y.monoNs(), y.hashHex(), y.event(), y.cause()))
                    .isEqualTo(List.of(x.node(), x.seq(), x.wallNs(), x.monoNs(), x.hashHex(), x.event(), x.cause()));
        }
    }

    @Test
    void timestampsMovedThreeSecondsAreRefused() throws Exception {
        Run r = importEdited(l -> {
            JsonObject o = new JsonObject(l);
            long w = o.getLong("wallNs") + 3_000_000_000L;
            return o.put("wallNs", w).put("time", EntryFormat.time(w)).encode();
        });
        assertThat(r.rc()).isEqualTo(2);
        // the first entry is the journal's seq-0 snapshot, checked against the genesis hash
        assertThat(r.err()).contains("line 1: seq 0 (snapshot): hash mismatch").contains("nothing imported");
    }

    @Test
    void oneChangedDetailIsRefusedAtItsSeq() throws Exception {
        int at = indexOf("\"type\":\"operator-action\"");
        long seq = new JsonObject(lines.get(at)).getLong("seq");
        Run r = importEdited(l -> l.contains("\"type\":\"operator-action\"") ? l.replace("vigil reload", "vigil reloaf") : l);
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("line " + (at + 1) + ": seq " + seq + " (operator-action): hash mismatch");
    }

    @Test
    void onlyTheReadableTimeChangedIsRefused() throws Exception {
        Run r = importEdited(l -> {
            JsonObject o = new JsonObject(l);
            return o.put("time", EntryFormat.time(o.getLong("wallNs") + 3_000_000_000L)).encode();
        });
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("line 1: time ").contains("does not match wallNs");
    }

    @Test
    void aDroppedEntryIsAGap() throws Exception {
        // an ordinary entry followed by another (a snapshot after it would report the gap at its own seq)
        int at = 1;
        while (isSnapshot(at) || isSnapshot(at + 1)) at++;
        long seq = new JsonObject(lines.get(at)).getLong("seq");
        List<String> edited = new ArrayList<>(lines);
        edited.remove(at);
        Run r = importLines(edited);
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("seq " + (seq + 1)).contains("sequence gap: expected seq " + seq);
    }

    @Test
    void aDroppedSnapshotBreaksTheChain() throws Exception {
        int at = -1;
        for (int i = 1; i < lines.size(); i++) if (lines.get(i).contains("\"type\":\"snapshot\"")) { at = i; break; }
        assertThat(at).as("a snapshot after the first entry").isPositive();
        long next = new JsonObject(lines.get(at + 1)).getLong("seq");
        List<String> edited = new ArrayList<>(lines);
        edited.remove(at);
        Run r = importLines(edited);
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("seq " + next).contains("hash mismatch");
    }

    @Test
    void aPartialExportIsAnchoredAtItsFirstEntryAndContinues() throws Exception {
        int cut = lines.size() / 2;
        // neither half starts or ends at a snapshot: the 'other' journal below then misses exactly one entry
        while (isSnapshot(cut) || isSnapshot(cut - 1) || isSnapshot(cut - 2)) cut++;
        Path copy = tmp.resolve("copy");
        Run first = importInto(copy, lines.subList(0, cut));
        assertThat(first.rc()).as(first.err()).isZero();
        // the rest continues the chain of what is already there
        Run rest = importInto(copy, lines.subList(cut, lines.size()));
        assertThat(rest.rc()).as(rest.err()).isZero();
        assertThat(cli("journal", "verify", "--dir", copy.toString()).out()).contains("hash chain intact");
        // the second half alone, in an empty journal: its first hash is the anchor
        Path half = tmp.resolve("half");
        Run alone = importInto(half, lines.subList(cut, lines.size()));
        assertThat(alone.rc()).as(alone.err()).isZero();
        assertThat(alone.err()).contains("taken as anchor");
        Run v = cli("journal", "verify", "--dir", half.toString());
        assertThat(v.rc()).isZero();
        assertThat(v.out()).contains("note: chain starts at seq").contains("hash chain intact");
        // and the half does not continue a journal it does not belong to
        Path other = tmp.resolve("other");
        importInto(other, lines.subList(0, cut - 1));
        Run wrong = importInto(other, lines.subList(cut, lines.size()));
        assertThat(wrong.rc()).isEqualTo(2);
        assertThat(wrong.err()).contains("sequence gap");
    }

    private boolean isSnapshot(int i) { return lines.get(i).contains("\"type\":\"snapshot\""); }

    private int indexOf(String needle) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(needle)) return i;
        throw new AssertionError("no " + needle + " in the export");
    }

    private Run importEdited(UnaryOperator<String> edit) throws Exception {
        return importLines(lines.stream().map(edit).toList());
    }

    private Run importLines(List<String> edited) throws Exception {
        Path copy = tmp.resolve("copy");
        Run r = importInto(copy, edited);
        // refused before anything was written
        if (r.rc() != 0) assertThat(!Files.isDirectory(copy) || Files.list(copy).findAny().isEmpty()).as("nothing written").isTrue();
        return r;
    }

    private Run importInto(Path dir, List<String> l) throws Exception {
        Path f = Files.createTempFile(tmp, "edited", ".jsonl");
        Files.write(f, l);
        return cli("journal", "import", "--dir", dir.toString(), "-i", f.toString());
    }
}
