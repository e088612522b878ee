package io.vigil.journal;

import io.vigil.journal.Event.Unknown;
import net.openhft.chronicle.bytes.Bytes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact binary encoding of one journal entry (one Chronicle Queue excerpt).
 *
 * <pre>
 * format 3 (current), 2                      format 1 (first release, still read)
 *   u8      format = 2                         u8      format = 1
 *   u8      event type tag ({@link EventType})  u8      tag
 *   utf8    node id                            utf8    node id
 *   stopbit seq                                stopbit seq
 *   i64     wall ns, i64 mono ns               i64 wall ns, i64 mono ns
 *   u16     cause length, cause bytes          cause bytes (no length)
 *   body fields ... to the end                 body fields (no VrrpTransition.priority, no CheckResult.attempt)
 *   16 B    hash                               16 B hash
 * </pre>
 * Each event type's body fields are listed once, by its codec in {@link EventType} (causes: {@link #CAUSES}).
 * Format 3 differs from 2 only in the {@link Event.Snapshot} body, whose nested records are length-prefixed
 * ({@link ViewCodec}); an entry is re-encoded in the format it was written in (import keeps its hash).
 * Integers are stop-bit (varint) encoded, strings are stop-bit length + UTF-8. Evolution rule: fields are only
 * ever appended to a body; a reader stops at the body's end and gives fields it did not find their default, and
 * ignores trailing fields it does not know. So a newer journal is readable by this code as far as it goes, and
 * format-1 journals read with defaults. Enum constants are stored by ordinal: only append constants. A format-2
 * reader does not know format-3 snapshots; it reads every other format-3 entry.
 */
public final class EventCodec {

    public static final int CURRENT_FORMAT = 3;
    /** The oldest format this version can write (re-encode byte for byte, as import does). */
    public static final int OLDEST_WRITABLE_FORMAT = 2;
    public static final int HASH_LEN = 16;

    private EventCodec() {}

    /** Writes {@code e} without its hash at the write position of {@code out}. */
    public static void encode(Entry e, Bytes<?> out) {
        int format = e.format();
        if (format < OLDEST_WRITABLE_FORMAT || format > CURRENT_FORMAT)
            throw new JournalFormatException("cannot write journal format " + format);
        out.writeUnsignedByte(format);
        out.writeUnsignedByte(EventType.of(e.event()).tag());
        out.writeUtf8(e.node());
        out.writeStopBit(e.seq());
        out.writeLong(e.wallNs());
        out.writeLong(e.monoNs());
        long lenAt = out.writePosition();
        out.writeUnsignedShort(0);
        writeCause(e.cause(), out, format);
        out.writeUnsignedShort(lenAt, (int) (out.writePosition() - lenAt - 2));
        EventType.of(e.event()).codec().write(e.event(), out, format);
    }

    /** The type tag of the entry at the read position, without decoding it (for fast scans). */
    public static int peekTag(Bytes<?> in) {
        // readUnsignedByte(offset), not peekUnsignedByte: peek answers -1 past the current chunk of a mapped file
        return in.readUnsignedByte(in.readPosition() + 1);
    }

    /** The wall time of the entry at the read position, without decoding it (for time search). */
    public static long peekWall(Bytes<?> in) {
        long p = in.readPosition();
        try {
            in.readSkip(2);
            in.readUtf8(); // node id
            in.readStopBit();
            return in.readLong();
        } finally {
            in.readPosition(p);
        }
    }

    /** The seq of the entry at the read position, without decoding it. */
    public static long peekSeq(Bytes<?> in) {
        long p = in.readPosition();
        try {
            in.readSkip(2);
            in.readUtf8();
            return in.readStopBit();
        } finally {
            in.readPosition(p);
        }
    }

    /** Decodes the entry between read position and read limit (hash included); {@code index} is its queue index. */
    public static Entry decode(Bytes<?> in, long index) {
        long end = in.readLimit();
        if (end - in.readPosition() < 2 + HASH_LEN) throw new JournalFormatException("entry too short");
        int format = in.readUnsignedByte();
        if (format < 1 || format > CURRENT_FORMAT + 100) throw new JournalFormatException("unknown format " + format);
        int tag = in.readUnsignedByte();
        String node = in.readUtf8();
        long seq = in.readStopBit();
        long wall = in.readLong();
        long mono = in.readLong();
        Cause cause;
        long bodyEnd = end - HASH_LEN;
        try {
            if (format >= 2) {
                int causeLen = in.readUnsignedShort();
                long causeEnd = in.readPosition() + causeLen;
                in.readLimit(causeEnd);
                cause = readCause(in, format);
                in.readLimit(end);
                in.readPosition(causeEnd);
            } else {
                cause = readCause(in, format);
            }
            if (in.readPosition() > bodyEnd) throw new JournalFormatException("entry seq " + seq + " truncated in its header");
            in.readLimit(bodyEnd);
            EventType type = EventType.ofTag(tag);
            Event ev;
            if (type == null) {
                byte[] body = new byte[(int) in.readRemaining()];
                in.read(body);
                ev = new Unknown(tag, body);
            } else {
                ev = type.codec().read(in, format);
                if (in.readPosition() > bodyEnd) throw new JournalFormatException("entry seq " + seq + " body overruns the entry");
            }
            in.readLimit(end);
            in.readPosition(bodyEnd);
            byte[] hash = new byte[HASH_LEN];
            in.read(hash);
            return new Entry(node, seq, wall, mono, cause, ev, hash, index, format);
        } catch (RuntimeException ex) {
            in.readLimit(end);
            if (ex instanceof JournalFormatException jf) throw jf;
            throw new JournalFormatException("cannot decode entry seq " + seq + ": " + ex);
        }
    }

    // ---- causes ---------------------------------------------------------------------------------------

    /** A cause kind: its one-byte tag on disk (never renumber) and its fields. */
    private record CauseCodec<C extends Cause>(int kind, Class<C> type, Fields.Codec<C> codec) {}

    static final List<CauseCodec<?>> CAUSES = List.of(
            new CauseCodec<>(0, Cause.None.class, (f, c) -> Cause.NONE),
            new CauseCodec<>(1, Cause.Event.class, (f, c) -> new Cause.Event(f.varLong(c, Cause.Event::seq))),
            new CauseCodec<>(2, Cause.Packet.class, (f, c) -> new Cause.Packet(f.str(c, Cause.Packet::source), f.str(c, Cause.Packet::device))),
            new CauseCodec<>(3, Cause.Timer.class, (f, c) -> new Cause.Timer(f.str(c, Cause.Timer::name))),
            new CauseCodec<>(4, Cause.Signal.class, (f, c) -> new Cause.Signal(f.str(c, Cause.Signal::name))),
            new CauseCodec<>(5, Cause.Operator.class, (f, c) -> new Cause.Operator(f.str(c, Cause.Operator::who), f.str(c, Cause.Operator::via))),
            new CauseCodec<>(6, Cause.ConfigReload.class, (f, c) -> new Cause.ConfigReload(f.str(c, Cause.ConfigReload::contentHash))),
            new CauseCodec<>(7, Cause.Vrrp.class, (f, c) -> new Cause.Vrrp(f.str(c, Cause.Vrrp::kind), f.str(c, Cause.Vrrp::peer),
                    f.str(c, Cause.Vrrp::device), f.varInt(c, Cause.Vrrp::priority), f.fixedLong(c, Cause.Vrrp::heardWallNs),
                    f.str(c, Cause.Vrrp::relation))));

    private static final Map<Class<?>, CauseCodec<?>> CAUSE_BY_CLASS = new HashMap<>();
    private static final CauseCodec<?>[] CAUSE_BY_KIND = new CauseCodec<?>[256];
    static {
        for (CauseCodec<?> c : CAUSES) { CAUSE_BY_CLASS.put(c.type(), c); CAUSE_BY_KIND[c.kind()] = c; }
    }

    @SuppressWarnings("unchecked")
    private static void writeCause(Cause c, Bytes<?> out, int format) {
        CauseCodec<Cause> cc = (CauseCodec<Cause>) CAUSE_BY_CLASS.get(c.getClass());
        out.writeUnsignedByte(cc.kind());
        cc.codec().write(c, out, format);
    }

    private static Cause readCause(Bytes<?> in, int format) {
        CauseCodec<?> cc = CAUSE_BY_KIND[in.readUnsignedByte()];
        return cc == null ? Cause.NONE : cc.codec().read(in, format); // a kind from a newer format: skipped via its length
    }
}
