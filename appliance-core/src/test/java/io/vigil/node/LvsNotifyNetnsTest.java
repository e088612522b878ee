package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real-server and quorum scripts of a running node: `vigil run` in a namespace checks two real HTTP servers (python's
 * http.server on the namespace's loopback) with TCP_CHECK; one is stopped and started again, then the node is stopped.
 * notify_down/notify_up and quorum_down/quorum_up run as keepalived 2.2.7 runs them (as written, no arguments added),
 * omega runs notify_down of the alive servers and quorum_down at stop, each run is journaled with its exit code and
 * output and caused by the real-server or quorum entry. keepalived's checker cannot run beside it here: it needs the
 * ip_vs module, which this host kernel lacks ("IPVS: Can't initialize ipvs", exit FATAL), so its rules are taken from
 * its source (check/ipwrapper.c) instead.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LvsNotifyNetnsTest {
    NetLab lab;
    String a;
    Path out;
    Path script;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("ln");
        a = lab.node("a", "192.0.2.11");
        out = lab.dir.resolve("argv.log");
        script = lab.write("notify.sh", """
                #!/bin/sh
                echo "$*" >> %s
                echo "notified $1 $2"
                [ "$1" = up ] && exit 3
                exit 0
                """.formatted(out));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    private NetLab.Proc web(String name, String addr, int port) throws Exception {
        NetLab.Proc p = lab.start(name, a, List.of("python3", "-m", "http.server", "--bind", addr, String.valueOf(port)));
        await(name + " listening", p::logText, Duration.ofSeconds(20), NetLab.quiet(() ->
                NetLab.run("ip", "netns", "exec", a, "ss", "-Htln", "sport = :" + port).contains(addr + ":" + port)));
        return p;
    }

    private List<String> lines() throws java.io.IOException { return Files.exists(out) ? Files.readAllLines(out) : List.of(); }

    @Test void realServerAndQuorumScriptsRunWithKeepalivedsArguments() throws Exception {
        NetLab.sh("ip", "-n", a, "addr", "add", "127.0.0.2/8", "dev", "lo");
        web("web1", "127.0.0.1", 8081);
        NetLab.Proc web2 = web("web2", "127.0.0.2", 8082);
        Path conf = lab.write("lvs.conf", """
                global_defs {
                  router_id LVS_NOTIFY
                }
                virtual_server 192.0.2.100 80 {
                  delay_loop 1
                  lb_algo rr
                  lb_kind NAT
                  protocol TCP
                  quorum 2
                  omega
                  quorum_up "%1$s quorum_up VS1"
                  quorum_down "%1$s quorum_down VS1"
                  real_server 127.0.0.1 8081 {
                    notify_up "%1$s up rs1"
                    notify_down "%1$s down rs1"
                    TCP_CHECK {
                      connect_timeout 1
                      retry 0
                    }
                  }
                  real_server 127.0.0.2 8082 {
                    notify_up "%1$s up rs2"
                    notify_down "%1$s down rs2"
                    TCP_CHECK {
                      connect_timeout 1
                      retry 0
                    }
                  }
                }
                """.formatted(script));
        NetLab.Proc vigil = lab.vigil("vigil", a, conf);
        NetLab.awaitStarted(vigil);
        await("checker started", vigil::logText, Duration.ofSeconds(30), () -> vigil.logText().contains("checker: 2 check(s)"));
        Thread.sleep(2500); // a few probes, all passing: no script runs (keepalived tells nothing at start without rs_init_notifies)
        assertThat(lines()).isEmpty();

        lab.kill9(web2);
        await("rs2 down", vigil::logText, Duration.ofSeconds(20), NetLab.quiet(() -> lines().size() >= 2));
        assertThat(lines()).containsExactly("down rs2", "quorum_down VS1");

        web("web2b", "127.0.0.2", 8082);
        await("rs2 up", vigil::logText, Duration.ofSeconds(20), NetLab.quiet(() -> lines().size() >= 4));
        assertThat(lines().subList(2, 4)).containsExactly("up rs2", "quorum_up VS1");

        assertThat(lab.term(vigil, Duration.ofSeconds(20))).isZero();
        // omega: each alive real server's notify_down, then quorum_down, before the node exits
        assertThat(lines().subList(4, lines().size())).containsExactly("down rs1", "down rs2", "quorum_down VS1");

        Map<Long, Event> bySeq = new TreeMap<>();
        List<String> runs = new ArrayList<>();
        try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
            for (Entry e : r.readAll()) {
                bySeq.put(e.seq(), e.event());
                if (!(e.event() instanceof Event.NotifyRun n)) continue;
                Event cause = e.cause() instanceof Cause.Event c ? bySeq.get(c.seq()) : null;
                String by = switch (cause) {
                    case Event.RealServerChanged rs -> "rs " + rs.realServer() + (rs.up() ? " up" : " down");
                    case Event.QuorumChanged q -> "quorum " + (q.up() ? "up" : "down");
                    case null, default -> e.cause() instanceof Cause.Signal sig ? "signal " + sig.name() : String.valueOf(e.cause());
                };
                runs.add(n.trigger() + " | exit " + n.exitCode() + " | " + n.output() + " | " + by);
            }
        }
        System.out.println(String.join("\n", runs));
        assertThat(runs).hasSize(7);
        assertThat(runs.subList(0, 4)).containsExactly(
                "real_server 127.0.0.2:8082 DOWN | exit 0 | notified down rs2 | rs 127.0.0.2:8082 down",
                "virtual_server 192.0.2.100:80 quorum DOWN | exit 0 | notified quorum_down VS1 | quorum down",
                "real_server 127.0.0.2:8082 UP | exit 3 | notified up rs2 | rs 127.0.0.2:8082 up",
                "virtual_server 192.0.2.100:80 quorum UP | exit 0 | notified quorum_up VS1 | quorum up");
        assertThat(runs.subList(4, 7)).allMatch(s -> s.endsWith(" | signal SIGTERM"));
        assertThat(runs.subList(4, 7)).map(s -> s.substring(0, s.indexOf(" | exit"))).containsExactly(
                "real_server 127.0.0.1:8081 DOWN", "real_server 127.0.0.2:8082 DOWN", "virtual_server 192.0.2.100:80 quorum DOWN");
    }
}
