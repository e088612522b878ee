package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bounded lock-free multi-producer / single-consumer ring between event producers (VRRP thread, checkers, IPVS,
 * CLI) and the journal writer thread. Claiming a slot assigns the event's sequence number, so the order in the
 * ring is the sequence order and the producer learns the seq it can cite as a cause. A producer never blocks:
 * when the ring is full {@link #offer} returns -1 and counts a drop (the writer journals a {@link Event.Dropped}
 * note). At the default capacity the writer (≥1 M events/s) drains faster than a director produces by orders of
 * magnitude, so drops mean a stalled disk, not normal operation.
 */
final class EventRing {

    /** A slot's content; allocated before the claim so nothing can fail between claim and publish. */
    static final class Pending {
        long seq;
        final long wallNs, monoNs;
        final Cause cause;
        final Event event;

        Pending(long wallNs, long monoNs, Cause cause, Event event) {
            this.wallNs = wallNs; this.monoNs = monoNs; this.cause = cause; this.event = event;
        }
    }

    private final AtomicReferenceArray<Pending> slots;
    private final int mask;
    private final AtomicLong next;      // next seq to claim
    private final AtomicLong consumed;  // next seq the consumer takes
    private final LongAdder dropped = new LongAdder();

    EventRing(int capacity, long firstSeq) {
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity must be a power of two");
        slots = new AtomicReferenceArray<>(capacity);
        mask = capacity - 1;
        next = new AtomicLong(firstSeq);
        consumed = new AtomicLong(firstSeq);
    }

    /** Claims the next seq for {@code p} and publishes it; -1 (and a counted drop) when the ring is full. */
    long offer(Pending p) {
        long s = offerNoCount(p);
        if (s < 0) dropped.increment();
        return s;
    }

    /** As {@link #offer} but a full ring is not counted as a drop (the caller retries). */
    long offerNoCount(Pending p) {
        while (true) {
            long s = next.get();
            if (s - consumed.get() > mask) return -1;
            if (next.compareAndSet(s, s + 1)) {
                p.seq = s;
                slots.setRelease((int) s & mask, p);
                return s;
            }
        }
    }

    /** Consumer only: the next pending event in seq order, or null if it is not published yet. */
    Pending poll() {
        long s = consumed.get();
        int i = (int) s & mask;
        Pending p = slots.getAcquire(i);
        if (p == null || p.seq != s) return null;
        slots.setPlain(i, null);
        consumed.set(s + 1); // release: the slot is cleared before producers may reuse it
        return p;
    }

    boolean isEmpty() { return next.get() == consumed.get(); }

    long claimed() { return next.get(); }

    int capacity() { return mask + 1; }

    long dropped() { return dropped.sum(); }
}
