package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.SampleEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JournalStoreTest {
    @TempDir Path dir;

    @Test
    void appendStampsAndReadsBackEveryType() {
        List<Event> events = new ArrayList<>(SampleEvents.all().stream().filter(e -> !e.isAnnotation()).toList());
        List<Long> seqs = new ArrayList<>();
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            long prev = -1;
            for (Event e : events) {
                long s = j.append(prev < 0 ? Cause.timer("advert") : Cause.event(prev), e);
                seqs.add(s);
                prev = s;
            }
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(j.writtenSeq()).isEqualTo(events.size());
        }
        assertThat(seqs).containsExactly(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toArray(Long[]::new));
        try (JournalReader r = JournalReader.open(dir)) {
            List<Entry> read = r.readAll().stream().filter(e -> !e.event().isAnnotation()).toList();
            assertThat(read).extracting(Entry::event).containsExactlyElementsOf(events);
            assertThat(read).extracting(Entry::node).containsOnly("lb1");
            assertThat(read.get(0).cause()).isEqualTo(Cause.timer("advert"));
            for (int i = 1; i < read.size(); i++) {
                assertThat(read.get(i).cause()).isEqualTo(Cause.event(read.get(i - 1).seq()));
                assertThat(read.get(i).wallNs()).isGreaterThanOrEqualTo(read.get(i - 1).wallNs());
            }
            assertThat(r.verify().ok()).isTrue();
        }
    }

    @Test
    void seqAndChainContinueAcrossReopen() {
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            j.append(Cause.NONE, new Event.NodeStarted("v", 1));
            j.append(Cause.NONE, new Event.NodeStopped("SIGTERM"));
        }
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
            assertThat(j.append(Cause.NONE, new Event.NodeStarted("v", 2))).isEqualTo(3);
        }
        try (JournalReader r = JournalReader.open(dir)) {
            var v = r.verify();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.lastSeq()).isEqualTo(3);
            assertThat(r.last().event()).isEqualTo(new Event.NodeStarted("v", 2));
        }
    }
}
