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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TamperTest {
    @TempDir Path dir;

    private long writeMarkers(int n) {
        long target = -1;
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1").withSnapshotEvery(16))) {
            for (int i = 0; i < n; i++) {
                long s = j.append(Cause.operator("root", "cli"), new Event.OperatorAction("root", "mark", String.format("marker-%03d", i)));
                if (i == n / 2) target = s;
            }
            j.flush(Duration.ofSeconds(10));
        }
        return target;
    }

    private static long find(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i;
        }
        return -1;
    }

    private Path cycleFile() throws Exception {
        try (var s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".cq4")).toList();
            assertThat(files).hasSize(1);
            return files.get(0);
        }
    }

    @Test
    void flippedByteIsReportedAtItsEntry() throws Exception {
        long target = writeMarkers(100); // "marker-050" has seq 51
        Path file = cycleFile();
        long offset = find(Files.readAllBytes(file), "marker-050".getBytes(StandardCharsets.US_ASCII));
        assertThat(offset).isPositive();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset + 7);
            int b = raf.read();
            raf.seek(offset + 7);
            raf.write(b ^ 0x01); // '0' -> '1': still decodes, only the hash can tell
        }
        try (JournalReader r = JournalReader.open(dir)) {
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).isFalse();
            assertThat(v.badSeq()).isEqualTo(target);
            assertThat(v.problem()).contains("hash mismatch");
            assertThat(v.lastSeq()).isEqualTo(target - 1);
            var m = java.util.regex.Pattern.compile("bytes (\\d+)\\.\\.(\\d+)").matcher(v.where());
            assertThat(m.find()).as(v.where()).isTrue();
            assertThat(offset).isBetween(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            // the altered entry still decodes, with the altered text: the chain is what catches it
            assertThat(r.bySeq(target).event()).isEqualTo(new Event.OperatorAction("root", "mark", "marker-150"));
        }
        StringWriter out = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("journal", "verify", "--dir", dir.toString());
        Files.createDirectories(Path.of("target", "forensics"));
        Files.writeString(Path.of("target", "forensics", "verify-bad.txt"), "$ vigil journal verify\n" + out);
        assertThat(rc).isEqualTo(1);
        assertThat(out.toString()).contains("BAD at seq " + target).contains("hash mismatch").contains(".cq4");
    }

    @Test
    void intactJournalVerifiesWithExitZero() {
        writeMarkers(40);
        StringWriter out = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("journal", "verify", "--dir", dir.toString());
        assertThat(rc).as(out.toString()).isZero();
        assertThat(out.toString()).contains("OK: ").contains("seq 1..40");
    }
}
