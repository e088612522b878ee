package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real processes: a writer killed with SIGKILL mid-stream, and a second process tailing live. */
class CrashAndTailTest {
    @TempDir Path dir;

    @Test
    void killNineLeavesAConsistentVerifiablePrefixAndTheNextWriterContinues() throws Exception {
        long reported;
        try (ChildJvm child = new ChildJvm(WriterChild.class, dir.toString())) {
            String line = child.await(l -> l.startsWith("written ") && Long.parseLong(l.substring(8)) >= 30_000, 60);
            reported = Long.parseLong(line.substring(8));
            child.process.destroyForcibly(); // SIGKILL while it is appending
            assertThat(child.process.waitFor()).isEqualTo(137);
        }
        long lastSeq;
        try (JournalReader r = JournalReader.open(dir)) {
            List<Entry> all = r.readAll();
            long expect = 1;
            for (Entry e : all) {
                if (e.event().isAnnotation()) { assertThat(e.seq()).isEqualTo(expect - 1); continue; }
                assertThat(e.seq()).isEqualTo(expect++);
            }
            lastSeq = expect - 1;
            assertThat(lastSeq).isGreaterThanOrEqualTo(reported);
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.lastSeq()).isEqualTo(lastSeq);
        }
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "killme"))) {
            long s = j.append(Cause.signal("SIGKILL"), new Event.NodeStarted("vigil test", 2));
            assertThat(s).isEqualTo(lastSeq + 1);
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
        }
        try (JournalReader r = JournalReader.open(dir)) {
            assertThat(r.verify().ok()).isTrue();
            assertThat(r.last().seq()).isEqualTo(lastSeq + 1);
        }
    }

    @Test
    void secondProcessTailsWhileFirstAppends() throws Exception {
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            j.append(Cause.NONE, new Event.NodeStarted("vigil test", 1));
            j.flush(Duration.ofSeconds(5));
            try (ChildJvm tail = new ChildJvm(Main.class, "journal", "tail", "-f", "-n", "1", "--dir", dir.toString())) {
                tail.await(l -> l.contains("node-started"), 60);
                long prev = 0;
                for (int i = 0; i < 300; i++) {
                    Cause c = prev == 0 ? Cause.operator("root", "test") : Cause.event(prev);
                    prev = j.append(c, new Event.OperatorAction("root", "step", "marker-" + i));
                    if (i % 50 == 0) Thread.sleep(20);
                }
                String last = tail.await(l -> l.contains("marker-299"), 60);
                assertThat(last).contains("#" + prev).contains("<- #" + (prev - 1)).contains("operator-action root step marker-298");
                assertThat(tail.output()).contains("marker-0").contains("marker-150");
            }
        }
    }
}
