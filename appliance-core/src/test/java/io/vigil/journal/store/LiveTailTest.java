package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader at the tail of a journal being written sees entries appear, never "damage": an excerpt the writer is
 * copying at that moment is a write in progress. (A subscription once died on this: the damage walk judged the
 * tail by a write position read before the writer had moved on.)
 */
class LiveTailTest {
    @TempDir Path dir;

    @Test void readingTheTailWhileItIsWrittenFindsNoDamage() throws Exception {
        int total = 60_000;
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "tail"))) {
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < total; i++) {
                    while (j.append(Cause.timer("check"), new Event.CheckResult("HTTP_GET", "192.0.2.22:80", i % 2 == 0, i, "", 1)) < 0)
                        Thread.onSpinWait();
                }
            });
            long seen = 0, last = 0, deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (JournalReader r = j.reader(); var cursor = r.cursor()) {
                while (seen < total && System.nanoTime() < deadline) {
                    Entry e = cursor.next();   // throws JournalException on (falsely) detected damage
                    if (e == null) continue;
                    if (e.event().isAnnotation()) continue;
                    assertThat(e.seq()).isGreaterThan(last);
                    last = e.seq();
                    seen++;
                }
            }
            writer.join();
            assertThat(seen).isEqualTo(total);
        }
    }
}
