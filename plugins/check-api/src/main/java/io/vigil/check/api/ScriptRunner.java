package io.vigil.check.api;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one way Vigil runs a keepalived script — notify scripts, vrrp_script trackers, MISC_CHECK, startup and
 * shutdown scripts — as a child process, never on the VRRP thread or a Vert.x event loop: it blocks until the
 * script is done (use {@link #runAsync} from an event loop). Each runs in a process group of its own, killed with
 * everything it started when it ends or times out ({@link ScriptProcess}); output reading never outlasts the
 * deadline. As keepalived: a script that is neither a binary nor a #! script runs through /bin/sh; {@code user
 * [group]} (script_user or a checker's own) via util-linux runuser; {@code enable_script_security} refuses a script
 * that a non-root user could modify when it would run as root.
 */
public final class ScriptRunner {
    /** How many output lines are kept for the journal; the rest is drained and dropped. */
    public static final int KEPT_LINES = 5;
    /** Longer output lines are cut to this many characters. */
    public static final int MAX_LINE = 300;

    private final String user;          // null: run as ourselves
    private final String group;         // null: the user's own group
    private final boolean scriptSecurity;

    public ScriptRunner(String scriptUser, boolean enableScriptSecurity) {
        this(scriptUser, null, enableScriptSecurity);
    }

    /** @param scriptUser run as this user (null, blank or our own user: as ourselves); @param scriptGroup its group, or null */
    public ScriptRunner(String scriptUser, String scriptGroup, boolean enableScriptSecurity) {
        this.user = scriptUser == null || scriptUser.isBlank() || scriptUser.equals(currentUser()) ? null : scriptUser;
        this.group = this.user == null || scriptGroup == null || scriptGroup.isBlank() ? null : scriptGroup;
        this.scriptSecurity = enableScriptSecurity;
    }

    public Optional<String> runAsUser() { return Optional.ofNullable(user); }

    /** This runner's script security, running as {@code scriptUser} (and {@code scriptGroup}, null: the user's own). */
    public ScriptRunner as(String scriptUser, String scriptGroup) {
        return new ScriptRunner(scriptUser, scriptGroup, scriptSecurity);
    }

    /** {@link #run} on a virtual thread of its own, for callers on an event loop. */
    public CompletableFuture<ScriptOutcome> runAsync(ScriptCommand cmd, Duration timeout) {
        CompletableFuture<ScriptOutcome> f = new CompletableFuture<>();
        Thread.ofVirtual().name("vigil-script").start(() -> {
            try {
                f.complete(run(cmd, timeout));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    public ScriptOutcome run(ScriptCommand cmd, Duration timeout) {
        long t0 = System.nanoTime();
        Optional<String> unsafe = scriptSecurity && user == null ? insecurity(cmd) : Optional.empty();
        if (unsafe.isPresent()) {
            return new ScriptOutcome(cmd, -1, Duration.ZERO, List.of(), false,
                    "refused by enable_script_security: " + unsafe.get());
        }
        ScriptProcess.Result r;
        try {
            r = start(cmd.argv(), timeout);
        } catch (IOException e) {
            // keepalived runs a script without #! through /bin/sh (execve ENOEXEC); ProcessBuilder reports it as error=8
            if (String.valueOf(e.getMessage()).contains("error=8")) {
                List<String> sh = new ArrayList<>(List.of("/bin/sh"));
                sh.addAll(cmd.argv());
                try { r = start(sh, timeout); } catch (IOException e2) { return failed(cmd, t0, e2); }
            } else {
                return failed(cmd, t0, e);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return r.timedOut() ? new ScriptOutcome(cmd, -1, took, r.firstLines(), true, "timed out after " + timeout.toMillis()
                        + " ms, killed with its process group (" + r.killed() + " process(es))", r.killed())
                : new ScriptOutcome(cmd, r.exitCode(), took, r.firstLines(), false, null, r.killed());
    }

    /** In a process group of its own, killed with everything it started when it ends (ScriptProcess). */
    private ScriptProcess.Result start(List<String> argv, Duration timeout) throws IOException {
        List<String> full = new ArrayList<>();
        if (user != null) {
            full.addAll(List.of("runuser", "-u", user));
            if (group != null) full.addAll(List.of("-g", group));
            full.add("--");
        }
        full.addAll(argv);
        return ScriptProcess.run(full, timeout, KEPT_LINES, MAX_LINE);
    }

    private static ScriptOutcome failed(ScriptCommand cmd, long t0, IOException e) {
        String msg = String.valueOf(e.getMessage());
        int i = msg.indexOf("error=");
        return new ScriptOutcome(cmd, -1, Duration.ofNanos(System.nanoTime() - t0), List.of(), false,
                "cannot run " + cmd.argv().getFirst() + (i >= 0 ? ": " + msg.substring(i) : ": " + msg));
    }

    /**
     * keepalived's enable_script_security rule: a script run as root must not be writable by anyone but root,
     * nor may any directory on its path be.
     */
    static Optional<String> insecurity(ScriptCommand cmd) {
        Path exe = resolve(cmd.argv().getFirst());
        if (exe == null) return Optional.empty(); // "cannot run" is reported when it is started
        for (Path p = exe; p != null; p = p.getParent()) {
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
                boolean rootOwned = a.owner().getName().equals("root");
                var perms = a.permissions();
                boolean sticky = p != exe && isSticky(p);
                if (!rootOwned) return Optional.of(p + " is owned by " + a.owner().getName());
                if (perms.contains(PosixFilePermission.OTHERS_WRITE) && !sticky) return Optional.of(p + " is world-writable");
                if (perms.contains(PosixFilePermission.GROUP_WRITE) && !a.group().getName().equals("root") && !sticky)
                    return Optional.of(p + " is writable by group " + a.group().getName());
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static boolean isSticky(Path dir) {
        try { return (((Integer) Files.getAttribute(dir, "unix:mode")) & 01000) != 0; }
        catch (IOException | UnsupportedOperationException | IllegalArgumentException e) { return false; }
    }

    static Path resolve(String exe) {
        if (exe.contains("/")) {
            Path p = Path.of(exe).toAbsolutePath();
            return Files.exists(p) ? p : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) return p.toAbsolutePath();
        }
        return null;
    }

    private static String currentUser() { return System.getProperty("user.name"); }
}
