package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * startup_script / shutdown_script (+ timeouts) beside keepalived 2.2.7: one config run by keepalived, then by Vigil,
 * in one namespace; the script log (what ran, with which arguments, whether the VIP was up, in which order, what a
 * timeout cut short) must read the same.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LifecycleScriptsNetnsTest {
    NetLab lab;
    String a;
    Path log;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("ls");
        a = lab.node("a", "192.0.2.11");
        log = lab.dir.resolve("scripts.log");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    private String conf(Path script) {
        return """
                global_defs {
                  startup_script "%1$s startup 4"
                  startup_script_timeout 1
                  shutdown_script "%1$s shutdown 0"
                  shutdown_script_timeout 5
                }
                vrrp_instance VI_1 {
                  state MASTER
                  interface eth0
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  notify "%1$s notify 0"
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                """.formatted(script);
    }

    private List<String> cycle(NetLab.Proc p) throws Exception {
        await("MASTER", p::logText, Duration.ofSeconds(40), quiet(() -> lab.hasAddr(a, "192.0.2.100/24")));
        Thread.sleep(1500);
        lab.term(p, Duration.ofSeconds(20));
        List<String> lines = Files.readAllLines(log);
        Files.delete(log);
        return lines;
    }

    @Test void sameRunsAsKeepalived() throws Exception {
        Path script = lab.write("s.sh", """
                #!/bin/sh
                # NAME SLEEP [notify args...]
                name=$1; t=$2; shift 2
                vip=$(ip -4 -o addr show dev eth0 | grep -c 192.0.2.100)
                echo "$name $* start vip=$vip" >> %1$s
                sleep $t
                echo "$name end" >> %1$s
                """.formatted(log));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = lab.write("ls.conf", conf(script));

        List<String> ka = cycle(lab.keepalived("ka", a, conf));
        System.out.println("keepalived 2.2.7:\n" + String.join("\n", ka));
        assertThat(ka).startsWith("startup  start vip=0").doesNotContain("startup end").endsWith("shutdown  start vip=0", "shutdown end");

        List<String> vigil = cycle(lab.vigil("vigil", a, conf));
        System.out.println("Vigil:\n" + String.join("\n", vigil));
        assertThat(vigil).isEqualTo(ka);

        List<String> journaled = new ArrayList<>();
        try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
            for (Entry e : r.readAll())
                if (e.event() instanceof Event.NotifyRun n && n.trigger().endsWith("_script"))
                    journaled.add(n.trigger() + " " + n.script() + " exit " + n.exitCode() + " " + n.output().lines().findFirst().orElse(""));
        }
        System.out.println("Vigil journal:\n" + String.join("\n", journaled));
        assertThat(journaled).containsExactly(
                "startup_script " + script + " startup 4 exit -1 timed out after 1000 ms, killed with its process group (2 process(es))",
                "shutdown_script " + script + " shutdown 0 exit 0 ");
    }
}
