package io.vigil.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code vrrp_track_process}: counts the running (non-zombie) processes matching each spec in /proc and reports
 * up when quorum <= count <= quorum_max, after fork_delay (going up) or terminate_delay (going down), as
 * keepalived 2.2.7. keepalived learns of forks and exits from the proc connector; Vigil rescans /proc every
 * {@link #POLL} on a thread of its own (reading cmdline only for specs that need it).
 */
public final class ProcessTracker implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(250);
    private static final Path PROC = Path.of("/proc");

    /** {@code paramMatch}: "" exact, "initial" or "partial"; {@code params} null = any parameters (name match). */
    public record Spec(String name, String process, List<String> params, String paramMatch, int quorum, int quorumMax,
                       Duration forkDelay, Duration terminateDelay, boolean fullCommand) {
        /** Matched against argv (cmdline) rather than the 15-character comm name. */
        boolean byCommandLine() { return fullCommand || params != null; }
    }

    @FunctionalInterface
    public interface Listener { void changed(String name, boolean up, int count); }

    /** One running process as /proc shows it: comm name and argv (empty unless some spec needs it). */
    record Proc(String comm, List<String> argv) {}

    private static final class State {
        boolean up;
        long pendingSince = -1; // when the raw state first differed from {@code up}
    }

    private final List<Spec> specs;
    private final Listener listener;
    private final Map<String, State> states = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vrrp-track-process").daemon().factory());

    /** Scans /proc once: the states an instance starts with (no delay at start, as keepalived). */
    public ProcessTracker(List<Spec> specs, Listener listener) {
        this.specs = List.copyOf(specs);
        this.listener = listener;
        List<Proc> procs = scan();
        for (Spec s : specs) {
            State st = new State();
            st.up = up(s, count(s, procs));
            states.put(s.name(), st);
        }
    }

    public synchronized Map<String, Boolean> values() {
        Map<String, Boolean> m = new HashMap<>();
        states.forEach((k, v) -> m.put(k, v.up));
        return m;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        List<Proc> procs = scan();
        long now = System.nanoTime();
        for (Spec s : specs) {
            int n = count(s, procs);
            boolean raw = up(s, n), changed = false;
            synchronized (this) {
                State st = states.get(s.name());
                if (raw == st.up) { st.pendingSince = -1; continue; }
                if (st.pendingSince < 0) st.pendingSince = now;
                long delay = (raw ? s.forkDelay() : s.terminateDelay()).toNanos();
                if (now - st.pendingSince >= delay) { st.up = raw; st.pendingSince = -1; changed = true; }
            }
            if (changed) {
                NodeLog.info("Track_process " + s.name() + (raw ? " quorum gained" : " quorum lost") + " (" + n + " running)");
                listener.changed(s.name(), raw, n);
            }
        }
    }

    static boolean up(Spec s, int count) { return count >= s.quorum() && count <= s.quorumMax(); }

    static int count(Spec s, List<Proc> procs) {
        int n = 0;
        for (Proc p : procs) if (matches(s, p)) n++;
        return n;
    }

    /** keepalived's exact match (not a pattern): comm, or argv[0] and the parameters (initial/partial as configured). */
    static boolean matches(Spec s, Proc p) {
        if (!s.byCommandLine()) {
            String want = s.process().length() > 15 ? s.process().substring(0, 15) : s.process(); // comm is 15 chars
            return p.comm().equals(want);
        }
        if (p.argv().isEmpty() || !p.argv().getFirst().equals(s.process())) return false;
        if (s.params() == null) return true;
        List<String> have = p.argv().subList(1, p.argv().size()), want = s.params();
        return switch (s.paramMatch()) {
            case "partial" -> have.size() >= want.size() && have.subList(0, want.size()).equals(want);
            case "initial" -> have.size() == want.size() && (want.isEmpty() || (have.subList(0, want.size() - 1)
                    .equals(want.subList(0, want.size() - 1)) && have.getLast().startsWith(want.getLast())));
            default -> have.equals(want);
        };
    }

    private List<Proc> scan() {
        boolean argv = specs.stream().anyMatch(Spec::byCommandLine);
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path d : ds) proc(d, argv).ifPresent(out::add);
        } catch (IOException e) {
            NodeLog.warn("track_process: cannot read /proc: " + e.getMessage());
        }
        return out;
    }

    /** A process that exits while being read is skipped; zombies do not count (keepalived). */
    private static Optional<Proc> proc(Path d, boolean withArgv) {
        try {
            String stat = Files.readString(d.resolve("stat"), StandardCharsets.ISO_8859_1);
            int open = stat.indexOf('('), close = stat.lastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.length()) return Optional.empty();
            if (stat.charAt(close + 2) == 'Z' || stat.charAt(close + 2) == 'X') return Optional.empty();
            String comm = stat.substring(open + 1, close);
            List<String> argv = List.of();
            if (withArgv) {
                byte[] b = Files.readAllBytes(d.resolve("cmdline"));
                List<String> a = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == 0) { a.add(new String(b, start, i - start, StandardCharsets.UTF_8)); start = i + 1; }
                }
                if (start < b.length) a.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
                argv = a;
            }
            return Optional.of(new Proc(comm, argv));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isPid(String s) {
        if (s.isEmpty() || s.charAt(0) == '0') return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    @Override public void close() { timer.shutdownNow(); }
}
