package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code vigil run} opens the journal on a thread of its own while it reads the configuration, under a placeholder
 * name, and names the node once the configuration is read: the entries, their order, seqs and chain are those of a
 * journal opened under its name (node-started first), and naming after an entry is refused.
 */
class JournalNamedAtStartTest {
    @TempDir Path early;
    @TempDir Path plain;

    @Test
    void openedBeforeTheNameIsKnownTheJournalIsTheSame() throws Exception {
        Journal.open(JournalConfig.defaults(early, "lb1")).close();  // a previous run of each, ended cleanly
        Journal.open(JournalConfig.defaults(plain, "lb1")).close();
        for (Path dir : List.of(early, plain)) {
            try (Journal j = Journal.open(JournalConfig.defaults(dir, "lb1"))) {
                j.append(Cause.NONE, j.nodeStarted("v", 1));
                j.append(Cause.signal("SIGTERM"), new Event.NodeStopped("SIGTERM"));
            }
        }
        var opening = CompletableFuture.supplyAsync(() -> Journal.open(JournalConfig.defaults(early, "vigil")));
        try (Journal e = opening.join(); Journal p = Journal.open(JournalConfig.defaults(plain, "lb1"))) {
            e.nameNode("lb1");
            assertThat(e.nodeId()).isEqualTo("lb1");
            for (Journal j : List.of(e, p)) {
                long s = j.append(Cause.NONE, j.nodeStarted("v", 2));
                j.append(Cause.event(s), new Event.VrrpTransition("VI_1", Event.VrrpState.INIT, Event.VrrpState.BACKUP, "startup", 100));
                j.append(Cause.signal("SIGTERM"), new Event.NodeStopped("SIGTERM"));
                assertThat(j.flush(Duration.ofSeconds(5))).isTrue();
            }
            assertThatThrownBy(() -> e.nameNode("other")).isInstanceOf(IllegalStateException.class);
        }
        List<Entry> a = read(early), b = read(plain);
        assertThat(a).hasSameSizeAs(b).hasSizeGreaterThanOrEqualTo(5);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).node()).isEqualTo("lb1");
            assertThat(a.get(i).seq()).isEqualTo(b.get(i).seq());
            assertThat(a.get(i).cause()).isEqualTo(b.get(i).cause());
            assertThat(a.get(i).event().getClass()).isEqualTo(b.get(i).event().getClass());
        }
        Event.NodeStarted started = (Event.NodeStarted) a.stream().filter(x -> x.event() instanceof Event.NodeStarted)
                .reduce((x, y) -> y).orElseThrow().event();
        assertThat(started.previousEnd()).isEqualTo(Event.NodeStarted.CLEAN);
        assertThat(a.getLast().event()).isEqualTo(new Event.NodeStopped("SIGTERM"));
    }

    private static List<Entry> read(Path dir) {
        try (JournalReader r = JournalReader.open(dir)) { return r.readAll(); }
    }
}
