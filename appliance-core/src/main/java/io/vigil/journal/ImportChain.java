package io.vigil.journal;

import net.openhft.chronicle.bytes.Bytes;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What an import checks, without its I/O: each exported entry must carry a hash, be in a format this version
 * re-encodes byte for byte, follow the previous entry's seq, and hash (re-encoded exactly as the writer encodes it)
 * to the hash its exporter wrote, following the previous one. The store ({@code journal.store.JournalImport}) finds
 * the anchor on disk and writes what passes. Not thread-safe.
 */
public final class ImportChain implements AutoCloseable {
    private final HashChain chain = new HashChain();
    private final Bytes<ByteBuffer> buf = Bytes.elasticByteBuffer(512);
    private boolean started;
    private byte[] prev;          // hash the next entry must follow; null until an anchor is taken
    private long lastSeq;
    private String note = "";

    /** Why {@code e} cannot be imported whatever precedes it, or null. */
    public static String unfit(Entry e) {
        if (e.hash().length != EventCodec.HASH_LEN)
            return "no hash in the export (exported by an older Vigil?): its proof cannot be kept";
        if (e.format() < EventCodec.OLDEST_WRITABLE_FORMAT || e.format() > EventCodec.CURRENT_FORMAT)
            return "written in journal format " + e.format() + ", which this Vigil cannot re-encode byte for byte";
        return null;
    }

    public boolean started() { return started; }

    /**
     * Takes the anchor: the journal's last entry {@code tail}; or, for an empty journal (null), the genesis hash when
     * the export's {@code first} entry starts a journal (seq 0 snapshot or seq 1), else {@code first}'s own hash.
     *
     * @return the seq an empty journal must continue at ({@code first}'s), or 0 when it starts as usual
     */
    public long start(Entry tail, Entry first) {
        started = true;
        if (tail != null) {
            prev = tail.hash();
            lastSeq = tail.seq();
            return 0;
        }
        boolean annotation = first.event().isAnnotation();
        if (first.seq() == 0 || first.seq() <= 1 && !annotation) prev = HashChain.GENESIS;
        else note = "the export starts at seq " + first.seq() + ": its first hash is taken as anchor";
        lastSeq = annotation ? first.seq() : first.seq() - 1;
        return lastSeq > 0 ? lastSeq + 1 : 0;
    }

    /** Why {@code e} does not follow the chain so far (seq or hash), or null. */
    public String breaks(Entry e) {
        long expect = e.event().isAnnotation() ? lastSeq : lastSeq + 1;
        if (e.seq() != expect)
            return "sequence gap: expected seq " + expect + " (entries missing from the export, or exported with --type)";
        if (prev != null) {
            buf.clear();
            EventCodec.encode(e, buf);
            ByteBuffer bb = buf.underlyingObject();
            bb.limit((int) buf.writePosition()).position(0);
            if (!Arrays.equals(chain.next(prev, bb), e.hash()))
                return "hash mismatch: the entry is not what its exporter wrote (a changed field, byte or timestamp), "
                        + "or an entry before it is missing";
        }
        return null;
    }

    /** {@code e} passed {@link #breaks}: the next entry follows it. */
    public void follow(Entry e) {
        prev = e.hash();
        lastSeq = e.seq();
    }

    public long lastSeq() { return lastSeq; }

    /** Said when the chain could not be checked from its genesis. */
    public String note() { return note; }

    @Override public void close() { buf.releaseLast(); }
}
