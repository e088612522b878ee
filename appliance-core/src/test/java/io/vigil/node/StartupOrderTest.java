package io.vigil.node;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VRRP first, the checker after: {@code vigil run} with 10,000 real servers (the checker's start — plugins,
 * planning, first probes — takes seconds here) still enters BACKUP, then MASTER after master_down as with no
 * checker at all, before the checker reports in; and a SIGTERM during the checker's start stops cleanly (priority 0
 * sent, exit 0, node-stopped journaled).
 */
class StartupOrderTest {
    @Test
    void vrrpRunsOnTimeWhileTheCheckerIsStillStarting() throws Exception {
        try (NetLab lab = new NetLab("vso")) {
            String m = lab.node("m", "192.0.2.11");
            NetLab.run("ip", "-n", m, "link", "set", "lo", "up");
            StringBuilder conf = new StringBuilder("""
                    global_defs {
                      router_id so
                      vrrp_version 3
                    }
                    vrrp_instance VI_1 {
                      state BACKUP
                      interface eth0
                      virtual_router_id 51
                      priority 200
                      advert_int 0.2
                      virtual_ipaddress {
                        192.0.2.100/24
                      }
                    }
                    """);
            for (int v = 0; v < 1000; v++) {
                conf.append("virtual_server 198.51.100.").append(v % 250 + 1).append(' ').append(1000 + v / 250)
                        .append(" {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n");
                for (int r = 0; r < 10; r++) {
                    int n = v * 10 + r; // distinct refused loopback servers
                    conf.append("  real_server 127.1.").append(n / 250).append('.').append(n % 250 + 1)
                            .append(" 8080 {\n    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n");
                }
                conf.append("}\n");
            }
            Path file = lab.write("so.conf", conf.toString());
            NetLab.Proc p = lab.vigil("so", m, file);
            NetLab.await("MASTER", p::logText, Duration.ofSeconds(60), () -> p.logText().contains("Entering MASTER STATE"));
            // SIGTERM while the checker may still be starting: a clean stop all the same
            int rc = lab.term(p, Duration.ofSeconds(60));
            String log = p.logText();
            assertThat(rc).as(log).isZero();
            List<String> lines = log.lines().toList();
            long backup = at(lines, "Entering BACKUP STATE"), master = at(lines, "Entering MASTER STATE");
            // master_down_interval = 3 × 0.2 s + skew (0.2 × (256-200)/256): the master transition was not held up
            assertThat(master - backup).as(log).isBetween(600L, 1500L);
            if (log.contains("checker: ")) assertThat(at(lines, "checker: ")).isGreaterThanOrEqualTo(master);
            assertThat(log).contains("vigil stopped");
        }
    }

    /** The millisecond of the first log line containing {@code text} (NodeLog's local time stamp). */
    static long at(List<String> lines, String text) {
        String l = lines.stream().filter(x -> x.contains(text)).findFirst().orElseThrow(() -> new AssertionError("no line with " + text));
        LocalDateTime t = LocalDateTime.parse(l.substring(0, 23).replace(' ', 'T'));
        return t.atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
    }
}
