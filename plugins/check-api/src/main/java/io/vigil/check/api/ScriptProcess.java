package io.vigil.check.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs a script (MISC_CHECK, vrrp_script, notify) in a process group of its own and kills the whole group — the
 * script and everything it started — when the script ends or its time is up (SIGTERM, then SIGKILL), so nothing
 * it backgrounds outlives it. Java's ProcessBuilder cannot call setsid(), so the command is started through
 * util-linux {@code setsid}, which calls setsid() and execs the command in place: the script's pid is its process
 * group id. Output (stdout and stderr together) is read by a thread of its own and never holds the caller past the
 * deadline: if something outside the group still holds the pipe, the reader is abandoned.
 *
 * <p>Blocking: call it from a thread that may wait (never a Vert.x event loop, never the VRRP thread).
 */
public final class ScriptProcess {
    private static final Path SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid")
            .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
    /** Between SIGTERM and SIGKILL. */
    static final Duration TERM_GRACE = Duration.ofMillis(200);
    /** How long output may still be read once the group is gone, even past the deadline. */
    static final Duration OUTPUT_GRACE = Duration.ofMillis(200);
    private static final MethodHandle KILL = kill();

    private ScriptProcess() {}

    /**
     * What the run did.
     *
     * @param exitCode       the script's exit status; -1 when it was killed at its deadline
     * @param killed         processes of its group signalled after it ended or timed out (its leftovers)
     * @param outputComplete false when the output pipe was still held open when we stopped reading
     */
    public record Result(int exitCode, boolean timedOut, int killed, List<String> firstLines, boolean outputComplete,
                         Duration took) {
        public Result { firstLines = List.copyOf(firstLines); }
    }

    /** Whether scripts get a process group of their own here (util-linux setsid is installed). */
    public static boolean groupsAvailable() { return SETSID != null; }

    /**
     * Runs {@code argv} with stdin from /dev/null. Keeps the first {@code keepLines} lines of output, each cut to
     * {@code maxLine} characters; the rest is read and dropped so the script never blocks on a full pipe.
     *
     * @throws IOException the command cannot be started; the message carries the errno as ProcessBuilder's does
     *                     ("error=2", "error=8" for a file that is neither a binary nor a #! script)
     */
    public static Result run(List<String> argv, Duration timeout, int keepLines, int maxLine) throws IOException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        List<String> cmd = new ArrayList<>();
        if (SETSID != null) {
            preflight(argv.getFirst()); // setsid would report exec errors only as its own exit status
            cmd.add(SETSID.toString());
        }
        cmd.addAll(argv);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long pgid = p.pid();
        List<String> lines = new ArrayList<>();
        CompletableFuture<Void> eof = new CompletableFuture<>();
        InputStream out = p.getInputStream();
        Thread.ofPlatform().daemon().name("script-output-" + pgid).start(() -> readLines(out, lines, keepLines, maxLine, eof));

        boolean exited = waitUntil(p, deadline);
        int killed;
        if (SETSID != null) {
            killed = killGroup(pgid, exited ? Duration.ZERO : TERM_GRACE);
        } else {
            // no process groups: the best we can do is the tree as it stands now
            List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
            if (!exited) tree.addFirst(p.toHandle());
            killed = (int) tree.stream().filter(ProcessHandle::destroyForcibly).count();
        }
        if (!exited) {
            try { p.waitFor(1, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        long outputDeadline = Math.max(deadline, System.nanoTime() + OUTPUT_GRACE.toNanos());
        boolean complete;
        try {
            eof.get(Math.max(0, outputDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            complete = true;
        } catch (Exception e) {
            complete = false;
            try { out.close(); } catch (IOException ignored) { /* the reader thread is abandoned either way */ }
        }
        List<String> head;
        synchronized (lines) { head = List.copyOf(lines); }
        return new Result(exited ? p.exitValue() : -1, !exited, killed, head, complete,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private static boolean waitUntil(Process p, long deadline) {
        try {
            return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * SIGTERM to the group, then (after {@code grace}, or at once when the script already ended) SIGKILL to what
     * is left. Returns how many live processes the group had.
     */
    static int killGroup(long pgid, Duration grace) {
        int members = members(pgid).size();
        if (members == 0) return 0;
        signal(pgid, 15);
        long until = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < until && !members(pgid).isEmpty()) {
            try { Thread.sleep(10); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
        }
        for (int round = 0; round < 50 && !members(pgid).isEmpty(); round++) {
            signal(pgid, 9);
            try { Thread.sleep(2); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
        }
        return members;
    }

    private static void signal(long pgid, int sig) {
        if (KILL != null) {
            try {
                int r = (int) KILL.invokeExact((int) -pgid, sig);
                if (r == 0) return;
            } catch (Throwable ignored) {
                // fall through to one signal per member
            }
        }
        for (long pid : members(pgid)) {
            ProcessHandle.of(pid).ifPresent(h -> { if (sig == 9) h.destroyForcibly(); else h.destroy(); });
        }
    }

    /** Live (not zombie) processes whose process group is {@code pgid}, from /proc. */
    static List<Long> members(long pgid) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) procs::iterator) {
                String name = d.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
                    if (!f[0].equals("Z") && Long.parseLong(f[2]) == pgid) out.add(Long.parseLong(name));
                } catch (IOException | RuntimeException ignored) {
                    // the process ended while we looked
                }
            }
        } catch (IOException ignored) {
            // no /proc: nothing we can find
        }
        return out;
    }

    private static void readLines(InputStream in, List<String> lines, int keep, int maxLine, CompletableFuture<Void> eof) {
        byte[] buf = new byte[8192];
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        line(pending, lines, keep, maxLine);
                    } else if (pending.size() <= maxLine * 4) {
                        pending.write(buf[i]);
                    }
                }
            }
            if (pending.size() > 0) line(pending, lines, keep, maxLine);
        } catch (IOException ignored) {
            // closed under us: what was read is kept
        } finally {
            eof.complete(null);
        }
    }

    private static void line(java.io.ByteArrayOutputStream pending, List<String> lines, int keep, int maxLine) {
        String l = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        synchronized (lines) {
            if (lines.size() < keep) lines.add(l.length() > maxLine ? l.substring(0, maxLine) + "…" : l);
        }
    }

    /** The errors exec would give, found before setsid hides them: missing, not executable, not a binary or #!. */
    static void preflight(String exe) throws IOException {
        Path p = resolve(exe).orElseThrow(() -> new IOException("Cannot run program \"" + exe + "\": error=2, No such file or directory"));
        if (!Files.isExecutable(p) || Files.isDirectory(p))
            throw new IOException("Cannot run program \"" + exe + "\": error=13, Permission denied");
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(p)) { n = in.readNBytes(head, 0, 4); }
        boolean script = n >= 2 && head[0] == '#' && head[1] == '!';
        boolean elf = n == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        if (!script && !elf) throw new IOException("Cannot run program \"" + exe + "\": error=8, Exec format error");
    }

    private static Optional<Path> resolve(String exe) {
        if (exe.contains("/")) return Optional.of(Path.of(exe)).filter(Files::exists);
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, exe);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static MethodHandle kill() {
        try {
            Linker l = Linker.nativeLinker();
            return l.downcallHandle(l.defaultLookup().find("kill").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        } catch (Throwable t) {
            return null; // no native access: signal members one by one
        }
    }
}
