package io.vigil.vrrp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** RFC 1071 Internet checksum: one's-complement sum of 16-bit big-endian words. */
public final class InternetChecksum {
    private InternetChecksum() {}

    /** Adds {@code length} bytes at {@code offset} to a running (unfolded) sum; an odd tail byte is padded with zero. */
    public static long add(long sum, MemorySegment seg, long offset, long length) {
        long i = 0;
        for (; i + 1 < length; i += 2)
            sum += (seg.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << 8 | (seg.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xFF);
        if (i < length) sum += (seg.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << 8;
        return sum;
    }

    /** Adds a 32-bit value as two 16-bit words. */
    public static long add(long sum, int word32) {
        return sum + (word32 >>> 16) + (word32 & 0xFFFF);
    }

    /** Folds carries and complements: the value to put in a checksum field (or 0 when verifying a correct packet). */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    public static int compute(MemorySegment seg, long offset, long length) {
        return finish(add(0, seg, offset, length));
    }
}
