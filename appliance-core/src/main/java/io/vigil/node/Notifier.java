package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs notify scripts and writes the notify FIFOs after state changes, off the VRRP thread. The engines decide
 * which scripts run with which arguments (keepalived's convention: {@code notify_master|backup|fault|stop} as
 * written, {@code notify} with TYPE NAME STATE PRIORITY appended); this class only runs them. Runs for one
 * instance stay in order (MASTER's scripts finish, or time out, before BACKUP's start); different instances run
 * in parallel, each script on its own virtual thread with a timeout.
 */
public final class Notifier implements AutoCloseable {

    /** Receives each finished run (for the journal's NotifyRun event); called on a notify thread. */
    @FunctionalInterface
    public interface Listener {
        void ran(String trigger, ScriptOutcome outcome, long causeSeq);
        /** A run whose cause is not a journal entry (e.g. the advert that made notify_master_rx_lower_pri run). */
        default void ran(String trigger, ScriptOutcome outcome, io.vigil.journal.Cause cause) { ran(trigger, outcome, -1L); }
    }

    private final ScriptRunner runner;
    private final Duration timeout;
    private final List<NotifyFifo> fifos;
    private final Listener listener;
    private final ExecutorService scripts = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("notify-", 0).factory());
    private final ExecutorService fifoWriter = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("notify-fifo").daemon().factory());
    private final Map<String, CompletableFuture<Void>> chains = new ConcurrentHashMap<>();
    /** *_notify_fifo_script readers of these FIFOs, stopped after the FIFOs close. */
    private final List<FifoReader> readers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Notifier(ScriptRunner runner, Duration timeout, List<NotifyFifo> fifos, Listener listener) {
        this.runner = runner;
        this.timeout = timeout;
        this.fifos = List.copyOf(fifos);
        this.listener = listener;
    }

    /** A reader of one of the FIFOs, stopped when this notifier closes. */
    void reader(FifoReader r) { readers.add(r); }

    /** Queues keepalived's FIFO line {@code TYPE "NAME" STATE PRIORITY}; never blocks. */
    public void fifo(String type, String name, String state, int priority) {
        if (fifos.isEmpty()) return;
        fifoLine(NotifyFifo.line(type, name, state, priority));
    }

    /** Queues one whole line for the FIFO at {@code path} only (if this notifier has it), behind the earlier ones. */
    public void fifoLine(Path path, String line) {
        for (NotifyFifo f : fifos) {
            if (!f.path().equals(path)) continue;
            fifoWriter.execute(() -> {
                try { f.write(line); } catch (IOException e) { NodeLog.error("notify_fifo " + f.path() + ": " + e.getMessage()); }
            });
        }
    }

    /** Queues one whole line (newline included) for every FIFO, behind the earlier ones; never blocks. */
    public void fifoLine(String line) {
        if (fifos.isEmpty()) return;
        fifoWriter.execute(() -> {
            for (NotifyFifo f : fifos) {
                try { f.write(line); } catch (IOException e) { NodeLog.error("notify_fifo " + f.path() + ": " + e.getMessage()); }
            }
        });
    }

    /** Queues {@code command} behind earlier runs for the same {@code owner} (instance or group); never blocks. */
    public void run(String owner, String trigger, ScriptCommand command, long causeSeq) {
        run(owner, trigger, command, causeSeq, runner, timeout);
    }

    /** The same with a runner of its own (a script's own user and group) and timeout. */
    public void run(String owner, String trigger, ScriptCommand command, long causeSeq, ScriptRunner with, Duration limit) {
        inOrder(owner, () -> listener.ran(trigger, with.run(command, limit), causeSeq));
    }

    /** As {@link #run(String, String, ScriptCommand, long)}, journaled with {@code cause}. */
    public void run(String owner, String trigger, ScriptCommand command, io.vigil.journal.Cause cause) {
        inOrder(owner, () -> listener.ran(trigger, runner.run(command, timeout), cause));
    }

    /** Queues {@code run} behind the owner's earlier scripts (one instance's scripts never overlap). */
    private void inOrder(String owner, Runnable run) {
        chains.compute(owner, (k, prev) -> (prev == null ? CompletableFuture.<Void>completedFuture(null) : prev)
                .thenRunAsync(run, scripts).exceptionally(t -> null));
    }

    /** Waits until every queued script and FIFO line is done (shutdown: notify_stop completes before exit). */
    public void awaitIdle(Duration max) {
        long end = System.nanoTime() + max.toNanos();
        for (CompletableFuture<Void> f : List.copyOf(chains.values())) {
            try { f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS); } catch (Exception ignored) { return; }
        }
        awaitFifo(Math.max(0, end - System.nanoTime()));
    }

    /** Waits until the FIFO lines queued so far are written, at most {@code nanos}. */
    private void awaitFifo(long nanos) {
        try { fifoWriter.submit(() -> { }).get(nanos, TimeUnit.NANOSECONDS); } catch (Exception ignored) { }
    }

    /**
     * A reload's first step (keepalived's reload_vrrp_thread: script_killall(SIGTERM), then the new FIFO readers): the
     * lines queued so far are written, then this notifier's readers are signalled and waited for, so no two readers
     * share a FIFO. The FIFOs stay open until {@link #close}.
     */
    public void terminateReaders() {
        awaitFifo(TimeUnit.SECONDS.toNanos(1));
        readers.forEach(FifoReader::terminate);
        readers.clear();
    }

    @Override public void close() {
        awaitIdle(timeout.plusSeconds(1));
        fifoWriter.shutdown();
        scripts.shutdown();
        for (NotifyFifo f : fifos) { try { f.close(); } catch (IOException ignored) { } }
        readers.forEach(FifoReader::close);
    }
}
