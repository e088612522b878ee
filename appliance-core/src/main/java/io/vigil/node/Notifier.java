package io.vigil.node;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs an instance's (or sync group's) notify scripts and writes the notify FIFO after a state change, off the
 * VRRP thread. keepalived's convention: {@code notify_master|backup|fault|stop} run as written;
 * {@code notify} gets {@code TYPE NAME STATE PRIORITY} appended (TYPE is INSTANCE or GROUP).
 * Runs for one instance are kept in order (MASTER's script finishes, or times out, before BACKUP's starts);
 * different instances run in parallel.
 */
public final class Notifier implements AutoCloseable {

    /** The scripts of one vrrp_instance or vrrp_sync_group; any may be null. */
    public record Scripts(ScriptCommand master, ScriptCommand backup, ScriptCommand fault, ScriptCommand stop,
                          ScriptCommand generic) {
        public static final Scripts NONE = new Scripts(null, null, null, null, null);

        public static Scripts of(String master, String backup, String fault, String stop, String generic) {
            return new Scripts(cmd(master), cmd(backup), cmd(fault), cmd(stop), cmd(generic));
        }

        private static ScriptCommand cmd(String s) { return s == null || s.isBlank() ? null : ScriptCommand.parse(s); }

        ScriptCommand forState(String state) {
            return switch (state) {
                case "MASTER" -> master;
                case "BACKUP" -> backup;
                case "FAULT" -> fault;
                case "STOP" -> stop;
                default -> null;
            };
        }
    }

    /** Receives each finished run (for the journal's NotifyRun event); called on a notify thread. */
    @FunctionalInterface
    public interface Listener {
        void ran(String type, String name, String state, int priority, ScriptOutcome outcome, long causeSeq);
    }

    private final ScriptRunner runner;
    private final Duration timeout;
    private final List<NotifyFifo> fifos;
    private final Listener listener;
    private final ExecutorService scripts = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("notify-", 0).factory());
    private final ExecutorService fifoWriter = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("notify-fifo").daemon().factory());
    private final Map<String, CompletableFuture<Void>> chains = new ConcurrentHashMap<>();

    public Notifier(ScriptRunner runner, Duration timeout, List<NotifyFifo> fifos, Listener listener) {
        this.runner = runner;
        this.timeout = timeout;
        this.fifos = List.copyOf(fifos);
        this.listener = listener;
    }

    /** Never blocks: queues the FIFO line and the scripts. */
    public void stateChanged(String type, String name, String state, int priority, Scripts s, long causeSeq) {
        if (!fifos.isEmpty()) {
            String line = NotifyFifo.line(type, name, state, priority);
            fifoWriter.execute(() -> {
                for (NotifyFifo f : fifos) {
                    try { f.write(line); } catch (IOException e) { System.err.println("vigil: notify_fifo " + f.path() + ": " + e.getMessage()); }
                }
            });
        }
        List<ScriptCommand> cmds = new ArrayList<>(2);
        ScriptCommand specific = s.forState(state);
        if (specific != null) cmds.add(specific);
        if (s.generic() != null) cmds.add(s.generic().with(type, name, state, Integer.toString(priority)));
        if (cmds.isEmpty()) return;
        chains.compute(type + " " + name, (k, prev) -> {
            CompletableFuture<Void> base = prev == null ? CompletableFuture.completedFuture(null) : prev;
            // keepalived starts the specific and the generic script together; so do we, then wait for both
            return base.thenRunAsync(() -> {
                List<CompletableFuture<Void>> runs = new ArrayList<>();
                for (ScriptCommand c : cmds) {
                    runs.add(CompletableFuture.runAsync(() -> listener.ran(type, name, state, priority, runner.run(c, timeout), causeSeq), scripts));
                }
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
            }, scripts).exceptionally(t -> null);
        });
    }

    /** Waits until every queued script has finished (used on shutdown so notify_stop completes). */
    public void awaitIdle(Duration max) {
        long end = System.nanoTime() + max.toNanos();
        for (CompletableFuture<Void> f : List.copyOf(chains.values())) {
            try { f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS); } catch (Exception ignored) { return; }
        }
        try { fifoWriter.submit(() -> { }).get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS); } catch (Exception ignored) { }
    }

    @Override public void close() {
        awaitIdle(timeout.plusSeconds(1));
        fifoWriter.shutdown();
        scripts.shutdown();
        for (NotifyFifo f : fifos) { try { f.close(); } catch (IOException ignored) { } }
    }
}
