package io.vigil.api;

import io.vertx.core.json.JsonObject;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.JournalJson;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The journal half of a {@link NodeView}: events by time, ordered replay-then-live subscriptions, stateAt,
 * size. A node's NodeView delegates these methods here; everything is read from the real {@link Journal}.
 */
public final class JournalAccess {
    private final Journal journal;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Times a subscriber fell more than {@link #MAX_LIVE} entries behind and caught up from the journal. */
    private final java.util.concurrent.atomic.LongAdder catchUps = new java.util.concurrent.atomic.LongAdder();

    public JournalAccess(Journal journal) {
        this.journal = journal;
        // one listener for the journal's lifetime (the journal has no unsubscribe); subscriptions come and go here
        journal.subscribe(e -> {
            for (Subscription s : subscriptions) s.offer(e);
        });
    }

    public Journal journal() { return journal; }

    public long lastSeq() { return journal.writtenSeq(); }

    long catchUps() { return catchUps.sum(); }

    public Views.JournalInfo info() {
        return new Views.JournalInfo(journal.writtenSeq(), directorySize(journal.config().dir()));
    }

    public List<Views.Event> events(Instant from, Instant to, Set<String> types, int limit) {
        long fromNs = nanos(from), toNs = nanos(to);
        List<Views.Event> out = new ArrayList<>();
        try (JournalReader reader = journal.reader(); var cursor = reader.cursor().seekWall(fromNs)) {
            for (Entry e = cursor.next(); e != null && out.size() < limit; e = cursor.next()) {
                if (e.wallNs() >= toNs) break;
                if (e.wallNs() < fromNs || e.event() instanceof Event.Snapshot) continue;
                if (!types.isEmpty() && !types.contains(e.type().cliName())) continue;
                out.add(toView(e));
            }
        }
        return out;
    }

    /**
     * {@code vigil journal export} lines ({@link JournalJson}). Unfiltered, snapshots are included (the hash
     * chain runs through them), so {@code vigil journal import} can check the download against its hashes.
     */
    public void export(Instant from, Instant to, Set<String> types, Consumer<String> line) {
        long fromNs = nanos(from), toNs = nanos(to);
        try (JournalReader reader = journal.reader(); var cursor = reader.cursor().seekWall(fromNs)) {
            for (Entry e = cursor.next(); e != null; e = cursor.next()) {
                if (e.wallNs() >= toNs) break;
                if (e.wallNs() < fromNs) continue;
                if (!types.isEmpty() && !types.contains(e.type().cliName())) continue;
                line.accept(JournalJson.toJson(e).encode());
            }
        }
    }

    /** The journal projection at {@code at} in its one JSON shape ({@link JournalJson#state}). */
    public JsonObject stateAt(Instant at) {
        try (JournalReader reader = journal.reader()) {
            return JournalJson.state(reader.stateAt(nanos(at)));
        }
    }

    /**
     * Every event with seq &gt; {@code afterSeq} in order, then live ones, delivered on a virtual thread of this
     * subscription: the journal's writer thread only enqueues (it must never wait on a client), and the replay
     * reads the journal off the caller's thread. Live entries that arrive during the replay wait in the queue
     * and are de-duplicated by seq, so the sink sees each seq once, ascending.
     */
    public AutoCloseable subscribe(long afterSeq, Consumer<Views.Event> sink) {
        Subscription s = new Subscription(afterSeq, sink, catchUps);
        subscriptions.add(s); // from here on, live entries are captured
        s.thread = Thread.ofVirtual().name("vigil-api-subscription").start(() -> s.run(journal));
        return () -> {
            s.closed = true;
            subscriptions.remove(s);
            s.thread.interrupt();
        };
    }

    /**
     * Live entries held for one subscriber. Past this the subscriber (a slow client) catches up from the journal
     * instead, where every entry already is: memory stays bounded and nothing is lost.
     */
    static final int MAX_LIVE = 10_000;

    private static final class Subscription {
        private final Consumer<Views.Event> sink;
        private final java.util.concurrent.LinkedBlockingQueue<Entry> live = new java.util.concurrent.LinkedBlockingQueue<>();
        private long delivered;
        volatile boolean closed;
        /** Set when a live entry was not queued (queue full): the subscriber re-reads the journal from where it is. */
        volatile boolean overflowed;
        private final java.util.concurrent.atomic.LongAdder catchUps;
        Thread thread;

        Subscription(long afterSeq, Consumer<Views.Event> sink, java.util.concurrent.atomic.LongAdder catchUps) {
            this.delivered = afterSeq;
            this.sink = sink;
            this.catchUps = catchUps;
        }

        /** On the journal's writer thread, after the entry is stored: never blocks. */
        void offer(Entry e) {
            if (closed) return;
            if (live.size() >= MAX_LIVE) overflowed = true;
            else live.add(e);
        }

        /**
         * Reads the journal on from {@code delivered} with one cursor for the subscription's life. A live entry is
         * a wake-up: it is delivered as read back from the journal, where it has its hash and index, so a frame
         * has the one entry shape whether it was replayed or live. Only an entry the journal could not store (a
         * write error) is delivered as handed over.
         */
        void run(Journal journal) {
            try (JournalReader reader = journal.reader(); var cursor = reader.cursor().afterSeq(delivered)) {
                readOn(cursor);
                while (!closed) {
                    if (overflowed) {
                        caughtUp();
                        readOn(cursor);
                        continue;
                    }
                    Entry e = live.take();
                    if (e.seq() > delivered) readOn(cursor);
                    deliver(e);   // skipped when the journal gave it
                }
            } catch (InterruptedException e) {
                // closed
            } catch (RuntimeException e) {
                // closing interrupts the thread, maybe inside a read: only a failure of an open subscription is news
                if (!closed) org.slf4j.LoggerFactory.getLogger(JournalAccess.class).warn("event subscription ended: {}", e.toString());
            }
        }

        private void readOn(JournalReader.Cursor cursor) {
            for (Entry e = cursor.next(); e != null && !closed; e = cursor.next()) {
                deliver(e);
                if (overflowed) caughtUp();
            }
        }

        /** Entries were left out of the queue; all of them are in the journal, which this reads on from. */
        private void caughtUp() {
            overflowed = false;
            live.clear();
            catchUps.increment();
        }

        private void deliver(Entry e) {
            if (closed || e.seq() <= delivered || e.event().isAnnotation()) return;
            delivered = e.seq();
            sink.accept(toView(e));
        }
    }

    /** A journal entry as the API shows it: its one JSON shape ({@link JournalJson}), as export and replay show it. */
    public static Views.Event toView(Entry e) {
        return new Views.Event(e.seq(), instant(e.wallNs()), e.type().cliName(), JournalJson.toJson(e));
    }

    static Instant instant(long wallNs) { return Instant.ofEpochSecond(0, wallNs); }

    static long nanos(Instant t) {
        if (t.isBefore(Instant.EPOCH)) return 0;
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Apparent size of the queue files (Chronicle pre-allocates cycle files sparsely, so disk use is lower). */
    private static long directorySize(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // rolled away while we looked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
