package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.EventCodec;
import io.vigil.journal.EventType;
import io.vigil.journal.View;
import io.vigil.journal.Event.*;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A journal written in format 1 (by a frozen copy of the first writer) is still read, verified and projected. */
class FormatV1Test {
    @TempDir Path dir;

    /**
     * Frozen format-1 writer. Do not "fix" or update: it is the reference for journals written by the first release
     * (cause inline without length; no VrrpTransition.priority, no CheckResult.attempt; no snapshots).
     */
    static final class V1Writer implements AutoCloseable {
        private final SingleChronicleQueue q;
        private final ExcerptAppender a;
        private byte[] prev = new byte[16];
        private long seq;

        V1Writer(Path dir) {
            q = SingleChronicleQueueBuilder.binary(dir).rollCycle(JournalConfig.DEFAULT_ROLL_CYCLE).build();
            a = q.createAppender();
        }

        void write(long wall, Cause cause, Event ev) throws Exception {
            Bytes<byte[]> b = Bytes.allocateElasticOnHeap(128);
            b.writeUnsignedByte(1);
            b.writeUnsignedByte(EventType.of(ev).tag());
            b.writeUtf8("old-node");
            b.writeStopBit(++seq);
            b.writeLong(wall);
            b.writeLong(wall / 10);
            switch (cause) {
                case Cause.None n -> b.writeUnsignedByte(0);
                case Cause.Event e -> { b.writeUnsignedByte(1); b.writeStopBit(e.seq()); }
                case Cause.Timer t -> { b.writeUnsignedByte(3); b.writeUtf8(t.name()); }
                case Cause.Packet p -> { b.writeUnsignedByte(2); b.writeUtf8(p.source()); b.writeUtf8(p.device()); }
                default -> throw new IllegalArgumentException();
            }
            switch (ev) {
                case VrrpTransition e -> { b.writeUtf8(e.instance()); b.writeUnsignedByte(e.from().ordinal()); b.writeUnsignedByte(e.to().ordinal()); b.writeUtf8(e.reason()); }
                case VipChanged e -> { b.writeUtf8(e.instance()); b.writeUtf8(e.address()); b.writeUtf8(e.device()); b.writeBoolean(e.added()); b.writeBoolean(e.ok()); b.writeUtf8(e.error()); }
                case CheckResult e -> { b.writeUtf8(e.checker()); b.writeUtf8(e.target()); b.writeBoolean(e.up()); b.writeStopBit(e.latencyNs()); b.writeUtf8(e.detail()); }
                case NodeStarted e -> { b.writeUtf8(e.version()); b.writeStopBit(e.pid()); }
                default -> throw new IllegalArgumentException();
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prev);
            sha.update(b.underlyingObject(), 0, (int) b.writePosition());
            byte[] h = java.util.Arrays.copyOf(sha.digest(), 16);
            b.write(h);
            a.writeBytes(b);
            prev = h;
        }

        @Override public void close() { a.close(); q.close(); }
    }

    @Test
    void formatOneJournalReadsVerifiesProjectsAndAcceptsNewEntries() throws Exception {
        long t0 = 1_790_000_000_000_000_000L;
        try (V1Writer w = new V1Writer(dir)) {
            w.write(t0, Cause.NONE, new NodeStarted("vigil 0.0.9", 77));
            w.write(t0 + 1_000, Cause.timer("master_down"), new VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down timer expired", 0));
            w.write(t0 + 2_000, Cause.event(2), new VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
            w.write(t0 + 3_000, Cause.timer("check"), new CheckResult("TCP_CHECK", "198.51.100.13:80", false, 5_000, "refused", 0));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            List<Entry> all = r.readAll();
            assertThat(all).extracting(Entry::format).containsOnly(1);
            assertThat(all).extracting(Entry::event).containsExactly(
                    new NodeStarted("vigil 0.0.9", 77),
                    new VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down timer expired", 0),
                    new VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""),
                    new CheckResult("TCP_CHECK", "198.51.100.13:80", false, 5_000, "refused", 1)); // attempt defaults to 1
            assertThat(all.get(2).cause()).isEqualTo(Cause.event(2));
            assertThat(r.verify().ok()).isTrue();
            View v = r.stateAt(t0 + 2_500);
            assertThat(v.instances().get("VI_1").state()).isEqualTo(VrrpState.MASTER);
            assertThat(v.vips()).containsKey("192.0.2.100/24");
            assertThat(v.checks()).isEmpty();
        }
        // The current writer continues the old journal: seq and chain carry on across the format change.
        try (Journal j = Journal.open(JournalConfig.defaults(dir, "old-node"))) {
            assertThat(j.view().vips()).containsKey("192.0.2.100/24");
            assertThat(j.append(Cause.signal("SIGTERM"), new NodeStopped("SIGTERM"))).isEqualTo(5);
            j.flush(Duration.ofSeconds(10));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.lastSeq()).isEqualTo(5);
            assertThat(r.last().format()).isEqualTo(EventCodec.CURRENT_FORMAT);
        }
    }
}
