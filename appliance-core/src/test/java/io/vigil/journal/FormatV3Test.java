package io.vigil.journal;

import io.vigil.journal.Event.*;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Format 3 length-prefixes the records nested in a snapshot, so fields can be appended to them; format-2 snapshots
 * (records without prefixes) are still read, and re-encoded byte for byte as import needs.
 */
class FormatV3Test {

    /** Frozen format-2 snapshot body writer. Do not "fix" or update: the reference for journals of format 2. */
    static final class V2View {
        static void writeView(View v, Bytes<?> o) {
            o.writeStopBit(v.seq()); o.writeLong(v.wallNs()); o.writeUtf8(v.configHash());
            o.writeStopBit(v.instances().size());
            for (View.Instance i : v.instances().values()) {
                o.writeUtf8(i.name()); o.writeUnsignedByte(i.state().ordinal()); o.writeStopBit(i.priority());
                o.writeUtf8(i.master()); o.writeStopBit(i.masterPriority()); o.writeStopBit(i.sinceSeq()); o.writeLong(i.sinceWallNs());
            }
            o.writeStopBit(v.vips().size());
            for (View.Vip x : v.vips().values()) {
                o.writeUtf8(x.address()); o.writeUtf8(x.device()); o.writeUtf8(x.instance()); o.writeStopBit(x.sinceSeq());
            }
            o.writeStopBit(v.realServers().size());
            for (View.RealServer r : v.realServers().values()) {
                o.writeUtf8(r.virtualServer()); o.writeUtf8(r.realServer()); o.writeBoolean(r.up());
                o.writeStopBit(r.weight()); o.writeStopBit(r.sinceSeq());
            }
            o.writeStopBit(v.quorum().size());
            v.quorum().forEach((k, q) -> { o.writeUtf8(k); o.writeBoolean(q); });
            o.writeStopBit(v.ipvs().size());
            for (View.IpvsService s : v.ipvs().values()) {
                o.writeUtf8(s.service()); o.writeStopBit(s.sinceSeq()); o.writeStopBit(s.destinations().size());
                for (View.IpvsDest d : s.destinations().values()) {
                    o.writeUtf8(d.destination()); o.writeStopBit(d.weight()); o.writeUtf8(d.forwarding()); o.writeStopBit(d.sinceSeq());
                }
            }
            o.writeStopBit(v.checks().size());
            for (View.Check c : v.checks().values()) {
                o.writeUtf8(c.checker()); o.writeUtf8(c.target()); o.writeBoolean(c.up()); o.writeStopBit(c.latencyNs());
                o.writeUtf8(c.detail()); o.writeStopBit(c.attempt()); o.writeStopBit(c.seq()); o.writeLong(c.wallNs());
            }
        }
    }

    static View sampleView() {
        return SampleEvents.all().stream().filter(e -> e instanceof Snapshot).map(e -> ((Snapshot) e).view()).findFirst().orElseThrow();
    }

    static Entry snapshotEntry(int format) {
        return new Entry("lb-2", 41, 1_700_000_000_000_000_000L, 5, Cause.NONE, new Snapshot(sampleView()), null, -1, format);
    }

    @Test
    void aFormat2SnapshotIsReadAndReEncodedByteForByte() {
        Entry e = snapshotEntry(2);
        Bytes<byte[]> frozen = Bytes.allocateElasticOnHeap(256);
        frozen.writeUnsignedByte(2);
        frozen.writeUnsignedByte(EventType.SNAPSHOT.tag());
        frozen.writeUtf8("lb-2");
        frozen.writeStopBit(41);
        frozen.writeLong(e.wallNs());
        frozen.writeLong(5);
        frozen.writeUnsignedShort(1);
        frozen.writeUnsignedByte(0); // cause none
        V2View.writeView(sampleView(), frozen);
        byte[] v2 = Arrays.copyOf(frozen.underlyingObject(), (int) frozen.writePosition());
        frozen.write(new byte[EventCodec.HASH_LEN]);

        Entry read = EventCodec.decode(frozen, 3);
        assertThat(read.format()).isEqualTo(2);
        assertThat(read.event()).isEqualTo(new Snapshot(sampleView()));
        assertThat(((Snapshot) read.event()).view().instances()).isNotEmpty();

        Bytes<byte[]> again = Bytes.allocateElasticOnHeap(256);
        EventCodec.encode(read, again);
        assertThat(Arrays.copyOf(again.underlyingObject(), (int) again.writePosition())).isEqualTo(v2);
    }

    @Test
    void aFormat3SnapshotDiffersFromFormat2AndRoundTrips() {
        Bytes<byte[]> b2 = Bytes.allocateElasticOnHeap(256), b3 = Bytes.allocateElasticOnHeap(256);
        EventCodec.encode(snapshotEntry(2), b2);
        EventCodec.encode(snapshotEntry(3), b3);
        assertThat(b3.writePosition()).isGreaterThan(b2.writePosition()); // the length prefixes
        b3.write(new byte[EventCodec.HASH_LEN]);
        Entry read = EventCodec.decode(b3, 0);
        assertThat(read.format()).isEqualTo(3);
        assertThat(read.event()).isEqualTo(new Snapshot(sampleView()));
    }

    @Test
    void formatsThisVersionCannotWriteAreRefused() {
        Entry v1 = new Entry("n", 1, 1, 1, Cause.NONE, new NodeStopped("x"), null, -1, 1);
        assertThatThrownBy(() -> EventCodec.encode(v1, Bytes.allocateElasticOnHeap(64))).isInstanceOf(JournalFormatException.class);
        Entry v9 = new Entry("n", 1, 1, 1, Cause.NONE, new NodeStopped("x"), null, -1, EventCodec.CURRENT_FORMAT + 1);
        assertThatThrownBy(() -> EventCodec.encode(v9, Bytes.allocateElasticOnHeap(64))).isInstanceOf(JournalFormatException.class);
    }

    /** The view codec of a newer writer: a field appended to the view and to every VIP. */
    static final Fields.Codec<View.Vip> VIP_NEXT = (f, x) -> {
        View.Vip v = ViewCodec.VIP.fields(f, x);
        f.str(x, y -> "vip field from the future");
        return v;
    };

    @Test
    void fieldsAppendedToNestedRecordsAreSkippedAndMissingOnesDefault() {
        View view = sampleView();
        Bytes<byte[]> b = Bytes.allocateElasticOnHeap(256);
        Fields.Writer w = new Fields.Writer(b, 3);
        w.list(view, v -> v.vips().values(), VIP_NEXT);
        w.nested(view, Function.identity(), (f, v) -> { View r = ViewCodec.VIEW.fields(f, v); f.varLong(v, x -> 99); return r; });
        w.str(view, v -> "after");

        Fields.Reader r = new Fields.Reader(b, 3);
        assertThat(r.list(null, null, ViewCodec.VIP)).containsExactlyElementsOf(view.vips().values());
        assertThat(r.nested(null, null, ViewCodec.VIEW)).isEqualTo(view);
        assertThat(r.str(null, null)).isEqualTo("after");

        // an older writer's check record, without attempt/seq/wall: they read as their defaults
        Bytes<byte[]> old = Bytes.allocateElasticOnHeap(64);
        new Fields.Writer(old, 3).nested(null, x -> "", (f, x) -> { f.str(x, y -> "HTTP_GET"); f.str(x, y -> "t:80");
            f.bool(x, y -> true); f.varLong(x, y -> 7); f.str(x, y -> "ok"); return x; });
        assertThat(new Fields.Reader(old, 3).nested(null, null, ViewCodec.CHECK))
                .isEqualTo(new View.Check("HTTP_GET", "t:80", true, 7, "ok", 1, 0, 0));
    }

    @Test
    void aNestedLengthBeyondItsParentIsAFormatError() {
        Bytes<byte[]> b = Bytes.allocateElasticOnHeap(64);
        b.writeInt(1000);
        b.writeUtf8("short");
        assertThatThrownBy(() -> new Fields.Reader(b, 3).nested(null, null, ViewCodec.VIP)).isInstanceOf(JournalFormatException.class);
    }

    @Test
    void everyTypeHasItsOwnCodecAndClass() {
        for (EventType t : EventType.values()) assertThat(t.codec()).isNotNull();
        for (Event e : SampleEvents.all()) assertThat(EventType.of(e).type()).isEqualTo(e.getClass());
        assertThat(EventType.of(new Unknown(200, new byte[0]))).isEqualTo(EventType.UNKNOWN);
        assertThat(List.of(EventType.values())).extracting(EventType::tag).doesNotHaveDuplicates();
    }
}
