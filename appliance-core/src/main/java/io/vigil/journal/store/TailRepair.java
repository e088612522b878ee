package io.vigil.journal.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Clears an unfinished write (kill -9 or a power cut while an excerpt was being copied) from the end of a cycle file
 * before a writer appends there. Left in place, Chronicle writes its next excerpt, or its end-of-file marker, over
 * the start of those bytes and leaves the rest behind it: the file would then read as damaged, with no unfinished
 * write any more to explain the bytes. The bytes are kept beside the file ({@code <cycle file>.unfinished-<byte>}),
 * never decoded: they were not an entry, and no appender acknowledged them.
 */
final class TailRepair {
    private static final Logger LOG = LoggerFactory.getLogger(TailRepair.class);
    /** A live writer still copying would change the bytes within this long; a dead one's stay as they are. */
    private static final long SETTLE_MS = 50;

    private TailRepair() {}

    /** Clears the unfinished write that {@code scan} found (its {@link CycleScan#tailFrom()} ≥ 0); returns the side file. */
    static Path clear(Path file, CycleScan scan) {
        try {
            byte[] tail = tail(file, scan.tailFrom());
            try { Thread.sleep(SETTLE_MS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            CycleScan again = new CycleScan(file, -1, scan.synced()).advance(null);
            if (again.damage() != null || again.tailFrom() != scan.tailFrom() || !Arrays.equals(tail, tail(file, scan.tailFrom())))
                throw new JournalException("cycle file " + file + " changes at its end (byte " + scan.tailFrom()
                        + "): another process is writing this journal; one writer per journal directory");
            Path side = file.resolveSibling(file.getFileName() + ".unfinished-" + scan.tailFrom());
            Files.write(side, tail);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(tail.length), scan.tailFrom());
                ch.force(false);
            }
            LOG.warn("journal: cycle file {} ended in an unfinished write at byte {} (the writer was killed or lost power "
                    + "while writing; never an entry): its {} bytes are kept in {} and cleared before appending",
                    file.getFileName(), scan.tailFrom(), tail.length, side.getFileName());
            return side;
        } catch (IOException e) {
            throw new JournalException("cannot clear the unfinished write at the end of " + file + ": " + e.getMessage(), e);
        }
    }

    /** The bytes from {@code from} to the last non-zero byte of the file. */
    private static byte[] tail(Path file, long from) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (from >= size) return new byte[0];
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long end = from;
            MemorySegment zeros = CycleScan.ZEROS;
            for (long hi = size; hi > from; ) { // backwards, 1 MiB at a time: the file is mostly zeros past the end
                long lo = Math.max(from, hi - zeros.byteSize());
                if (MemorySegment.mismatch(seg, lo, hi, zeros, 0, hi - lo) < 0) { hi = lo; continue; }
                long k = hi - 1;
                while (k >= lo && seg.get(ValueLayout.JAVA_BYTE, k) == 0) k--;
                if (k >= lo) { end = k + 1; break; }
                hi = lo;
            }
            if (end - from > Integer.MAX_VALUE - 8) throw new IOException("unfinished write of " + (end - from) + " bytes");
            return seg.asSlice(from, end - from).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
