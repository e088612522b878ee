package io.vigil.journal;

import net.openhft.chronicle.bytes.Bytes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The field list of one record, serving both directions of its {@link Codec}. Writing, each call writes the value
 * its getter takes from the record and returns it; reading, the record is {@code null} and each call reads the
 * next field and returns it. A codec is one expression that builds the record from these calls, so its write and
 * read orders cannot drift apart.
 *
 * <p>Reading, a field past the end of its record (written before the field was appended) reads as its default,
 * and fields after the last one a codec asks for (appended by a newer writer) are skipped. Nested records are
 * prefixed with their length ({@link #nested}, {@link #list}) so the same holds for them.
 */
public abstract sealed class Fields permits Fields.Writer, Fields.Reader {

    /** Encodes or decodes one record; {@code r} is null when reading. */
    @FunctionalInterface
    public interface Codec<R> {
        R fields(Fields f, R r);

        default void write(R r, Bytes<?> out, int format) { fields(new Writer(out, format), r); }
        default R read(Bytes<?> in, int format) { return fields(new Reader(in, format), null); }
    }

    private final int format;

    private Fields(int format) { this.format = format; }

    /** The format version being written or read (a codec may read older layouts differently). */
    public int format() { return format; }

    public abstract <R> String str(R r, Function<R, String> get);
    /** A stop-bit (varint) integer. */
    public abstract <R> long varLong(R r, ToLongFunction<R> get);
    public final <R> int varInt(R r, ToIntFunction<R> get) { return varInt(r, get, 0); }
    public abstract <R> int varInt(R r, ToIntFunction<R> get, int dflt);
    /** An 8-byte integer (times: stop-bit would take 9 bytes). */
    public abstract <R> long fixedLong(R r, ToLongFunction<R> get);
    public abstract <R> boolean bool(R r, Predicate<R> get);
    /** An enum by ordinal (one byte); {@code unknown} for an ordinal this version does not know, or null to refuse it. */
    public abstract <R, E extends Enum<E>> E enumOf(R r, Function<R, E> get, E[] values, E unknown);
    /** A record in its own length-prefixed extent. */
    public abstract <R, N> N nested(R r, Function<R, N> get, Codec<N> codec);
    /** A count, then each element as {@link #nested}. */
    public abstract <R, N> List<N> list(R r, Function<R, ? extends Collection<N>> get, Codec<N> codec);
    /** The rest of the record as raw bytes (bodies of unknown types). */
    public abstract <R> byte[] rest(R r, Function<R, byte[]> get);

    /** Writes each field the getters take from the record. */
    public static final class Writer extends Fields {
        private final Bytes<?> o;

        public Writer(Bytes<?> out, int format) { super(format); this.o = out; }

        /** The underlying bytes, for a codec that writes a frozen older layout by hand. */
        public Bytes<?> bytes() { return o; }

        @Override public <R> String str(R r, Function<R, String> get) { String v = get.apply(r); o.writeUtf8(v); return v; }
        @Override public <R> long varLong(R r, ToLongFunction<R> get) { long v = get.applyAsLong(r); o.writeStopBit(v); return v; }
        @Override public <R> int varInt(R r, ToIntFunction<R> get, int dflt) { int v = get.applyAsInt(r); o.writeStopBit(v); return v; }
        @Override public <R> long fixedLong(R r, ToLongFunction<R> get) { long v = get.applyAsLong(r); o.writeLong(v); return v; }
        @Override public <R> boolean bool(R r, Predicate<R> get) { boolean v = get.test(r); o.writeBoolean(v); return v; }

        @Override public <R, E extends Enum<E>> E enumOf(R r, Function<R, E> get, E[] values, E unknown) {
            E v = get.apply(r);
            o.writeUnsignedByte(v.ordinal());
            return v;
        }

        @Override public <R, N> N nested(R r, Function<R, N> get, Codec<N> codec) {
            N v = get.apply(r);
            long at = o.writePosition();
            o.writeInt(0);
            codec.fields(this, v);
            o.writeInt(at, (int) (o.writePosition() - at - 4));
            return v;
        }

        @Override public <R, N> List<N> list(R r, Function<R, ? extends Collection<N>> get, Codec<N> codec) {
            Collection<N> v = get.apply(r);
            o.writeStopBit(v.size());
            for (N n : v) nested(n, Function.identity(), codec);
            return List.copyOf(v);
        }

        @Override public <R> byte[] rest(R r, Function<R, byte[]> get) { byte[] v = get.apply(r); o.write(v); return v; }
    }

    /** Reads the fields in order from the read position up to the read limit (the end of the record). */
    public static final class Reader extends Fields {
        private final Bytes<?> i;

        public Reader(Bytes<?> in, int format) { super(format); this.i = in; }

        /** The underlying bytes, for a codec that reads a frozen older layout by hand. */
        public Bytes<?> bytes() { return i; }

        private boolean ended() { return i.readRemaining() <= 0; }

        @Override public <R> String str(R r, Function<R, String> get) { return ended() ? "" : i.readUtf8(); }
        @Override public <R> long varLong(R r, ToLongFunction<R> get) { return ended() ? 0 : i.readStopBit(); }
        @Override public <R> int varInt(R r, ToIntFunction<R> get, int dflt) { return ended() ? dflt : (int) i.readStopBit(); }
        @Override public <R> long fixedLong(R r, ToLongFunction<R> get) { return ended() ? 0 : i.readLong(); }
        @Override public <R> boolean bool(R r, Predicate<R> get) { return !ended() && i.readBoolean(); }

        @Override public <R, E extends Enum<E>> E enumOf(R r, Function<R, E> get, E[] values, E unknown) {
            if (ended()) return values[0];
            int ordinal = i.readUnsignedByte();
            if (ordinal < values.length) return values[ordinal];
            if (unknown == null) throw new JournalFormatException("unknown " + values[0].getDeclaringClass().getSimpleName() + " " + ordinal);
            return unknown;
        }

        @Override public <R, N> N nested(R r, Function<R, N> get, Codec<N> codec) {
            int len = i.readInt();
            long limit = i.readLimit(), end = i.readPosition() + len;
            if (len < 0 || end > limit) throw new JournalFormatException("nested record of " + len + " bytes overruns its parent");
            i.readLimit(end);
            try {
                return codec.fields(this, null);
            } finally {
                i.readLimit(limit);
                i.readPosition(end);
            }
        }

        @Override public <R, N> List<N> list(R r, Function<R, ? extends Collection<N>> get, Codec<N> codec) {
            long n = ended() ? 0 : i.readStopBit();
            if (n < 0 || n > i.readRemaining()) throw new JournalFormatException("list of " + n + " records overruns its parent");
            List<N> out = new ArrayList<>((int) n);
            for (long k = 0; k < n; k++) out.add(nested(null, null, codec));
            return out;
        }

        @Override public <R> byte[] rest(R r, Function<R, byte[]> get) {
            byte[] v = new byte[(int) Math.max(0, i.readRemaining())];
            i.read(v);
            return v;
        }
    }
}
