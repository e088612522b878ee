package io.vigil.journal;

import java.util.HexFormat;

/**
 * One journal entry as stored: the producer's {@link Event} and {@link Cause} stamped by the journal.
 *
 * @param node    node id (the {@code router_id} of global_defs, or the host name)
 * @param seq     sequence number, gap-free per node across restarts; snapshots/dropped notes share the seq of
 *                the event before them (they are annotations, not events)
 * @param wallNs  wall-clock time, ns since the Unix epoch, taken when the producer appended
 * @param monoNs  monotonic time (System.nanoTime or the engine's clock), for intervals across wall-clock steps
 * @param hash    16 bytes: SHA-256(previous entry's hash ‖ this entry's bytes) truncated; empty when not stored yet
 * @param index   Chronicle Queue index of the entry (cycle and position), -1 when not read from a queue
 * @param format  the format version the entry was written in
 */
public record Entry(String node, long seq, long wallNs, long monoNs, Cause cause, Event event,
                    byte[] hash, long index, int format) {

    public Entry {
        node = node == null ? "" : node;
        cause = cause == null ? Cause.NONE : cause;
        hash = hash == null ? new byte[0] : hash;
    }

    public Entry(String node, long seq, long wallNs, long monoNs, Cause cause, Event event) {
        this(node, seq, wallNs, monoNs, cause, event, null, -1, EventCodec.CURRENT_FORMAT);
    }

    public EventType type() { return EventType.of(event); }

    public String hashHex() { return HexFormat.of().formatHex(hash); }
}
