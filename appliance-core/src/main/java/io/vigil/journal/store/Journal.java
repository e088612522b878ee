package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The node's journal. Any thread may {@link #append} an {@link Event} with its {@link Cause}; the call stamps
 * the sequence number and time, puts the event in a lock-free ring and returns at once — it never waits for I/O,
 * so the VRRP thread can journal without delaying adverts. A dedicated writer thread drains the ring in seq order
 * into Chronicle Queue (see {@link EntryWriter}).
 *
 * <pre>{@code
 * long t = journal.append(Cause.timer("master_down"), new Event.VrrpTransition("VI_1", BACKUP, MASTER, "master_down timer expired", 100));
 * journal.append(Cause.event(t), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
 * }</pre>
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final JournalConfig cfg;
    private final EntryWriter writer;
    private final EventRing ring;
    private final Thread thread;
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    private final Entry lastEventAtOpen;
    private final long firstSeq;
    /** Stamped on every entry: the config's until {@link #nameNode} names it. */
    private volatile String nodeId;
    private volatile boolean closing;
    /** Set while the writer is parked with an empty ring: producers then wake it (an unpark, never a wait). */
    private volatile boolean sleeping;
    private volatile long writtenSeq;
    private volatile View view;
    private volatile long viewSeq;
    /** view() or flush() wants the view brought up to date. */
    private volatile boolean viewWanted;
    /**
     * A view copies the whole state (10k checks and real servers at scale: ~1 MB), so it is copied when a reader asks,
     * not on a timer: a copy every 100 ms was a fifth of the node's allocation (NodeScaleBench, docs/scale.md) for
     * views nobody read. A reader waits at most this long for the copy, then takes the one it has.
     */
    private static final long VIEW_WAIT_NS = 200_000_000L;
    private volatile long writeErrors;
    /** appendDurable wants everything up to this seq msync'ed; the writer publishes what it synced. */
    private final java.util.concurrent.atomic.AtomicLong syncWanted = new java.util.concurrent.atomic.AtomicLong();
    private volatile long syncedSeq;
    /** Recent seqs the writer failed to store (bounded), so appendDurable never acknowledges one. */
    private final java.util.Set<Long> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Journal(JournalConfig cfg) {
        this.cfg = cfg;
        this.writer = new EntryWriter(cfg);
        this.writtenSeq = writer.lastSeq();
        this.lastEventAtOpen = writer.lastEventAtOpen();
        this.view = writer.view();
        this.viewSeq = writtenSeq;
        this.firstSeq = writer.lastSeq() + 1;
        this.nodeId = cfg.nodeId();
        this.ring = new EventRing(cfg.ringCapacity(), firstSeq);
        this.thread = Thread.ofPlatform().name("vigil-journal").daemon(true).unstarted(this::drain);
        thread.start();
    }

    /** Opens (or creates) the journal in {@code cfg.dir()} and starts its writer thread. One writer per directory. */
    public static Journal open(JournalConfig cfg) { return new Journal(cfg); }

    public String nodeId() { return nodeId; }

    /**
     * Names the node in this run's entries, for a journal opened before the configuration that names the node was
     * read ({@code vigil run} opens it while it parses the file). Only before the first append: one run's entries
     * all name one node.
     */
    public synchronized void nameNode(String id) {
        if (ring.claimed() != firstSeq) throw new IllegalStateException("journal: entries appended already as " + nodeId);
        nodeId = id;
        writer.nodeId(id);
    }

    /** The last event (not a snapshot or drop note) that was on disk when this journal was opened; null if none. */
    public Entry lastEventAtOpen() { return lastEventAtOpen; }

    /**
     * The start-up entry for this run: {@code previousEnd} is first-run (nothing journaled before), clean (the
     * previous run's last event was NodeStopped) or crashed (anything else), with that event's seq and time.
     */
    public Event.NodeStarted nodeStarted(String version, long pid) {
        Entry last = lastEventAtOpen;
        if (last == null) return new Event.NodeStarted(version, pid, Event.NodeStarted.FIRST_RUN, 0, 0);
        String end = last.event() instanceof Event.NodeStopped ? Event.NodeStarted.CLEAN : Event.NodeStarted.CRASHED;
        return new Event.NodeStarted(version, pid, end, last.seq(), last.wallNs());
    }
    public JournalConfig config() { return cfg; }

    /**
     * Journals {@code event}; returns its sequence number (to cite as {@link Cause#event}) or -1 if the append
     * buffer was full or the journal is closed (counted in {@link #dropped}). Never blocks.
     */
    public long append(Cause cause, Event event) { return append(cause, event, cfg.clock().monoNs()); }

    /** As {@link #append(Cause, Event)} with the producer's own monotonic time (engines pass their tick time). */
    public long append(Cause cause, Event event, long monoNs) { return append(cause, event, monoNs, cfg.clock().wallNs()); }

    /**
     * As {@link #append(Cause, Event, long)}, dated {@code wallNs} instead of now: for an event that happened a
     * moment before it is journaled (a packet's receive time). Entries stay in seq order whatever their times.
     */
    public long append(Cause cause, Event event, long monoNs, long wallNs) {
        if (event.isAnnotation() || event instanceof Event.Unknown)
            throw new IllegalArgumentException(event.typeName() + " entries are written by the journal itself");
        if (closing) return -1;
        long seq = ring.offer(new EventRing.Pending(wallNs, monoNs, cause, event));
        wake();
        return seq;
    }

    private void wake() {
        if (sleeping) LockSupport.unpark(thread);
    }

    /** For producers that may wait (CLI, checkers on their own threads): retries while the buffer is full. */
    public long appendOrWait(Cause cause, Event event, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        EventRing.Pending p = new EventRing.Pending(cfg.clock().wallNs(), cfg.clock().monoNs(), cause, event);
        while (!closing) {
            long s = ring.offerNoCount(p);
            wake();
            if (s >= 0) return s;
            if (System.nanoTime() > deadline) break;
            LockSupport.parkNanos(100_000);
        }
        return -1;
    }

    /**
     * For actions that are acknowledged to someone (API, CLI): appends (waiting while the buffer is full) and returns
     * the seq only once the writer has stored that entry in the queue — a mapped file, so it survives kill -9 of this
     * process — and, unless the durability setting is {@code OS}, msync'ed it (survives power loss). A seq is never
     * shown to anyone before that, so a seq lost in a crash was never acknowledged and may be issued again.
     *
     * @return the stored entry's seq, or -1 if the journal did not take it (buffer full until the timeout, or closed)
     * @throws JournalException if it was taken but not stored within the timeout or the write failed: do not
     *         acknowledge; if the writer catches up later the entry still appears
     */
    public long appendDurable(Cause cause, Event event, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seq = appendOrWait(cause, event, timeout);
        if (seq < 0) return -1;
        boolean sync = cfg.durability() != JournalConfig.Durability.OS;
        if (sync) syncWanted.accumulateAndGet(seq, Math::max);
        wake();
        while (sync ? syncedSeq < seq : writtenSeq < seq) {
            if (System.nanoTime() > deadline || !thread.isAlive())
                throw new JournalException("journal did not store seq " + seq + " within " + timeout.toMillis() + " ms (writer stalled?)");
            LockSupport.parkNanos(20_000);
        }
        if (failed.contains(seq)) throw new JournalException("journal could not store seq " + seq + " (I/O error, see log)");
        return seq;
    }

    /** Waits until every event up to {@code seq} is in the queue (not necessarily on disk). */
    public boolean awaitWritten(long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (writtenSeq < seq) {
            if (System.nanoTime() > deadline || !thread.isAlive()) return writtenSeq >= seq;
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    /** Waits until everything appended so far is written and {@link #view()} includes it. */
    public boolean flush(Duration timeout) {
        long seq = ring.claimed() - 1;
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!awaitWritten(seq, timeout)) return false;
        viewWanted = true;
        wake();
        while (viewSeq < seq) {
            if (System.nanoTime() > deadline || !thread.isAlive()) return viewSeq >= seq;
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    /** Seq of the newest event written to the queue. */
    public long writtenSeq() { return writtenSeq; }

    /**
     * The live projection, including every event written when the call began (the writer copies it out on request,
     * waiting at most 200 ms for it); exact after {@link #flush}.
     */
    public View view() {
        long want = writtenSeq;
        if (viewSeq >= want || !thread.isAlive()) return view;
        viewWanted = true;
        wake();
        long deadline = System.nanoTime() + VIEW_WAIT_NS;
        while (viewSeq < want && System.nanoTime() < deadline && thread.isAlive()) LockSupport.parkNanos(50_000);
        return view;
    }

    /** Events producers could not append because the buffer was full. */
    public long dropped() { return ring.dropped(); }

    /** Entries the writer failed to store (I/O errors); each leaves a seq gap that verify reports. */
    public long writeErrors() { return writeErrors; }

    /** Called on the writer thread after each event is stored; must be quick (e.g. hand over to an event loop). */
    public void subscribe(Consumer<Entry> listener) { listeners.add(listener); }

    /** A reader over this journal (use from one thread). */
    public JournalReader reader() { return new JournalReader(writer.queue(), false); }

    private void drain() {
        long reportedDrops = 0;
        int idleSpins = 0;
        long lastIdleWork = 0;
        while (true) {
            EventRing.Pending p = ring.poll();
            if (p != null) {
                idleSpins = 0;
                Entry e = new Entry(nodeId, p.seq, p.wallNs, p.monoNs, p.cause, p.event);
                try {
                    writer.append(e);
                } catch (RuntimeException ex) {
                    if (failed.size() >= 4096) failed.clear();
                    failed.add(p.seq);
                    writeErrors++;
                    LOG.error("journal: cannot store event seq {} ({}): {}", p.seq, e.type().cliName(), ex.toString());
                    writer.skip(p.seq);
                }
                writtenSeq = p.seq;
                if (syncWanted.get() > syncedSeq && syncWanted.get() <= p.seq) syncNow();
                for (Consumer<Entry> l : listeners) {
                    try { l.accept(e); } catch (RuntimeException ex) { LOG.warn("journal listener failed: {}", ex.toString()); }
                }
                if ((p.seq & 1023) == 0) reportedDrops = reportDrops(reportedDrops);
                if (viewWanted) publishView();
                continue;
            }
            if (viewWanted) publishView();
            if (syncWanted.get() > syncedSeq) syncNow();
            if (closing && ring.isEmpty()) break;
            if (++idleSpins < 100) { Thread.onSpinWait(); continue; }
            long now = System.nanoTime();
            if (now - lastIdleWork > 20_000_000L) { // ≤ 50 msync/s when busy-then-idle
                reportedDrops = reportDrops(reportedDrops);
                try { writer.idle(true); } catch (RuntimeException ex) { LOG.warn("journal housekeeping: {}", ex.toString()); }
                lastIdleWork = now;
            }
            // idle: sleep until a producer wakes us, or until the next housekeeping round (no 10k wake-ups/s)
            sleeping = true;
            if (ring.isEmpty() && !closing && !viewWanted) LockSupport.parkNanos(20_000_000L);
            sleeping = false;
        }
        reportDrops(reportedDrops);
        writer.close();
    }

    /** msync for appendDurable (an operator action is rare: one flush each is affordable). */
    private void syncNow() {
        long upTo = writtenSeq;
        try {
            writer.sync();
            syncedSeq = upTo;
        } catch (RuntimeException ex) {
            LOG.warn("journal: msync failed: {}", ex.toString());
        }
    }

    /** The live view is copied out when a reader asks ({@link #view}, {@link #flush}), not per event or on a timer. */
    private void publishView() {
        viewWanted = false;
        view = writer.view();
        viewSeq = writtenSeq;
    }

    private long reportDrops(long reported) {
        long d = ring.dropped();
        if (d > reported) {
            try { writer.noteDropped(d - reported); } catch (RuntimeException ex) { return reported; }
            LOG.warn("journal: {} events dropped, append buffer full", d - reported);
        }
        return d;
    }

    /** Writes what is buffered, syncs per the durability setting and stops the writer thread. */
    @Override public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
