package io.vigil.node;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptOutcome;
import io.vigil.check.api.ScriptRunner;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * keepalived's {@code notify_fifo_script}, {@code vrrp_notify_fifo_script} and {@code lvs_notify_fifo_script}: the
 * reader of a notify FIFO, started once the FIFO exists with the FIFO's name as its last argument (lib/notify.c
 * fifo_open), through the one {@link ScriptRunner} (own process group, script_user or the keyword's own user) with no
 * time limit, and stopped — its process group signalled — when its FIFO closes (stop or reload, as keepalived
 * terminates it). Its end is journaled with exit code and first output lines.
 */
final class FifoReader implements AutoCloseable {
    /** "No timeout": the reader runs as long as its FIFO. */
    private static final Duration FOREVER = Duration.ofDays(3650);

    private final String keyword;
    private final Thread thread;
    private volatile boolean closing;

    private FifoReader(String keyword, ScriptCommand cmd, ScriptRunner runner, Journal journal) {
        this.keyword = keyword;
        this.thread = Thread.ofPlatform().daemon().name("fifo-reader-" + keyword).start(() -> {
            ScriptOutcome o = runner.run(cmd, FOREVER);
            String out = String.join("\n", o.firstLines());
            boolean stopped = closing && o.timedOut();
            String head = stopped ? "stopped with its FIFO" : o.error() != null ? o.error() : "exited " + o.exitCode();
            journal.append(Cause.NONE, new Event.NotifyRun(cmd.toString(), keyword + " " + (stopped ? "stopped" : "exited"),
                    stopped ? 0 : o.exitCode(), o.duration().toNanos(), out.isEmpty() ? head : head + "\n" + out));
            if (!stopped) NodeLog.info(keyword + " " + cmd + " terminated (" + head + ")");
        });
    }

    /** A reader as written in global_defs: {@code KEYWORD SCRIPT [USER [GROUP]]} for the FIFO {@code fifo}. */
    record Spec(String keyword, Path fifo, List<String> args, String where) {
        Spec { args = List.copyOf(args); }

        /** The {@code scriptKeyword} line for the FIFO {@code fifoKeyword} names, if both are written. */
        static Optional<Spec> of(ConfigNode globalDefs, String fifoKeyword, String scriptKeyword) {
            Optional<ConfigNode> f = globalDefs.child(fifoKeyword).filter(c -> !c.args().isEmpty());
            Optional<ConfigNode> n = globalDefs.child(scriptKeyword).filter(c -> !c.args().isEmpty());
            if (f.isEmpty() || n.isEmpty()) return Optional.empty();
            return Optional.of(new Spec(scriptKeyword, Path.of(f.get().args().getFirst()), n.get().args(), n.get().where().toString()));
        }
    }

    /**
     * Starts {@code spec}'s reader; empty when its line cannot be parsed (warned). {@code scriptUser}/{@code scriptGroup}:
     * script_user, for a line without a user of its own.
     */
    static Optional<FifoReader> start(Spec spec, String scriptUser, String scriptGroup, boolean scriptSecurity, Journal journal) {
        String keyword = spec.keyword();
        var a = spec.args();
        ScriptCommand cmd;
        try {
            cmd = ScriptCommand.parse(a.getFirst()).with(spec.fifo().toString());
        } catch (IllegalArgumentException e) {
            NodeLog.warn(spec.where() + ": " + keyword + ": " + e.getMessage());
            return Optional.empty();
        }
        ScriptRunner runner = a.size() > 1 ? new ScriptRunner(a.get(1), a.size() > 2 ? a.get(2) : null, scriptSecurity)
                : new ScriptRunner(scriptUser, scriptGroup, scriptSecurity);
        NodeLog.info(keyword + ": starting " + cmd);
        return Optional.of(new FifoReader(keyword, cmd, runner, journal));
    }

    /**
     * Stops the reader, after its FIFO's write end was closed: a reader that ends at end of file is given a second
     * to read the last lines and exit; then its process group is signalled (TERM, then KILL). Its end is journaled.
     */
    @Override public void close() { stop(Duration.ofSeconds(1)); }

    /**
     * At a reload, as keepalived's script_killall(SIGTERM) before the new configuration starts its readers: signalled
     * at once, not at end of file, because the FIFO stays open across a reload and two readers of one FIFO would
     * split its lines between them. Lines it had not read stay in the pipe for the new reader.
     */
    void terminate() { stop(Duration.ZERO); }

    private void stop(Duration grace) {
        closing = true;
        try {
            if (grace.isPositive()) thread.join(grace);
        } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        thread.interrupt();
        try { thread.join(Duration.ofSeconds(3)); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        if (thread.isAlive()) NodeLog.warn(keyword + ": reader still running after 3 s");
    }
}
