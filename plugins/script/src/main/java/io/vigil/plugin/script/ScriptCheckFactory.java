package io.vigil.plugin.script;

import io.vertx.core.Future;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import io.vigil.check.api.ScriptOutcome;
import io.vigil.check.api.ScriptRunner;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * keepalived's script checks.
 * <pre>
 * MISC_CHECK {                       # real_server check
 *     misc_path "/usr/local/bin/check_app.sh 10.0.0.13"
 *     misc_timeout 5                 # default: delay_loop, as in keepalived
 *     misc_dynamic                   # exit 0 = up, 1 = down, 2..255 = up with weight (exit - 2)
 *     user nobody [group]
 * }
 * vrrp_script chk_nginx {            # tracker: interval/weight/rise/fall/init_fail are the host's
 *     script "/etc/keepalived/check_nginx_status.sh"
 *     timeout 3
 *     user nobody
 * }
 * </pre>
 * The command is executed directly (not through a shell). On timeout the process and all its descendants are
 * killed. The exit code and the first lines of output (stdout and stderr) become the result's detail.
 */
@Extension
public final class ScriptCheckFactory implements CheckFactory {

    @Override public Set<String> keywords() { return Set.of("MISC_CHECK", "vrrp_script"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        if (block.keyword().equals("vrrp_script")) {
            ConfigValues.rejectUnknown(block, Set.of("script"));
            return new ScriptCheck(CommandLine.parse(ConfigValues.required(block, "script"), block), Optional.empty(), false);
        }
        ConfigValues.rejectUnknown(block, Set.of("misc_path", "misc_timeout", "misc_dynamic", "user"));
        return new ScriptCheck(CommandLine.parse(ConfigValues.required(block, "misc_path"), block),
                ConfigValues.optionalSeconds(block, "misc_timeout"), block.child("misc_dynamic").isPresent());
    }

    static final class ScriptCheck implements Check {
        private final CommandLine cmd;
        private final ScriptRunner runner;
        private final Optional<Duration> timeout;
        private final boolean dynamic;

        ScriptCheck(CommandLine cmd, Optional<Duration> timeout, boolean dynamic) {
            this.cmd = cmd;
            this.runner = cmd.runner();
            this.timeout = timeout;
            this.dynamic = dynamic;
        }

        @Override public Optional<Duration> timeout() { return timeout; }

        @Override public Future<CheckResult> run(CheckContext ctx) {
            // the shared runner blocks until the script's process group is gone: it runs on a virtual thread of its own
            return Future.fromCompletionStage(runner.runAsync(cmd.command(), timeout.orElse(ctx.timeout()))).map(o -> {
                String detail = summary(o);
                if (o.error() != null || o.timedOut() || o.exitCode() == 1 || (!dynamic && o.exitCode() != 0)) {
                    return CheckResult.down(o.duration(), detail);
                }
                CheckResult up = CheckResult.up(o.duration(), detail);
                return dynamic && o.exitCode() >= 2 ? up.withWeight(o.exitCode() - 2) : up;
            });
        }

        /** "exit N: first | lines"; a script that could not be started reads as exit 127, as from a shell. */
        static String summary(ScriptOutcome o) {
            String out = o.firstLines().isEmpty() ? "" : ": " + String.join(" | ", o.firstLines());
            if (o.timedOut()) return "timed out after " + o.duration().toMillis() + " ms, killed " + o.killed() + " process(es)" + out;
            if (o.error() != null) return "exit 127: " + o.error();
            return "exit " + o.exitCode() + out;
        }

        @Override public String describe(CheckContext ctx) { return "script " + cmd; }
    }
}
