package io.vigil.api;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** JournalAccess over a real Chronicle journal. */
class JournalAccessTest {
    @TempDir Path dir;

    @Test
    void subscriptionReplaysThenFollowsLiveAppendsWithoutGapsOrDuplicates() throws Exception {
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lab-d1"))) {
            var access = new JournalAccess(j);
            for (int i = 0; i < 300; i++) j.append(Cause.timer("check"), new Event.CheckResult("HTTP_GET", "192.0.2.21:80", true, 1000 + i, "200", 1));
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();

            List<Long> seen = Collections.synchronizedList(new ArrayList<>());
            int total = 1000;
            var done = new CountDownLatch(1);
            // appends keep coming while the replay runs
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 300; i < total; i++) {
                    while (j.append(Cause.timer("check"), new Event.CheckResult("HTTP_GET", "192.0.2.22:80", i % 2 == 0, i, "", 1)) < 0) Thread.onSpinWait();
                }
            });
            try (AutoCloseable sub = access.subscribe(100, e -> {
                seen.add(e.seq());
                if (e.seq() == total) done.countDown();
            })) {
                assertThat(done.await(20, TimeUnit.SECONDS)).as("saw " + seen.size()).isTrue();
            }
            writer.join();
            List<Long> expected = java.util.stream.LongStream.rangeClosed(101, total).boxed().toList();
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aSubscriberFarBehindCatchesUpFromTheJournalWithBoundedMemory() throws Exception {
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lab-d1"))) {
            var access = new JournalAccess(j);
            int total = JournalAccess.MAX_LIVE * 3;
            List<Long> seen = Collections.synchronizedList(new ArrayList<>());
            var done = new CountDownLatch(1);
            var started = new CountDownLatch(1);
            try (AutoCloseable sub = access.subscribe(0, e -> {
                seen.add(e.seq());
                if (e.seq() == 1) { // a client that stalls while the writer races ahead
                    started.countDown();
                    try { Thread.sleep(1500); } catch (InterruptedException ie) { Thread.currentThread().interrupt(); }
                }
                if (e.seq() == total) done.countDown();
            })) {
                j.append(Cause.timer("check"), new Event.CheckResult("HTTP_GET", "192.0.2.21:80", true, 1, "", 1));
                assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i < total; i++) {
                    while (j.append(Cause.timer("check"), new Event.CheckResult("HTTP_GET", "192.0.2.21:80", true, i, "", 1)) < 0) Thread.onSpinWait();
                }
                assertThat(done.await(30, TimeUnit.SECONDS)).as("saw " + seen.size()).isTrue();
            }
            assertThat(seen).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
            assertThat(access.catchUps()).as("fell behind by more than MAX_LIVE and read on from the journal").isPositive();
        }
    }

    @Test
    void eventsByTimeAndTypeAndStateAtComeFromTheJournal() throws Exception {
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lab-d1"))) {
            var access = new JournalAccess(j);
            long s1 = j.append(Cause.timer("master_down"), new Event.VrrpTransition("VI_1", VrrpState.INIT, VrrpState.BACKUP, "start", 100));
            j.flush(Duration.ofSeconds(5));
            Thread.sleep(20);
            Instant between = Instant.now();
            Thread.sleep(20);
            long s2 = j.append(Cause.timer("master_down"), new Event.VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down timer expired", 100));
            j.append(Cause.event(s2), new Event.VipChanged("VI_1", "192.0.2.50/24", "eth0", true, true, ""));
            j.flush(Duration.ofSeconds(5));

            var all = access.events(Instant.EPOCH, Instant.now().plusSeconds(1), Set.of(), 100);
            assertThat(all).extracting(Views.Event::type).containsExactly("vrrp-transition", "vrrp-transition", "vip-changed");
            assertThat(all.get(2).json().getString("cause")).isEqualTo("#" + s2);
            assertThat(all.get(1).json().getJsonObject("data").getMap()).containsEntry("to", "MASTER").containsEntry("reason", "master_down timer expired");
            assertThat(access.events(between, Instant.now().plusSeconds(1), Set.of("vrrp-transition"), 100))
                    .extracting(Views.Event::seq).containsExactly(s2);
            assertThat(access.events(Instant.EPOCH, between, Set.of(), 100)).extracting(Views.Event::seq).containsExactly(s1);

            var before = access.stateAt(between).getJsonObject("instances");
            assertThat(before.getJsonObject("VI_1").getMap()).containsEntry("state", "BACKUP");
            var now = access.stateAt(Instant.now()).getJsonObject("vips");
            assertThat(now.getMap()).containsKey("192.0.2.50/24");
            assertThat(access.lastSeq()).isEqualTo(3);

            // the download is `vigil journal export` format: it parses back into the same events
            List<String> lines = new ArrayList<>();
            access.export(Instant.EPOCH, Instant.now().plusSeconds(1), Set.of("vrrp-transition"), lines::add);
            assertThat(lines).hasSize(2);
            var parsed = io.vigil.journal.JournalJson.fromJson(new io.vertx.core.json.JsonObject(lines.get(1)));
            assertThat(parsed.event()).isEqualTo(new Event.VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down timer expired", 100));
            assertThat(parsed.seq()).isEqualTo(s2);
            // unfiltered, the download carries the snapshots too and imports with its hashes checked
            List<String> everything = new ArrayList<>();
            access.export(Instant.EPOCH, Instant.now().plusSeconds(1), Set.of(), everything::add);
            assertThat(everything).anyMatch(l -> l.contains("\"type\":\"snapshot\""));
            Path copy = dir.resolve("imported");
            try (var imp = io.vigil.journal.store.JournalImport.open(copy)) {
                for (String l : everything) imp.add(io.vigil.journal.JournalJson.fromJson(new io.vertx.core.json.JsonObject(l)));
                assertThat(imp.imported()).isEqualTo(3);
            }
            try (var r = io.vigil.journal.store.JournalReader.open(copy)) { assertThat(r.verify().ok()).isTrue(); }
            assertThat(access.info().sizeBytes()).isPositive();
        }
    }
}
