package io.vigil.check;

import io.vigil.check.runtime.CheckRegistry;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** global_defs script_user is MISC_CHECK's default user, as in keepalived; a checker's own {@code user} wins. */
class CheckPlannerScriptUserTest {
    final List<ConfigNode> built = new ArrayList<>();

    final CheckFactory misc = new CheckFactory() {
        @Override public Set<String> keywords() { return Set.of("MISC_CHECK"); }
        @Override public Check create(ConfigNode block) {
            built.add(block);
            return ctx -> Future.succeededFuture(CheckResult.up(Duration.ZERO, "ok"));
        }
    };

    List<String> usersFor(String conf) {
        built.clear();
        CheckRegistry reg = CheckRegistry.builtins();
        reg.register(misc, "test");
        CheckPlan plan = CheckPlanner.plan(ConfText.parse(conf), reg);
        assertThat(plan.errors()).isEmpty();
        return built.stream().map(b -> b.child("user").map(u -> String.join(" ", u.args()) + " @" + u.where().line()).orElse("-")).toList();
    }

    static final String SERVERS = """
            virtual_server 192.0.2.10 80 {
                real_server 192.0.2.21 80 {
                    MISC_CHECK {
                        misc_path "/bin/true"
                    }
                }
                real_server 192.0.2.22 80 {
                    MISC_CHECK {
                        misc_path "/bin/true"
                        user daemon
                    }
                }
            }
            """;

    @Test void scriptUserIsTheDefaultAndAnExplicitUserWins() {
        assertThat(usersFor("global_defs {\n    script_user nobody nogroup\n}\n" + SERVERS))
                .containsExactly("nobody nogroup @2", "daemon @13");
    }

    @Test void withoutScriptUserNothingIsAdded() {
        assertThat(usersFor("global_defs {\n    router_id x\n}\n" + SERVERS)).containsExactly("-", "daemon @13");
    }
}
