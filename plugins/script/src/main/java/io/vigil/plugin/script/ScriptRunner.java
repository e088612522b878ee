package io.vigil.plugin.script;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one script without ever blocking a Vert.x thread: the process is started and its output read on a
 * virtual thread, its exit observed through {@link Process#onExit()}, and on timeout the whole process tree
 * (descendants first) is killed.
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
        Thread.ofVirtual().name("vigil-script").start(() -> {
            Process p;
            try {
                p = new ProcessBuilder(cmd.command()).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                promise.tryComplete(new Outcome(127, false, 0, List.of("cannot run: " + e.getMessage()),
                        Duration.ofNanos(System.nanoTime() - start)));
                return;
            }
            AtomicBoolean timedOut = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger killed = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CompletableFuture<Void> killDone = new java.util.concurrent.CompletableFuture<>();
            long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
                timedOut.set(true);
                killTree(p.toHandle(), killed);
                killDone.complete(null);
            });
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {       // drain everything so the script never blocks on a full pipe
                    if (lines.size() < KEEP_LINES) lines.add(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
                }
            } catch (IOException ignored) {
                // the pipe closes when the tree is killed
            }
            p.onExit().thenCompose(proc -> timedOut.get() ? killDone.thenApply(x -> proc)
                    : java.util.concurrent.CompletableFuture.completedFuture(proc)).whenComplete((proc, err) -> {
                vertx.cancelTimer(timer);
                promise.tryComplete(new Outcome(timedOut.get() ? -1 : proc.exitValue(), timedOut.get(), killed.get(),
                        List.copyOf(lines), Duration.ofNanos(System.nanoTime() - start)));
            });
        });
        return promise.future();
    }

    /**
     * SIGKILLs the script and every descendant (snapshot taken first, so reparented children are still
     * found), counting the processes signalled in {@code killed}.
     */
    static void killTree(ProcessHandle root, java.util.concurrent.atomic.AtomicInteger killed) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.addFirst(root);
        for (ProcessHandle h : all) if (h.destroyForcibly()) killed.incrementAndGet();
    }
}
