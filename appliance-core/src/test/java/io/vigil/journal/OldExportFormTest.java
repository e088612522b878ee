package io.vigil.journal;

import io.vertx.core.json.JsonObject;
import io.vigil.cli.Main;
import io.vigil.journal.store.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports written before the one entry shape (the event's fields under {@code event}, the cause's under
 * {@code cause}, no {@code summary}/{@code causeData}/{@code data}) still import with their proof, and field order
 * never matters. The fixture was written by {@code vigil journal export} of the version before (main at b17a159)
 * from a journal with a fixed clock: a snapshot, then node-started, a VRRP-caused transition, a VIP change it caused,
 * and an operator-caused notify run.
 */
class OldExportFormTest {
    @TempDir Path tmp;

    record Run(int rc, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    static List<String> oldLines() throws Exception {
        var url = Objects.requireNonNull(OldExportFormTest.class.getResource("export-before-one-shape.jsonl"));
        return Files.readAllLines(Path.of(url.toURI()));
    }

    /** The same entry with the fields of every object in it in the opposite order. */
    static String reversed(String line) { return reversed(new JsonObject(line)).encode(); }

    static JsonObject reversed(JsonObject o) {
        JsonObject r = new JsonObject();
        List<String> keys = new ArrayList<>(o.fieldNames());
        for (int i = keys.size() - 1; i >= 0; i--)
            r.put(keys.get(i), o.getValue(keys.get(i)) instanceof JsonObject inner ? reversed(inner) : o.getValue(keys.get(i)));
        return r;
    }

    Path importLines(String name, List<String> lines) throws Exception {
        Path file = tmp.resolve(name + ".jsonl"), dir = tmp.resolve(name);
        Files.write(file, lines);
        Run imp = cli("journal", "import", "--dir", dir.toString(), "-i", file.toString());
        assertThat(imp.rc()).as(imp.err()).isZero();
        assertThat(imp.err()).contains("imported 4 events (seq 1..4)", "hashes checked");
        Run v = cli("journal", "verify", "--dir", dir.toString());
        assertThat(v.rc()).as(v.out()).isZero();
        assertThat(v.out()).contains("hash chain intact");
        return dir;
    }

    @Test
    void anOldFormExportImportsAndVerifiesAndReExportsInTheOneShape() throws Exception {
        List<String> old = oldLines();
        assertThat(old).hasSize(5).allSatisfy(l -> assertThat(new JsonObject(l).fieldNames())
                .contains("event", "cause").doesNotContain("data", "causeData", "summary"));
        Path copy = importLines("old", old);

        Run exp = cli("journal", "export", "--dir", copy.toString());
        assertThat(exp.rc()).as(exp.err()).isZero();
        List<String> now = exp.out().lines().toList();
        assertThat(now).hasSize(old.size());
        for (int i = 0; i < old.size(); i++) {
            JsonObject was = new JsonObject(old.get(i)), is = new JsonObject(now.get(i));
            // the one shape renames event → data and cause (fields) → causeData; cause is now the words
            assertThat(is.getJsonObject("data")).isEqualTo(was.getJsonObject("event"));
            assertThat(is.getJsonObject("causeData")).isEqualTo(was.getJsonObject("cause"));
            assertThat(is.getValue("cause")).isInstanceOf(String.class);
            for (String k : List.of("node", "seq", "time", "wallNs", "monoNs", "type", "hash", "format"))
                assertThat(is.getValue(k)).as(k).isEqualTo(was.getValue(k));
        }
        assertThat(new JsonObject(now.get(2)).getString("cause")).isEqualTo("master_down timer: last advert priority 100 from 192.0.2.12 (higher)");
        assertThat(new JsonObject(now.get(3)).getLong("causeSeq")).isEqualTo(2L);
        importLines("again", now);   // and the new form imports as well
    }

    @Test
    void fieldOrderDoesNotMatter() throws Exception {
        importLines("old-reversed", oldLines().stream().map(OldExportFormTest::reversed).toList());
        JournalReader r = JournalReader.open(importLines("old-straight", oldLines()));
        List<String> now;
        try (r) { now = r.readAll().stream().map(e -> JournalJson.toJson(e).encode()).toList(); }
        importLines("new-reversed", now.stream().map(OldExportFormTest::reversed).toList());
    }
}
