package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention at its harshest (1 ms of age, 1 byte of size) deletes every old cycle and never the one being written. */
class RetentionTest {
    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({"PT0.001S, 0", "PT0S, 1", "PT0.001S, 1"})
    void neverDeletesTheCurrentCycle(Duration age, long bytes) {
        SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-03-01T00:00:00Z"));
        JournalConfig cfg = JournalConfig.defaults(dir, "lb1").withQueueTime(time).withClock(Scenario.clock(time))
                .withRetention(age, bytes);
        Scenario sc = new Scenario(5);
        long last = 0;
        try (Journal j = Journal.open(cfg)) {
            for (int cycle = 0; cycle < 4; cycle++) {
                for (int i = 0; i < 20; i++) last = j.append(Cause.timer("t"), sc.next());
                assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
                time.advanceMillis(3_600_000);
            }
            time.advanceMillis(1000); // the previous cycle ended a second ago: older than the age limit
            last = j.append(Cause.timer("t"), sc.next());
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
            // the writer applies retention when idle: wait for it, then the current cycle must still be there
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (files() > 1 && System.nanoTime() < deadline) Thread.onSpinWait();
            assertThat(files()).isEqualTo(1);
            for (int i = 0; i < 5; i++) last = j.append(Cause.timer("t"), sc.next()); // and it still takes entries
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(files()).isEqualTo(1);
        try (JournalReader r = JournalReader.open(dir)) {
            assertThat(r.verify().ok()).isTrue();
            List<Entry> kept = r.readAll().stream().filter(e -> !e.event().isAnnotation()).toList();
            assertThat(kept).hasSize(6); // the current cycle's: 1 + 5, the newest last
            assertThat(kept.getLast().seq()).isEqualTo(last);
            assertThat(r.stateAtEnd().seq()).isEqualTo(last); // its snapshot carries what the deleted cycles built
        }
    }

    private int files() {
        File[] f = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        return f == null ? 0 : f.length;
    }
}
