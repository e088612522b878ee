package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs {@code vrrp_script} blocks for track_script: each script every {@code interval}, with keepalived's
 * rise/fall hysteresis, and reports only state changes (up/down). Scripts run on virtual threads; a run still
 * going when the next is due is not started twice (keepalived does the same). Results reach the VRRP thread as
 * inbox items via the listener, so a slow script never delays an advert.
 */
public final class VrrpScripts implements AutoCloseable {

    /** {@code user}/{@code group}: vrrp_script's {@code user USER [GROUP]}, null to run as the global script_user. */
    public record Spec(String name, ScriptCommand command, Duration interval, Duration timeout, int rise, int fall,
                       boolean initFail, String user, String group) {
        public Spec {
            if (rise < 1) rise = 1;
            if (fall < 1) fall = 1;
            if (timeout == null || timeout.isZero()) timeout = interval;
        }

        public Spec(String name, ScriptCommand command, Duration interval, Duration timeout, int rise, int fall,
                    boolean initFail) {
            this(name, command, interval, timeout, rise, fall, initFail, null, null);
        }
    }

    @FunctionalInterface
    public interface Listener {
        /** A script's tracked state changed; {@code outcome} is the run that tipped it. */
        void changed(String script, boolean up, ScriptOutcome outcome);
    }

    /** Per script: current state and the run of consecutive results against it. */
    private static final class Track {
        final Spec spec;
        boolean up;
        int streak;
        final AtomicBoolean running = new AtomicBoolean();
        Track(Spec s, Boolean carried) { spec = s; up = carried != null ? carried : !s.initFail(); }
    }

    private final ScriptRunner runner;
    private final Listener listener;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vrrp-script-timer").daemon().factory());
    private final List<Track> tracks;

    public VrrpScripts(List<Spec> specs, ScriptRunner runner, Listener listener) {
        this(specs, runner, listener, null);
    }

    /**
     * After a reload: a script whose spec is unchanged keeps the state {@code previous} had reached (as keepalived
     * keeps a script's result across a reload), so a reload never flips a tracker by itself.
     */
    public VrrpScripts(List<Spec> specs, ScriptRunner runner, Listener listener, VrrpScripts previous) {
        this.runner = runner;
        this.listener = listener;
        Map<Spec, Boolean> old = previous == null ? Map.of() : previous.states();
        this.tracks = specs.stream().map(s -> new Track(s, old.get(s))).toList();
    }

    /** Current tracked state per script (up = true). */
    public Map<Spec, Boolean> states() {
        Map<Spec, Boolean> m = new HashMap<>();
        for (Track t : tracks) synchronized (t) { m.put(t.spec, t.up); }
        return m;
    }

    public void start() {
        for (Track t : tracks) {
            timer.scheduleAtFixedRate(() -> launch(t), 0, Math.max(1, t.spec.interval().toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    private void launch(Track t) {
        if (!t.running.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("vrrp-script-" + t.spec.name()).start(() -> {
            try {
                ScriptRunner r = t.spec.user() == null ? runner : runner.as(t.spec.user(), t.spec.group());
                ScriptOutcome o = r.run(t.spec.command(), t.spec.timeout());
                boolean changed;
                synchronized (t) { changed = apply(t, o.ok()); }
                if (changed) listener.changed(t.spec.name(), t.up, o);
            } finally {
                t.running.set(false);
            }
        });
    }

    /** keepalived's hysteresis: {@code fall} failures in a row take an up script down, {@code rise} successes bring it up. */
    static boolean apply(Track t, boolean ok) {
        if (ok == t.up) { t.streak = 0; return false; }
        t.streak++;
        if (t.streak >= (ok ? t.spec.rise() : t.spec.fall())) {
            t.up = ok;
            t.streak = 0;
            return true;
        }
        return false;
    }

    @Override public void close() { timer.shutdownNow(); }
}
