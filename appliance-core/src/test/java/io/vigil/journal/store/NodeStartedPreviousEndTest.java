package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** At open the journal knows how the previous run ended: its last event was NodeStopped (clean) or not (crashed). */
class NodeStartedPreviousEndTest {
    @TempDir Path dir;

    @Test
    void firstRunThenCleanThenCrashed() {
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            assertThat(j.lastEventAtOpen()).isNull();
            assertThat(j.nodeStarted("v", 1)).isEqualTo(new Event.NodeStarted("v", 1, Event.NodeStarted.FIRST_RUN, 0, 0));
            j.append(Cause.NONE, j.nodeStarted("v", 1));
            j.append(Cause.signal("SIGTERM"), new Event.NodeStopped("SIGTERM"));
        }
        long lastWall;
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            Event.NodeStarted s = j.nodeStarted("v", 2);
            assertThat(s.previousEnd()).isEqualTo(Event.NodeStarted.CLEAN);
            assertThat(s.previousLastSeq()).isEqualTo(2);
            assertThat(s.previousLastWallNs()).isEqualTo(j.lastEventAtOpen().wallNs()).isPositive();
            j.append(Cause.NONE, s);
            j.append(Cause.NONE, Event.NodeAlive.of(1000, List.of(
                    new Event.NodeAlive.Beat("VI_1", 51, "192.0.2.11", Event.VrrpState.MASTER, 150))));
            assertThat(j.flush(Duration.ofSeconds(5))).isTrue();
            // no NodeStopped: as after kill -9
        }
        try (JournalReader r = JournalReader.open(dir)) { lastWall = r.last().wallNs(); }
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            Event.NodeStarted s = j.nodeStarted("v", 3);
            assertThat(s).isEqualTo(new Event.NodeStarted("v", 3, Event.NodeStarted.CRASHED, 4, lastWall));
        }
    }
}
