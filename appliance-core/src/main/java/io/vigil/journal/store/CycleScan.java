package io.vigil.journal.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the bytes of one Chronicle Queue cycle file ({@code .cq4}) as Chronicle lays them out, independently of
 * Chronicle's tailers (which stop silently at, or jump past, a damaged header). The layout (Chronicle Queue 2026.4,
 * binary wire, little endian):
 *
 * <pre>
 *   every document: u32 header = flags | length (bit 31 NOT_COMPLETE, bit 30 META_DATA, bits 0..29 length),
 *                   then length bytes; the next header starts at the next multiple of 4 (padding is zero)
 *   byte 0:         meta-data "header: !SCQStore" (writePosition = [last excerpt's position, its number],
 *                   indexing: indexCount, indexSpacing, index2Index = position of the index2index document)
 *   meta-data:      "index2index" (positions of index documents) and "index" arrays (position of every
 *                   indexSpacing-th excerpt), written as the file fills
 *   data:           one excerpt per journal entry (decoded by {@link EventCodec})
 *   end:            a zero header (nothing written yet) or END_OF_DATA (0xC0000000, the queue rolled on) followed by
 *                   the field name "EOF" (0xC3 'E' 'O' 'F'); every byte after that is zero
 * </pre>
 *
 * Bytes after the end are accepted as an unfinished write (not damage) only where a crash can leave them: while
 * Chronicle's writePosition still names the last excerpt walked, or past every excerpt the writer had msynced. A
 * power cut keeps only what reached the disk, and Chronicle's msync covers the data written since the last one, not
 * the cycle header's page (writePosition): after a power cut that page can be older than the data, so the synced
 * count ({@code chronicle.lastIndexMSynced} in the queue's metadata) is the evidence that still holds.
 *
 * A scan is resumable: a reader following a live file calls {@link #advance} again and it continues where it ended.
 * The first inconsistency is kept as {@link #damage()} and the walk never goes past it.
 */
final class CycleScan {
    static final int NOT_COMPLETE = 0x80000000, META_DATA = 0x40000000, LENGTH_MASK = 0x3FFFFFFF;
    static final int END_OF_DATA = NOT_COMPLETE | META_DATA;
    /** What Chronicle writes after an END_OF_DATA header: the binary-wire field name "EOF" (0xC3 'E' 'O' 'F'). */
    static final int EOF_WORD = 0x464F45C3;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 1 MiB of zeros to compare file regions against (also {@link TailRepair}'s). */
    static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[1 << 20]);

    /** Sees each data excerpt's content (header excluded); returns a problem to report there, or null. */
    interface DataVisitor {
        String data(long pos, long number, MemorySegment content);
    }

    /** What is wrong and where (a byte offset in the cycle file). */
    record Damage(String file, long pos, String problem) {
        String describe() { return "cycle file " + file + ", byte " + pos + ": " + problem; }
    }

    private final Path path;
    private final String file;
    private long pos;             // next header to read
    private long dataCount;       // data excerpts walked
    private long lastDataPos = -1;
    private Damage damage;
    private boolean eof;          // END_OF_DATA seen: the file is complete
    private long interruptedAt = -1; // an unfinished write at the end: being written now, or cut short by a crash
    private long tailFrom = -1;      // first byte of that unfinished write that is not zero (-1: none)
    private int indexCount = -1, indexSpacing = -1;
    private long index2IndexPos = -1;
    private final List<Long> spaced = new ArrayList<>();      // position of every indexSpacing-th excerpt
    private final List<Long> metaDocs = new ArrayList<>();    // positions of meta-data documents

    private final long tailWindow;
    private final long synced;

    /**
     * {@code tailWindow}: how far past the written end to check for zero bytes (-1: to the end of the file).
     * {@code synced}: how many data excerpts at the start of this file the writer had msynced (0: none known,
     * {@code Long.MAX_VALUE}: all of them, the file was synced before the queue rolled on).
     */
    CycleScan(Path path, long tailWindow, long synced) {
        this.path = path;
        this.file = path.getFileName().toString();
        this.tailWindow = tailWindow;
        this.synced = synced;
    }

    String file() { return file; }
    Path path() { return path; }
    Damage damage() { return damage; }
    boolean complete() { return eof; }
    long dataCount() { return dataCount; }
    /** Position after the last document walked (where the next header is expected). */
    long end() { return pos; }
    /** Position of an unfinished write at the end of the walk (kill -9 while writing, or being written now), or -1. */
    long interruptedAt() { return interruptedAt; }
    /** First non-zero byte of that unfinished write (its header, or bytes copied before the header was set), or -1. */
    long tailFrom() { return tailFrom; }
    /** Excerpts at the start of this file known to have been msynced (see the constructor). */
    long synced() { return synced; }

    /** Walks from where the last call stopped to the current written end, reporting data excerpts to {@code v}. */
    CycleScan advance(DataVisitor v) {
        if (damage != null || eof) return this;
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) return damage(0, "empty file (no cycle header)");
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            walk(seg, v);
        } catch (IOException e) {
            damage(pos, "cannot read: " + e.getMessage());
        }
        return this;
    }

    private CycleScan damage(long at, String problem) {
        if (damage == null) damage = new Damage(file, at, problem);
        return this;
    }

    private void walk(MemorySegment seg, DataVisitor v) {
        long size = seg.byteSize();
        long[] writePos = null;
        if (pos == 0) {
            if (!readCycleHeader(seg)) return;
        }
        if (pos > 0) {
            try { writePos = writePosition(seg); } catch (IllegalStateException e) { return; }
        }
        interruptedAt = -1;
        tailFrom = -1;
        while (true) {
            if (pos + 4 > size) { damage(pos, "the file ends inside an excerpt header (truncated file)"); return; }
            int h = seg.get(INT, pos);
            if (h == 0 || h == END_OF_DATA) {
                if (h == END_OF_DATA) eof = true;
                long after = h == END_OF_DATA && pos + 8 <= size && seg.get(INT, pos + 4) == EOF_WORD ? pos + 8 : pos + 4;
                long nz = firstNonZero(seg, after);
                if (nz < 0) break;
                // Chronicle copies an excerpt's bytes before it sets the header, and moves writePosition after:
                // bytes behind the end are an unfinished write (kill -9, or a writer busy now) while writePosition
                // still names the last excerpt walked, or (power cut: see the class comment) once the walk is past
                // every excerpt the writer had msynced. Otherwise a header before them is damaged.
                boolean unfinished = dataCount >= synced || writePos != null && unfinished(writePos);
                if (!unfinished && writePos != null) {
                    // writePos was read when this walk began: a live writer may have finished excerpts since (the
                    // walk went through them) and be copying the next one. Read it again, then the header: a
                    // writer sets the header before it moves writePosition, so a moved writePosition shows it.
                    try { writePos = writePosition(seg); } catch (IllegalStateException e) { /* keep the old one */ }
                    if (seg.get(INT, pos) != h) continue;   // the excerpt was finished meanwhile: walk it
                    unfinished = unfinished(writePos);
                }
                if (unfinished) { interruptedAt = pos; tailFrom = nz; break; }
                damage(pos, (h == 0 ? "the written data ends here (zero header)" : "end-of-data marker here") + " but byte " + nz
                        + " after it is not zero: an excerpt header or length is damaged, hiding what follows");
                return;
            }
            int len = h & LENGTH_MASK;
            if ((h & NOT_COMPLETE) != 0) {
                // Chronicle writes NOT_COMPLETE|0 first and the length when the excerpt is done: with a length set, the
                // flag is a damaged bit. An unknown-length header is a write in progress (or cut short by kill -9):
                // only acceptable as the very last thing in the file.
                if (len != 0) { damage(pos, String.format("excerpt header 0x%08x has NOT_COMPLETE set with a length", h)); return; }
                interruptedAt = pos;
                tailFrom = pos;
                break;
            }
            if (len == 0) { damage(pos, String.format("excerpt header 0x%08x has length 0", h)); return; }
            long next = align4(pos + 4 + len);
            if (next > size) { damage(pos, "excerpt length " + len + " runs past the end of the file (" + size + " bytes)"); return; }
            if ((h & META_DATA) != 0) {
                metaDocs.add(pos);
            } else {
                if (indexSpacing > 0 && dataCount % indexSpacing == 0) spaced.add(pos);
                if (writePos != null && dataCount == writePos[1] && pos != writePos[0]) {
                    damage(Math.min(pos, writePos[0]), "cycle header says excerpt " + writePos[1]
                            + " starts at byte " + writePos[0] + " but the walk finds it at byte " + pos);
                    return;
                }
                if (v != null) {
                    String problem = v.data(pos, dataCount, seg.asSlice(pos + 4, len));
                    if (problem != null) { damage(pos, problem); return; }
                }
                lastDataPos = pos;
                dataCount++;
            }
            for (long p = pos + 4 + len; p < next; p++)
                if (seg.get(ValueLayout.JAVA_BYTE, p) != 0) {
                    damage(pos, "alignment padding after this excerpt (byte " + p + ") is not zero: its length is damaged");
                    return;
                }
            pos = next;
        }
        if (damage != null) return;
        // (past what was msynced, a header page newer than the data is a power cut's doing: its excerpts never reached the disk)
        if (writePos != null && writePos[1] >= dataCount && !(dataCount == 0 && writePos[0] == 0) && writePos[0] != interruptedAt
                && dataCount < synced)
            damage(pos, "cycle header says excerpt " + writePos[1] + " is at byte " + writePos[0]
                    + " but the walk ends after " + dataCount + " excerpts at byte " + pos);
        else checkIndex(seg);
    }

    private static long align4(long p) { return (p + 3) & ~3L; }

    /** The first non-zero byte at or after {@code from} (within the tail window), or -1. */
    private long firstNonZero(MemorySegment seg, long from) {
        long size = tailWindow < 0 ? seg.byteSize() : Math.min(seg.byteSize(), from + tailWindow);
        for (long p = from; p < size; ) {
            long n = Math.min(ZEROS.byteSize(), size - p);
            long m = MemorySegment.mismatch(seg, p, p + n, ZEROS, 0, n);
            if (m >= 0) return p + m;
            p += n;
        }
        return -1;
    }

    // ---- Chronicle's header and index documents ---------------------------------------------------------------

    private boolean readCycleHeader(MemorySegment seg) {
        int h = seg.get(INT, 0);
        int len = h & LENGTH_MASK;
        // a file Chronicle is creating right now (its header NOT_COMPLETE with no length yet, or nothing written at
        // all): not damage, and nothing to walk yet; the next scan looks again
        if (h == NOT_COMPLETE || (h == 0 && firstNonZero(seg, 4) < 0)) return false;
        if ((h & (NOT_COMPLETE | META_DATA)) != META_DATA || len < 16 || 4 + len > seg.byteSize()) {
            damage(0, String.format("cycle header 0x%08x is not a complete meta-data document", h));
            return false;
        }
        try {
            // "header: !SCQStore" then BYTES_LENGTH32 (0x82) and the store's length: the document must end exactly there
            long p = fieldValue(seg, 4, 4 + len, "header");
            if ((seg.get(ValueLayout.JAVA_BYTE, p) & 0xff) == 0xb6) p += 2 + (seg.get(ValueLayout.JAVA_BYTE, p + 1) & 0xff);
            if ((seg.get(ValueLayout.JAVA_BYTE, p) & 0xff) != 0x82) throw new IllegalStateException("no SCQStore after 'header'");
            long storeEnd = p + 5 + (seg.get(INT, p + 1) & 0xffffffffL);
            if (storeEnd != 4 + len)
                throw new IllegalStateException("document length " + len + " but its SCQStore ends at byte " + storeEnd);
            indexCount = (int) field(seg, 4, 4 + len, "indexCount");
            indexSpacing = (int) field(seg, 4, 4 + len, "indexSpacing");
            index2IndexPos = field(seg, 4, 4 + len, "index2Index");
        } catch (IllegalStateException e) {
            damage(4, "cycle header unreadable: " + e.getMessage());
            return false;
        }
        if (indexCount <= 0 || Integer.bitCount(indexSpacing) != 1) {
            damage(4, "cycle header has indexCount " + indexCount + ", indexSpacing " + indexSpacing);
            return false;
        }
        for (long p = 4 + len; p < align4(4 + len); p++)
            if (seg.get(ValueLayout.JAVA_BYTE, p) != 0) { damage(p, "alignment padding after the cycle header is not zero"); return false; }
        metaDocs.add(0L);
        pos = align4(4 + len);
        return true;
    }

    /** [position, excerpt number] of the last excerpt, from the cycle header (null if unreadable: reported later). */
    /** Whether {@code writePos} (position, sequence) still names the last excerpt walked: bytes after it are a write in progress. */
    private boolean unfinished(long[] writePos) {
        return dataCount == 0 ? writePos[0] == 0 : writePos[1] == dataCount - 1 && writePos[0] == lastDataPos;
    }

    private long[] writePosition(MemorySegment seg) {
        int len = seg.get(INT, 0) & LENGTH_MASK;
        try {
            long at = fieldValue(seg, 4, 4 + len, "writePosition");
            long[] a = array(seg, at);
            // [1] is Chronicle's "position and sequence": position << 32 | excerpt number. A live writer stores the
            // two one after the other, so a read between them disagrees until it has stored the second (it may be
            // descheduled in between): read again for up to 100 ms before judging. A damaged file costs that wait once.
            for (long until = System.nanoTime() + 100_000_000L;
                 a.length >= 2 && (a[1] >>> 32) != (a[0] & 0xffffffffL) && System.nanoTime() < until; ) {
                Thread.yield();
                a = array(seg, at);
            }
            if (a.length >= 2) {
                if ((a[1] >>> 32) != (a[0] & 0xffffffffL))
                    throw new IllegalStateException("writePosition " + a[0] + " and its position-and-sequence " + a[1] + " disagree");
                return new long[]{a[0], a[1] & 0xffffffffL};
            }
            if (a.length == 1) return new long[]{a[0], -1};
        } catch (IllegalStateException e) {
            damage(4, "cycle header unreadable: " + e.getMessage());
            throw e;
        }
        return null;
    }

    /** Checks index2index and the index arrays against the positions the walk found. */
    private void checkIndex(MemorySegment seg) {
        if (index2IndexPos == 0) return; // not created yet
        if (!metaDocs.contains(index2IndexPos)) { damage(index2IndexPos, "cycle header's index2Index " + index2IndexPos + " is not a meta-data document"); return; }
        try {
            long[] i2i = array(seg, docValue(seg, index2IndexPos, "index2index"));
            for (int i = 0; i < i2i.length; i++) {
                if (i2i[i] == 0) continue;
                if (!metaDocs.contains(i2i[i])) { damage(index2IndexPos, "index2index entry " + i + " (" + i2i[i] + ") is not a meta-data document"); return; }
                long[] idx = array(seg, docValue(seg, i2i[i], "index"));
                for (int k = 0; k < idx.length; k++) {
                    long n = (long) i * indexCount + k; // n-th indexed excerpt: number n * indexSpacing
                    if (n >= spaced.size()) break;     // written after this walk
                    if (idx[k] != 0 && idx[k] != spaced.get((int) n)) {
                        damage(i2i[i], "index entry for excerpt " + n * indexSpacing + " says byte " + idx[k]
                                + " but the walk finds it at byte " + spaced.get((int) n));
                        return;
                    }
                }
            }
        } catch (IllegalStateException e) {
            damage(index2IndexPos, "index unreadable: " + e.getMessage());
        }
    }

    /** The offset of an index document's array (its only field, {@code name}); the document must end with the array. */
    private static long docValue(MemorySegment seg, long docPos, String name) {
        long end = docPos + 4 + (seg.get(INT, docPos) & LENGTH_MASK);
        long p = fieldValue(seg, docPos + 4, end, name);
        long arrayEnd = p + 17 + seg.get(LONG, p + 1) * 8;
        if (arrayEnd != end) throw new IllegalStateException("'" + name + "' document at byte " + docPos + " ends at " + end + " but its array at " + arrayEnd);
        return p;
    }

    private static long field(MemorySegment seg, long from, long to, String name) {
        long p = fieldValue(seg, from, to, name);
        int code = seg.get(ValueLayout.JAVA_BYTE, p) & 0xff;
        p++;
        return switch (code) {
            case 0xa1 -> seg.get(ValueLayout.JAVA_BYTE, p) & 0xff;
            case 0xa2 -> seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), p) & 0xffff;
            case 0xa3 -> seg.get(INT, p) & 0xffffffffL;
            case 0xa4 -> seg.get(ValueLayout.JAVA_BYTE, p);
            case 0xa5 -> seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), p);
            case 0xa6 -> seg.get(INT, p);
            case 0xa7 -> seg.get(LONG, p);
            default -> {
                if (code < 0x80) yield code;
                throw new IllegalStateException(String.format("field %s has value code 0x%02x", name, code));
            }
        };
    }

    /** Finds field {@code name} (binary wire: 0xC0|len name, or 0xB9 len name) and skips padding after it. */
    private static long fieldValue(MemorySegment seg, long from, long to, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (long p = from; p + 1 + n.length < to; p++) {
            int b = seg.get(ValueLayout.JAVA_BYTE, p) & 0xff;
            long start;
            if (b == (0xc0 | n.length)) start = p + 1;
            else if (b == 0xb9 && (seg.get(ValueLayout.JAVA_BYTE, p + 1) & 0xff) == n.length) start = p + 2;
            else continue;
            if (start + n.length >= to) continue;
            for (int k = 0; k < n.length; k++) if (seg.get(ValueLayout.JAVA_BYTE, start + k) != n[k]) continue outer;
            long v = start + n.length;
            while (v < to) {
                int c = seg.get(ValueLayout.JAVA_BYTE, v) & 0xff;
                if (c == 0x8f) v++;                                   // one byte of padding
                else if (c == 0x8e) v += 5 + (seg.get(INT, v + 1) & 0xffffffffL); // padding with a length
                else return v;
            }
            throw new IllegalStateException("field " + name + " has no value");
        }
        throw new IllegalStateException("no field " + name);
    }

    /** The used values of a binary-wire int64 array (0x8D, capacity, used, values); unused slots must be zero. */
    private static long[] array(MemorySegment seg, long p) {
        if ((seg.get(ValueLayout.JAVA_BYTE, p) & 0xff) != 0x8d) throw new IllegalStateException("not an int64 array at byte " + p);
        long cap = seg.get(LONG, p + 1), used = seg.get(LONG, p + 9);
        if (cap < 0 || used < 0 || used > cap || p + 17 + cap * 8 > seg.byteSize())
            throw new IllegalStateException("int64 array at byte " + p + " has capacity " + cap + ", used " + used);
        long[] out = new long[(int) used];
        for (int i = 0; i < used; i++) out[i] = seg.get(LONG, p + 17 + i * 8L);
        for (long i = used + 1; i < cap; i++) // slot [used] may be in the middle of being filled by a live writer
            if (seg.get(LONG, p + 17 + i * 8) != 0) throw new IllegalStateException("unused slot " + i + " of the array at byte " + p + " is not zero");
        return out;
    }
}
