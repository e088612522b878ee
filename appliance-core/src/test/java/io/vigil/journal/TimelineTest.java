package io.vigil.journal;

import io.vigil.journal.Event.VrrpState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.vigil.journal.Event.VrrpState.BACKUP;
import static io.vigil.journal.Event.VrrpState.INIT;
import static io.vigil.journal.Event.VrrpState.MASTER;
import static org.assertj.core.api.Assertions.assertThat;

class TimelineTest {
    private static final long S = 1_000_000_000L;
    private final List<Entry> entries = new ArrayList<>();

    private void tr(String node, long seq, long t, VrrpState from, VrrpState to, Cause cause) {
        entries.add(new Entry(node, seq, t * S, t * S, cause, new Event.VrrpTransition("VI_1", from, to, "", 100)));
    }

    @Test
    void splitBrainWindowIsWhereBothAreMasterAndNamesItsEnds() {
        tr("a", 1, 0, INIT, BACKUP, Cause.NONE);
        tr("b", 1, 0, INIT, BACKUP, Cause.NONE);
        tr("b", 2, 3, BACKUP, MASTER, Cause.timer("master_down"));
        tr("a", 2, 10, BACKUP, MASTER, Cause.timer("master_down"));          // partition: a stops hearing b
        tr("a", 3, 14, MASTER, BACKUP, Cause.packet("192.0.2.12", "eth0")); // heal: b's higher priority wins
        var r = Timeline.of(entries.reversed()); // input order must not matter

        assertThat(r.splitBrains()).hasSize(1);
        var sb = r.splitBrains().getFirst();
        assertThat(sb.instance()).isEqualTo("VI_1");
        assertThat(sb.fromWallNs()).isEqualTo(10 * S);
        assertThat(sb.toWallNs()).isEqualTo(14 * S);
        assertThat(sb.nodes()).containsExactly("a", "b");
        assertThat(sb.openedBy()).isEqualTo("a#2");
        assertThat(sb.closedBy()).isEqualTo("a#3");

        assertThat(r.segments()).filteredOn(s -> s.node().equals("a")).extracting(Timeline.Segment::state)
                .containsExactly(BACKUP, MASTER, BACKUP);
        var last = r.segments().stream().filter(s -> s.node().equals("a")).toList().getLast();
        assertThat(last.toWallNs()).isEqualTo(-1);
        assertThat(last.why()).contains("packet from 192.0.2.12");
        assertThat(r.lastEntryWallNs()).containsEntry("a", 14 * S).containsEntry("b", 3 * S);
    }

    @Test
    void noSplitBrainWhenMastershipIsHandedOver() {
        tr("a", 1, 0, INIT, MASTER, Cause.NONE);
        tr("b", 1, 0, INIT, BACKUP, Cause.NONE);
        tr("a", 2, 5, MASTER, BACKUP, Cause.packet("192.0.2.12", "eth0"));
        tr("b", 2, 5, BACKUP, MASTER, Cause.timer("master_down"));
        assertThat(Timeline.of(entries).splitBrains()).isEmpty();
    }

    @Test
    void restartEndsTheCrashedNodesMastershipAndAnOpenWindowStaysOpen() {
        tr("a", 1, 0, INIT, MASTER, Cause.NONE);
        tr("b", 1, 0, INIT, BACKUP, Cause.NONE);
        tr("b", 2, 4, BACKUP, MASTER, Cause.timer("master_down"));      // a was killed: b takes over
        entries.add(new Entry("a", 2, 20 * S, 20 * S, Cause.NONE, new Event.NodeStarted("0.1.0", 42)));
        tr("a", 3, 21, INIT, BACKUP, Cause.NONE);
        tr("a", 4, 30, BACKUP, MASTER, Cause.timer("master_down"));     // and later a real split brain, unhealed
        var r = Timeline.of(entries);

        assertThat(r.splitBrains()).extracting(Timeline.SplitBrain::fromWallNs, Timeline.SplitBrain::toWallNs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(4 * S, 20 * S), org.assertj.core.groups.Tuple.tuple(30 * S, -1L));
        assertThat(r.splitBrains().getFirst().closedBy()).isEqualTo("a#2");
        assertThat(r.segments()).filteredOn(s -> s.node().equals("a")).extracting(Timeline.Segment::state)
                .containsExactly(MASTER, INIT, BACKUP, MASTER);
    }
}
