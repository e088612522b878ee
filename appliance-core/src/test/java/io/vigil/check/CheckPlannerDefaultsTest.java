package io.vigil.check;

import io.vigil.check.runtime.CheckRegistry;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vigil.check.HealthModel.CheckerSpec;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * keepalived 2.2.7's per-checker timing defaults reach the scheduler (they did not: every checker got retry 1 and
 * delay_before_retry 1 s, while dump-config and the man page say HTTP_GET 3 s), and FILE_CHECK gets its track_file.
 */
class CheckPlannerDefaultsTest {
    final List<ConfigNode> built = new ArrayList<>();

    CheckPlan plan(String conf) {
        CheckRegistry reg = CheckRegistry.builtins();
        reg.register(new CheckFactory() {
            @Override public Set<String> keywords() { return Set.of("HTTP_GET", "SSL_GET", "DNS_CHECK", "MISC_CHECK", "SMTP_CHECK", "FILE_CHECK"); }
            @Override public Check create(ConfigNode block) {
                built.add(block);
                return ctx -> Future.succeededFuture(CheckResult.up(Duration.ZERO, "ok"));
            }
        }, "test");
        CheckPlan p = CheckPlanner.plan(ConfText.parse(conf), reg);
        assertThat(p.errors()).isEmpty();
        return p;
    }

    static List<CheckerSpec> checkers(CheckPlan p) {
        return p.model().virtualServers().getFirst().realServers().stream().flatMap(r -> r.checkers().stream()).toList();
    }

    @Test void eachCheckerGetsKeepalivedsDefaults() {
        CheckPlan p = plan("""
                virtual_server 192.0.2.10 80 {
                    delay_loop 6
                    real_server 192.0.2.21 80 {
                        HTTP_GET {
                            url {
                                path /
                            }
                        }
                        SSL_GET {
                        }
                        TCP_CHECK {
                        }
                        DNS_CHECK {
                        }
                        MISC_CHECK {
                            misc_path /bin/true
                        }
                        SMTP_CHECK {
                        }
                    }
                }
                """);
        assertThat(checkers(p)).extracting(c -> c.keyword() + " retry " + c.retry() + " delay_before_retry " + c.delayBeforeRetry().toSeconds())
                .containsExactly("HTTP_GET retry 1 delay_before_retry 3", "SSL_GET retry 1 delay_before_retry 3",
                        "TCP_CHECK retry 1 delay_before_retry 1", "DNS_CHECK retry 3 delay_before_retry 6",
                        "MISC_CHECK retry 0 delay_before_retry 1", "SMTP_CHECK retry 1 delay_before_retry 1");
    }

    @Test void configuredValuesStillWinInKeepalivedsOrder() {
        CheckPlan p = plan("""
                virtual_server 192.0.2.10 80 {
                    delay_before_retry 7
                    real_server 192.0.2.21 80 {
                        retry 4
                        HTTP_GET {
                            url {
                                path /
                            }
                        }
                        DNS_CHECK {
                            delay_before_retry 2
                            retry 0
                        }
                    }
                }
                """);
        assertThat(checkers(p)).extracting(c -> c.retry() + "/" + c.delayBeforeRetry().toSeconds()).containsExactly("4/7", "0/2");
    }

    @Test void fileCheckGetsItsTrackFileAndTheRealServersWeight() {
        CheckPlan p = plan("""
                track_file rs1 {
                    file /run/vigil/rs1
                    weight 2 reverse
                }
                virtual_server 192.0.2.10 80 {
                    delay_loop 30
                    real_server 192.0.2.21 80 {
                        weight 7
                        FILE_CHECK {
                            track_file rs1
                        }
                    }
                }
                """);
        ConfigNode block = built.getFirst();
        ConfigNode tf = block.child("track_file").orElseThrow();
        assertThat(tf.value("file")).contains("/run/vigil/rs1");
        assertThat(tf.child("weight").orElseThrow().args()).containsExactly("2", "reverse");
        assertThat(block.value("@real_server_weight")).contains("7");
        CheckerSpec c = checkers(p).getFirst();
        assertThat(c.delayLoop()).isEqualTo(Duration.ofSeconds(1));   // keepalived reacts to the file at once (inotify)
        assertThat(c.retry()).isZero();
    }
}
