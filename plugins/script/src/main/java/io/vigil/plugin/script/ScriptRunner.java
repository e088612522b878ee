package io.vigil.plugin.script;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.check.api.ScriptProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs one script without ever blocking a Vert.x thread, through {@link ScriptProcess}: in a process group of its
 * own, killed with everything it started when it ends or times out; output reading never outlasts the deadline.
 */
final class ScriptRunner {
    /** How many output lines are kept for the journal. */
    static final int KEEP_LINES = 5;
    static final int MAX_LINE = 200;

    /** Exit status (or -1 when killed) and the first output lines. */
    record Outcome(int exitCode, boolean timedOut, int killed, List<String> firstLines, Duration took) {
        String summary() {
            String out = firstLines.isEmpty() ? "" : ": " + String.join(" | ", firstLines);
            return (timedOut ? "timed out after " + took.toMillis() + " ms, killed " + killed + " process(es)"
                    : "exit " + exitCode) + out;
        }
    }

    static Future<Outcome> run(Vertx vertx, CommandLine cmd, Duration timeout) {
        Promise<Outcome> promise = Promise.promise();
        long start = System.nanoTime();
        // ScriptProcess blocks until the script's process group is gone (or its deadline): a virtual thread of its own
        Thread.ofVirtual().name("vigil-script").start(() -> {
            try {
                ScriptProcess.Result r = ScriptProcess.run(cmd.command(), timeout, KEEP_LINES, MAX_LINE);
                promise.tryComplete(new Outcome(r.exitCode(), r.timedOut(), r.killed(), r.firstLines(), r.took()));
            } catch (IOException e) {
                promise.tryComplete(new Outcome(127, false, 0, List.of("cannot run: " + e.getMessage()),
                        Duration.ofNanos(System.nanoTime() - start)));
            } catch (RuntimeException e) {
                promise.tryFail(e);
            }
        });
        return promise.future();
    }
}
