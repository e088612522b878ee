package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * vrrp_startup_delay beside keepalived 2.2.7. Both run startup_script right before VRRP starts, so the time from its
 * end to the MASTER notify is measured the same way for both (JVM start-up does not count): delay 3 s + master_down
 * (3 x advert_int + skew 0.41 s) = 6.4 s for keepalived, and Vigil must be within 0.7 s of it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StartupDelayNetnsTest {
    NetLab lab;
    String a;
    Path log;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("sd");
        a = lab.node("a", "192.0.2.11");
        log = lab.dir.resolve("times.log");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    /** Seconds from the startup script's end to the MASTER notify. */
    private double masterAfterStartup(NetLab.Proc p) throws Exception {
        await("MASTER notify", p::logText, Duration.ofSeconds(40),
                () -> { try { return Files.exists(log) && Files.readString(log).contains("MASTER"); } catch (Exception e) { return false; } });
        lab.term(p, Duration.ofSeconds(20));
        List<String> l = Files.readAllLines(log);
        Files.delete(log);
        double start = Double.parseDouble(l.stream().filter(x -> x.startsWith("startup")).findFirst().orElseThrow().split(" ")[1]);
        double master = Double.parseDouble(l.stream().filter(x -> x.contains("MASTER")).findFirst().orElseThrow().split(" ")[1]);
        return master - start;
    }

    @Test void instancesStartAfterTheDelayAsKeepalived() throws Exception {
        Path script = lab.write("t.sh", "#!/bin/sh\necho \"$1 $(date +%s.%N) $*\" >> " + log + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = lab.write("sd.conf", """
                global_defs {
                  startup_script "%1$s startup"
                  vrrp_startup_delay 3
                }
                vrrp_instance VI_1 {
                  state MASTER
                  interface eth0
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  notify "%1$s notify"
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                """.formatted(script));
        double ka = masterAfterStartup(lab.keepalived("ka", a, conf));
        double vigil = masterAfterStartup(lab.vigil("vigil", a, conf));
        System.out.printf("startup_script end -> MASTER: keepalived 2.2.7 %.2f s, Vigil %.2f s%n", ka, vigil);
        assertThat(ka).isBetween(6.0, 7.5);
        assertThat(Math.abs(vigil - ka)).isLessThan(0.7);
        assertThat(lab.logs()).contains("Delaying startup for 3.0 seconds");
    }
}
