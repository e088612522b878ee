package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import io.vigil.check.api.ConfigNode;
import io.vigil.config.GlobalDefs;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * global_defs {@code startup_script} / {@code shutdown_script}, as keepalived 2.2.7 runs them: the startup script
 * before VRRP starts and the shutdown script after it stopped, each waited for up to its timeout (default 10 s),
 * run like notify scripts (script_user, script security, own process group, killed with its children on timeout).
 * The command line is used as written (keepalived passes no arguments of its own). Journaled as notify-run.
 */
public record LifecycleScripts(Optional<ScriptCommand> startup, Duration startupTimeout,
                               Optional<ScriptCommand> shutdown, Duration shutdownTimeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public static LifecycleScripts from(GlobalDefs g) {
        return new LifecycleScripts(command(g.node(), "startup_script"), timeout(g.node(), "startup_script_timeout"),
                command(g.node(), "shutdown_script"), timeout(g.node(), "shutdown_script_timeout"));
    }

    private static Optional<ScriptCommand> command(ConfigNode g, String kw) {
        return g.child(kw).filter(n -> !n.args().isEmpty()).flatMap(n -> {
            try {
                return Optional.of(ScriptCommand.parse(n.args().getFirst()));
            } catch (IllegalArgumentException e) {
                NodeLog.warn(n.where() + ": " + kw + ": " + e.getMessage() + "; not run");
                return Optional.empty();
            }
        });
    }

    private static Duration timeout(ConfigNode g, String kw) {
        return g.child(kw).filter(n -> !n.args().isEmpty()).flatMap(n -> {
            try {
                BigDecimal s = new BigDecimal(n.args().getFirst());
                return s.signum() > 0 ? Optional.of(Duration.ofNanos(s.movePointRight(9).longValue())) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty(); // reported at load (file:line)
            }
        }).orElse(DEFAULT_TIMEOUT);
    }

    /** Runs {@code which} ("startup" or "shutdown") if configured, waits for it, journals and logs the outcome. */
    public void run(String which, ScriptRunner runner, Journal journal, Cause cause) {
        Optional<ScriptCommand> cmd = which.equals("startup") ? startup : shutdown;
        if (cmd.isEmpty()) return;
        NodeLog.info("Running " + which + " script " + cmd.get());
        ScriptOutcome o = runner.run(cmd.get(), which.equals("startup") ? startupTimeout : shutdownTimeout);
        String out = String.join("\n", o.firstLines());
        if (o.error() != null) out = o.error() + (out.isEmpty() ? "" : "\n" + out);
        journal.append(cause, new Event.NotifyRun(cmd.get().toString(), which + "_script", o.exitCode(), o.duration().toNanos(), out));
        if (o.ok()) NodeLog.info(which + " script succeeded");
        else NodeLog.warn(which + " script " + cmd.get() + " failed: " + (o.error() != null ? o.error() : "exit " + o.exitCode()));
    }
}
