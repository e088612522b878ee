package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.View;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StateAtTest {
    @TempDir Path dir;

    @Test
    void stateAtEqualsFullReplayAtAnyTimeAcrossCyclesAndSnapshots() {
        SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-03-01T00:00:00Z"));
        JournalConfig cfg = JournalConfig.defaults(dir, "lb1").withSnapshotEvery(7).withQueueTime(time)
                .withClock(Scenario.clock(time)).withRetention(Duration.ZERO, 0);
        Scenario sc = new Scenario(42);
        View live;
        try (Journal j = Journal.open(cfg)) {
            for (int cycle = 0; cycle < 4; cycle++) {
                for (int i = 0; i < 150; i++) j.append(Cause.timer("t"), sc.next());
                assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
                time.advanceMillis(3_600_000);
            }
            live = j.view();
        }
        assertThat(dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"))).hasSize(4);
        try (JournalReader r = JournalReader.open(dir)) {
            List<Entry> all = r.readAll();
            List<Entry> events = all.stream().filter(e -> !e.event().isAnnotation()).toList();
            assertThat(events).hasSize(600);
            assertThat(all.stream().filter(e -> e.event() instanceof Event.Snapshot).count()).isGreaterThanOrEqualTo(600 / 7);
            // every cycle starts with a snapshot
            long cyclesStartingWithSnapshot = all.stream().filter(e -> r.rollCycle().toSequenceNumber(e.index()) == 0)
                    .filter(e -> e.event() instanceof Event.Snapshot).count();
            assertThat(cyclesStartingWithSnapshot).isEqualTo(4);

            View full = Scenario.bruteForce(events, Long.MAX_VALUE);
            assertThat(live).isEqualTo(full);                 // live fold == replay fold
            assertThat(r.stateAtEnd()).isEqualTo(full);
            Random rnd = new Random(7);
            List<Long> times = new ArrayList<>(List.of(events.get(0).wallNs() - 1, events.get(0).wallNs(),
                    events.get(599).wallNs(), events.get(599).wallNs() + 10));
            for (int i = 0; i < 60; i++) times.add(events.get(rnd.nextInt(600)).wallNs() + rnd.nextInt(2) - 1);
            for (long t : times) assertThat(r.stateAt(t)).as("stateAt(%d)", t).isEqualTo(Scenario.bruteForce(events, t));
            assertThat(r.stateAt(events.get(0).wallNs() - 1)).isEqualTo(View.EMPTY);
        }
    }

    @Test
    void retentionDeletesOldCyclesAndWhatRemainsStillVerifiesAndReplays() {
        SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-03-01T00:00:00Z"));
        JournalConfig cfg = JournalConfig.defaults(dir, "lb1").withSnapshotEvery(1000).withQueueTime(time)
                .withClock(Scenario.clock(time)).withRetention(Duration.ofHours(2), 0);
        Scenario sc = new Scenario(3);
        try (Journal j = Journal.open(cfg)) {
            for (int cycle = 0; cycle < 6; cycle++) {
                for (int i = 0; i < 50; i++) j.append(Cause.timer("t"), sc.next());
                assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
                time.advanceMillis(3_600_000);
            }
            j.append(Cause.timer("t"), sc.next()); // lands in cycle 6 (t = 06:00): cycles ending before 04:00 go
            j.flush(Duration.ofSeconds(10));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (files() > 4 && System.nanoTime() < deadline) Thread.onSpinWait();
        }
        assertThat(files()).isEqualTo(4); // 03:00, 04:00, 05:00, 06:00 remain (cycle ending 04:00 is not < 04:00)
        try (JournalReader r = JournalReader.open(dir)) {
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.note()).contains("retention");
            assertThat(v.firstSeq()).isEqualTo(151);
            List<Entry> kept = r.readAll().stream().filter(e -> !e.event().isAnnotation()).toList();
            assertThat(kept.get(0).seq()).isEqualTo(151);
            // the first kept cycle's snapshot carries the state the deleted cycles built
            View atEnd = r.stateAtEnd();
            assertThat(atEnd.seq()).isEqualTo(301);
            assertThat(r.stateAt(kept.get(10).wallNs()).seq()).isEqualTo(161);
        }
    }

    private int files() {
        File[] f = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        return f == null ? 0 : f.length;
    }
}
