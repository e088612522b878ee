package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damage to the bytes Chronicle uses to find entries (excerpt header words: length and flags) must never pass as an
 * intact, shorter journal: verify fails naming the file and byte, readers stop there, a writer refuses to append.
 */
class DamageTest {
    @TempDir Path dir;
    private static final int MARKERS = 40;

    /** A data excerpt in the pristine file: header position and length. */
    private record Excerpt(long pos, int len) {
        long next() { return (pos + 4 + len + 3) & ~3L; }
    }

    private Path writeJournal() throws Exception {
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1").withSnapshotEvery(16))) {
            for (int i = 0; i < MARKERS; i++)
                j.append(Cause.operator("root", "cli"), new Event.OperatorAction("root", "mark", String.format("marker-%03d", i)));
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
        }
        try (var s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".cq4")).toList();
            assertThat(files).hasSize(1);
            return files.get(0);
        }
    }

    /** Walks the intact file's headers (test-side, deliberately simple) to find the data excerpts. */
    private static List<Excerpt> dataExcerpts(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Excerpt> out = new ArrayList<>();
        for (int pos = 0; ; ) {
            int h = b.getInt(pos);
            if (h == 0) break;
            int len = h & 0x3FFFFFFF;
            if ((h & 0x40000000) == 0) out.add(new Excerpt(pos, len));
            pos = (pos + 4 + len + 3) & ~3;
        }
        return out;
    }

    private static int read(Path f, long off) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) { raf.seek(off); return raf.read(); }
    }

    private static void write(Path f, long off, int b) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) { raf.seek(off); raf.write(b); }
    }

    private static final Pattern BYTE = Pattern.compile("bytes? (\\d+)");

    /** Damages one byte, checks verify fails naming a position at or before {@code notAfter}, restores it. */
    private void assertDetected(Path file, long off, int damaged, long notAfter, String what) throws Exception {
        int orig = read(file, off);
        write(file, off, damaged);
        try (JournalReader r = JournalReader.open(dir)) {
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).as(what + ": " + v).isFalse();
            assertThat(v.where()).as(what).contains(file.getFileName().toString());
            Matcher m = BYTE.matcher(v.where());
            assertThat(m.find()).as(what + ": " + v.where()).isTrue();
            assertThat(Long.parseLong(m.group(1))).as(what + ": " + v.where() + " " + v.problem()).isLessThanOrEqualTo(notAfter);
        } finally {
            write(file, off, orig);
        }
    }

    @Test
    void everyBitOfEveryHeaderWordAndEveryLengthByteIsCaught() throws Exception {
        Path file = writeJournal();
        List<Excerpt> data = dataExcerpts(file);
        assertThat(data).hasSize(MARKERS + 3); // 40 events, snapshots before #1, #17, #33
        try (JournalReader r = JournalReader.open(dir)) {
            assertThat(r.verify().ok()).isTrue();
        }
        int flips = 0;
        // the cycle file's own header word (Chronicle's meta-data document at byte 0)
        for (int off = 0; off < 4; off++)
            for (int bit = 0; bit < 8; bit++, flips++)
                assertDetected(file, off, read(file, off) ^ (1 << bit), data.get(0).pos(), "cycle header byte " + off + " bit " + bit);
        // the first excerpt (snapshot) and first event: header word and their first 16 bytes (format, type, node, seq, time)
        for (int k : new int[]{0, 1}) {
            Excerpt e = data.get(k);
            for (long off = e.pos(); off < e.pos() + 4 + 16; off++)
                for (int bit = 0; bit < 8; bit++, flips++)
                    assertDetected(file, off, read(file, off) ^ (1 << bit), data.get(k + 1).next(), "excerpt " + k + " byte " + (off - e.pos()) + " bit " + bit);
        }
        // a middle entry and the newest entry: every bit of the header word
        for (int k : new int[]{MARKERS / 2, data.size() - 1}) {
            Excerpt e = data.get(k);
            long notAfter = k + 1 < data.size() ? data.get(k + 1).next() : e.next();
            for (long off = e.pos(); off < e.pos() + 4; off++)
                for (int bit = 0; bit < 8; bit++, flips++)
                    assertDetected(file, off, read(file, off) ^ (1 << bit), notAfter, "excerpt " + k + " header byte " + (off - e.pos()) + " bit " + bit);
        }
        // zero each non-zero length byte of those headers
        for (int k : new int[]{0, 1, MARKERS / 2, data.size() - 1}) {
            Excerpt e = data.get(k);
            long notAfter = k + 1 < data.size() ? data.get(k + 1).next() : e.next();
            for (long off = e.pos(); off < e.pos() + 4; off++)
                if (read(file, off) != 0) { assertDetected(file, off, 0, notAfter, "excerpt " + k + " header byte " + (off - e.pos()) + " zeroed"); flips++; }
        }
        assertThat(flips).isGreaterThan(300);
        System.out.println("damaged header cases, all caught by verify: " + flips);
        try (JournalReader r = JournalReader.open(dir)) {
            assertThat(r.verify().ok()).as("restored").isTrue();
        }
    }

    @Test
    void damageInTheMiddleFailsVerifyStopsReadersAndBlocksTheWriter() throws Exception {
        Path file = writeJournal();
        List<Excerpt> data = dataExcerpts(file);
        Excerpt mid = data.get(MARKERS / 2); // entries: snapshot, #1..#16, snapshot, #17.. -> index 20 is seq 19 (marker-018)
        long midSeq;
        try (JournalReader r = JournalReader.open(dir)) {
            midSeq = r.readAll().get(MARKERS / 2).seq();
        }
        write(file, mid.pos(), 0); // the length byte: the header reads 0, as if the data ended here

        StringWriter out = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("journal", "verify", "--dir", dir.toString());
        Files.createDirectories(Path.of("target", "forensics"));
        Files.writeString(Path.of("target", "forensics", "verify-damaged-header.txt"), "$ vigil journal verify\n" + out);
        assertThat(rc).as(out.toString()).isEqualTo(1);
        assertThat(out.toString()).contains("BAD at seq " + midSeq).contains(file.getFileName().toString())
                .contains("byte " + mid.pos()).contains("entries before it are intact (seq 1.." + (midSeq - 1) + ")")
                .doesNotContain("OK");

        // show: prints the entries before the damage, then stops with the position (exit 2), never the ones after it
        StringWriter showOut = new StringWriter(), showErr = new StringWriter();
        rc = new CommandLine(new Main()).setOut(new PrintWriter(showOut)).setErr(new PrintWriter(showErr))
                .execute("journal", "show", "--dir", dir.toString());
        assertThat(rc).isEqualTo(2);
        assertThat(showOut.toString()).contains("marker-000").contains(String.format("marker-%03d", midSeq - 2))
                .doesNotContain(String.format("marker-%03d", midSeq - 1)).doesNotContain("marker-039");
        assertThat(showErr.toString()).contains("journal damaged at cycle file " + file.getFileName() + ", byte " + mid.pos());

        for (String[] cmd : new String[][]{{"tail", "-n", "5"}, {"state"}}) {
            StringWriter o = new StringWriter(), e = new StringWriter();
            List<String> args = new ArrayList<>(List.of("journal"));
            args.addAll(List.of(cmd));
            args.addAll(List.of("--dir", dir.toString()));
            rc = new CommandLine(new Main()).setOut(new PrintWriter(o)).setErr(new PrintWriter(e)).execute(args.toArray(String[]::new));
            assertThat(rc).as(String.join(" ", cmd) + ": " + o + e).isEqualTo(2);
            assertThat(e.toString()).contains("journal damaged at cycle file").doesNotContain("Exception");
            assertThat(o.toString()).doesNotContain("marker-039");
        }

        // a node starting here refuses to append after the damage, and says how to recover
        long sizeBefore = Files.size(file);
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> Journal.open(JournalConfig.defaults(dir, "lb1")).close())
                .isInstanceOf(JournalException.class)
                .hasMessageContaining("refusing to append").hasMessageContaining("byte " + mid.pos())
                .hasMessageContaining("vigil journal export");
        assertThat(Files.size(file)).isEqualTo(sizeBefore);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);

        // recovery as documented: export the intact prefix (reports the damage), import into a fresh directory
        Path good = dir.resolve("intact.jsonl");
        StringWriter ee = new StringWriter();
        rc = new CommandLine(new Main()).setErr(new PrintWriter(ee)).execute("journal", "export", "--dir", dir.toString(), "-o", good.toString());
        assertThat(rc).isEqualTo(2);
        assertThat(ee.toString()).contains("journal damaged");
        // the events before it, and the snapshots among them (exported: the hash chain runs through them)
        assertThat(Files.readAllLines(good).stream().filter(l -> !l.contains("\"type\":\"snapshot\"")).count()).isEqualTo(midSeq - 1);
        Path fresh = dir.resolveSibling(dir.getFileName() + "-recovered");
        try {
            rc = new CommandLine(new Main()).execute("journal", "import", "--dir", fresh.toString(), "-i", good.toString());
            assertThat(rc).isZero();
            try (Journal j = Journal.open(JournalConfig.defaults(fresh, "lb1"))) {
                assertThat(j.append(Cause.NONE, new Event.NodeStarted("vigil test", 1))).isEqualTo(midSeq);
                assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
            }
            try (JournalReader r = JournalReader.open(fresh)) {
                assertThat(r.verify().ok()).isTrue();
            }
        } finally {
            try (var s = Files.walk(fresh)) { s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        }
    }
}
