package io.vigil.journal;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** The import's checks on entries in memory; ImportProofTest runs them through exports and journals on disk. */
class ImportChainTest {

    private static Entry entry(long seq, String reason) {
        return new Entry("lb1", seq, 1_000L * seq, 10L * seq, Cause.timer("t"),
                new Event.VrrpTransition("VI_1", Event.VrrpState.BACKUP, Event.VrrpState.MASTER, reason, 100));
    }

    /** {@code e} with the hash the writer would give it after {@code prev}. */
    private static Entry hashed(Entry e, byte[] prev) {
        Bytes<ByteBuffer> buf = Bytes.elasticByteBuffer(256);
        try {
            EventCodec.encode(e, buf);
            ByteBuffer bb = buf.underlyingObject();
            bb.limit((int) buf.writePosition()).position(0);
            byte[] h = new HashChain().next(prev, bb);
            return new Entry(e.node(), e.seq(), e.wallNs(), e.monoNs(), e.cause(), e.event(), h, -1, e.format());
        } finally {
            buf.releaseLast();
        }
    }

    @Test
    void aChainFromGenesisFollowsAndAChangedEntryBreaksIt() {
        Entry one = hashed(entry(1, "a"), HashChain.GENESIS);
        Entry two = hashed(entry(2, "b"), one.hash());
        Entry forged = new Entry("lb1", 2, two.wallNs(), two.monoNs(), two.cause(), entry(2, "B").event(), two.hash(), -1, two.format());
        try (ImportChain c = new ImportChain()) {
            assertThat(ImportChain.unfit(one)).isNull();
            assertThat(c.start(null, one)).isZero();
            assertThat(c.breaks(one)).isNull();
            c.follow(one);
            assertThat(c.breaks(forged)).startsWith("hash mismatch");
            assertThat(c.breaks(two)).isNull();
            c.follow(two);
            assertThat(c.lastSeq()).isEqualTo(2);
            assertThat(c.note()).isEmpty();
        }
    }

    @Test
    void aGapIsRefusedAndAnExportStartingLaterTakesItsFirstHashAsAnchor() {
        Entry five = hashed(entry(5, "a"), new byte[EventCodec.HASH_LEN]);
        Entry seven = hashed(entry(7, "c"), five.hash());
        try (ImportChain c = new ImportChain()) {
            assertThat(c.start(null, five)).isEqualTo(5);
            assertThat(c.note()).contains("starts at seq 5");
            assertThat(c.breaks(five)).isNull();
            c.follow(five);
            assertThat(c.breaks(seven)).startsWith("sequence gap: expected seq 6");
        }
    }

    @Test
    void anEntryWithoutHashIsUnfit() {
        assertThat(ImportChain.unfit(entry(1, "a"))).startsWith("no hash in the export");
    }
}
