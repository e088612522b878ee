package io.vigil.node;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One interface's hand-off from its receive thread (the only producer) to the vrrp thread (the only consumer):
 * a fixed ring of preallocated packet slots, each a segment with the datagram's length and arrival time. Nothing
 * is allocated per packet, arrival order is kept, and a full ring never blocks the receive thread: the datagram
 * is read into a scratch slot and counted as dropped ({@link #dropped()}).
 */
final class ReceiveRing {
    /** What the consumer does with one slot; the segment is only valid during the call. */
    interface Handler { void packet(MemorySegment packet, int length, long arrivedNanos); }

    private static final VarHandle HEAD, TAIL;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(ReceiveRing.class, "head", long.class);
            TAIL = l.findVarHandle(ReceiveRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String interfaceName;
    private final MemorySegment[] slots;
    private final int[] lengths;
    private final long[] arrived;
    private final int mask;
    private final MemorySegment scratch;
    @SuppressWarnings("unused") private volatile long head; // next slot the consumer reads (written by the consumer)
    @SuppressWarnings("unused") private volatile long tail; // next slot the producer fills (written by the producer)
    private volatile long dropped;                           // written by the producer only

    /** {@code capacity} slots (a power of two) of {@code slotBytes} each. */
    ReceiveRing(String interfaceName, int capacity, int slotBytes) {
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
        this.interfaceName = interfaceName;
        this.slots = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) slots[i] = MemorySegment.ofArray(new byte[slotBytes]);
        this.lengths = new int[capacity];
        this.arrived = new long[capacity];
        this.mask = capacity - 1;
        this.scratch = MemorySegment.ofArray(new byte[slotBytes]);
    }

    String interfaceName() { return interfaceName; }

    /** Producer: the slot to receive into next, or a scratch slot when the ring is full (what lands there is dropped). */
    MemorySegment claim() {
        long t = (long) TAIL.getOpaque(this);
        return t - (long) HEAD.getAcquire(this) > mask ? scratch : slots[(int) (t & mask)];
    }

    /**
     * Producer: hands the slot from {@link #claim()} over with {@code length} bytes. Returns false (and counts a
     * drop) when that slot was the scratch one.
     */
    boolean publish(MemorySegment slot, int length, long arrivedNanos) {
        if (slot == scratch) {
            dropped = dropped + 1; // single writer: a plain increment published through the volatile
            return false;
        }
        long t = (long) TAIL.getOpaque(this);
        int i = (int) (t & mask);
        lengths[i] = length;
        arrived[i] = arrivedNanos;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Consumer: hands every published slot to {@code h} in arrival order; returns how many. */
    int drain(Handler h) {
        long hd = (long) HEAD.getOpaque(this);
        long t = (long) TAIL.getAcquire(this);
        int n = 0;
        while (hd != t) {
            int i = (int) (hd & mask);
            try {
                h.packet(slots[i], lengths[i], arrived[i]);
            } finally {
                HEAD.setRelease(this, ++hd); // the slot goes back to the producer even if the handler threw
            }
            n++;
        }
        return n;
    }

    /** Consumer (or anyone, as a hint): whether a published slot waits. */
    boolean isEmpty() { return (long) HEAD.getOpaque(this) == (long) TAIL.getAcquire(this); }

    /** Datagrams dropped because the ring was full (any thread). */
    long dropped() { return dropped; }
}
