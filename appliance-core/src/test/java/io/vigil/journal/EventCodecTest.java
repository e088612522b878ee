package io.vigil.journal;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {

    @Test
    void everyEventTypeAndCauseRoundTrips() {
        EnumSet<EventType> seen = EnumSet.noneOf(EventType.class);
        List<Cause> causes = SampleEvents.causes();
        long seq = 1;
        for (Event ev : SampleEvents.all()) {
            Cause cause = causes.get((int) (seq % causes.size()));
            Entry in = new Entry("director-α", seq, 1_700_000_000_123_456_789L + seq, 987_654_321L * seq, cause, ev);
            Bytes<byte[]> b = Bytes.allocateElasticOnHeap(64);
            EventCodec.encode(in, b);
            b.write(new byte[EventCodec.HASH_LEN]);
            Entry out = EventCodec.decode(b, 77);
            assertThat(out.event()).isEqualTo(ev);
            assertThat(out.cause()).isEqualTo(cause);
            assertThat(out.node()).isEqualTo("director-α");
            assertThat(out.seq()).isEqualTo(seq);
            assertThat(out.wallNs()).isEqualTo(in.wallNs());
            assertThat(out.monoNs()).isEqualTo(in.monoNs());
            assertThat(out.index()).isEqualTo(77);
            assertThat(out.format()).isEqualTo(EventCodec.CURRENT_FORMAT);
            b.readPosition(0);
            assertThat(EventCodec.peekWall(b)).isEqualTo(in.wallNs());
            assertThat(EventCodec.peekTag(b)).isEqualTo(EventType.of(ev).tag());
            seen.add(EventType.of(ev));
            seq++;
        }
        assertThat(seen).containsAll(EnumSet.complementOf(EnumSet.of(EventType.UNKNOWN)));
    }

    @Test
    void unknownTypeFromNewerWriterIsKeptAsUnknown() {
        Bytes<byte[]> b = Bytes.allocateElasticOnHeap(64);
        EventCodec.encode(new Entry("n", 5, 1, 2, Cause.timer("t"), new Event.NodeStopped("x")), b);
        b.writeUnsignedByte(1, 200); // a tag this version does not know
        b.write(new byte[EventCodec.HASH_LEN]);
        Entry out = EventCodec.decode(b, 0);
        assertThat(out.event()).isInstanceOf(Event.Unknown.class);
        assertThat(((Event.Unknown) out.event()).tag()).isEqualTo(200);
        assertThat(out.cause()).isEqualTo(Cause.timer("t"));
    }

    @Test
    void newerTrailingFieldsAreIgnored() {
        Bytes<byte[]> b = Bytes.allocateElasticOnHeap(64);
        var ev = new Event.PriorityChanged("VI_1", 100, 90, "track_interface eth1");
        EventCodec.encode(new Entry("n", 5, 1, 2, Cause.NONE, ev), b);
        b.writeUtf8("a field from the future");
        b.write(new byte[EventCodec.HASH_LEN]);
        assertThat(EventCodec.decode(b, 0).event()).isEqualTo(ev);
    }

    @Test
    void truncatedEntryIsAFormatError() {
        Bytes<byte[]> b = Bytes.allocateElasticOnHeap(64);
        EventCodec.encode(new Entry("n", 5, 1, 2, Cause.NONE, new Event.ConfigApplied("/etc/k.conf", "h", "d")), b);
        b.writeLimit(b.writePosition());
        b.readLimit(b.writePosition() - 5);
        assertThatThrownBy(() -> EventCodec.decode(b, 0)).isInstanceOf(JournalFormatException.class);
    }
}
