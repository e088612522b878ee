package io.vigil.node;

import io.vigil.journal.Event;
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

    /**
     * A check plugin that is slow to load: its directory's plugin.properties is a FIFO, so PF4J's read of it blocks
     * until the test writes it. The configuration names built-in checks only, so nothing before VRRP waits for the
     * plugins; the checker, which loads them, starts after VRRP. BACKUP → MASTER takes master_down_interval as with
     * no plugins, and the checker reports in only after the plugin was let through.
     */
    @Test
    void aSlowPluginDelaysTheCheckerNotVrrp() throws Exception {
        try (NetLab lab = new NetLab("vsp")) {
            String m = lab.node("m", "192.0.2.11");
            NetLab.run("ip", "-n", m, "link", "set", "lo", "up");
            Path file = lab.write("sp.conf", """
                    global_defs {
                      router_id sp
                      vrrp_version 3
                    }
                    vrrp_instance VI_1 {
                      state BACKUP
                      interface eth0
                      virtual_router_id 52
                      priority 200
                      advert_int 0.2
                      virtual_ipaddress {
                        192.0.2.100/24
                      }
                    }
                    virtual_server 198.51.100.1 80 {
                      delay_loop 1
                      lb_algo rr
                      lb_kind NAT
                      protocol TCP
                      real_server 127.0.0.1 8080 {
                        TCP_CHECK {
                          connect_timeout 1
                        }
                      }
                    }
                    """);
            Path plugins = lab.dir.resolve("plugins");
            Path slow = java.nio.file.Files.createDirectories(plugins.resolve("slow-plugin"));
            NetLab.run("mkfifo", slow.resolve("plugin.properties").toString());
            NetLab.Proc p = lab.vigil("sp", m, file, "--plugins", plugins.toString());
            NetLab.await("MASTER", p::logText, Duration.ofSeconds(60), () -> p.logText().contains("Entering MASTER STATE"));
            assertThat(p.logText()).as("the checker waits for the blocked plugin").doesNotContain("checker: ");
            long released = System.currentTimeMillis();
            Thread writer = Thread.ofPlatform().daemon().start(() -> { // blocks until PF4J opens the FIFO to read it
                try {
                    java.nio.file.Files.writeString(slow.resolve("plugin.properties"), "plugin.id=slow\nplugin.version=0.0.1\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            NetLab.await("checker started", p::logText, Duration.ofSeconds(60), () -> p.logText().contains("checker: "));
            writer.join(Duration.ofSeconds(5));
            assertThat(writer.isAlive()).as("PF4J read the plugin's descriptor").isFalse();
            int rc = lab.term(p, Duration.ofSeconds(60));
            String log = p.logText();
            assertThat(rc).as(log).isZero();
            List<String> lines = log.lines().toList();
            assertThat(at(lines, "checker: ")).as(log).isGreaterThanOrEqualTo(released).isGreaterThan(at(lines, "Entering MASTER STATE"));
            // master_down_interval = 3 × 0.2 s + skew, by the engine's own times in the journal (a log line may be
            // printed late on a loaded box; the transitions' entries carry the moment the engine made them)
            List<io.vigil.journal.Entry> entries;
            try (var r = io.vigil.journal.store.JournalReader.open(lab.dir.resolve("sp-journal"))) { entries = r.readAll(); }
            long backup = monoOf(entries, Event.VrrpState.BACKUP), master = monoOf(entries, Event.VrrpState.MASTER);
            assertThat((master - backup) / 1_000_000).as(log).isBetween(600L, 1500L);
            assertThat(log).contains("vigil stopped");
        }
    }

    /** The engine's time of the first transition to {@code to} in the journal. */
    static long monoOf(List<io.vigil.journal.Entry> entries, Event.VrrpState to) {
        return entries.stream().filter(e -> e.event() instanceof Event.VrrpTransition t && t.to() == to).findFirst()
                .orElseThrow(() -> new AssertionError("no transition to " + to)).monoNs();
    }

    /** The millisecond of the first log line containing {@code text} (NodeLog's local time stamp). */
    static long at(List<String> lines, String text) {
        String l = lines.stream().filter(x -> x.contains(text)).findFirst().orElseThrow(() -> new AssertionError("no line with " + text));
        LocalDateTime t = LocalDateTime.parse(l.substring(0, 23).replace(' ', 'T'));
        return t.atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
    }
}
