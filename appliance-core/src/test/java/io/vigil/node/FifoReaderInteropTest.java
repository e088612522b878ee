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
 * vrrp_notify_fifo_script and fifo_write_vrrp_states_on_reload beside keepalived 2.2.7 (`keepalived --vrrp`): the
 * same config run by keepalived, then by Vigil, in one namespace. Both start the reader on the FIFO with the FIFO's
 * name as last argument, start it again on a reload, and after the reload write the state of the FAULT instance the
 * reload did not move — and nothing for the instance that stays MASTER.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FifoReaderInteropTest {
    NetLab lab;
    String a;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("fr");
        a = lab.node("a", "192.0.2.11");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    private static List<String> read(Path p) throws java.io.IOException { return Files.exists(p) ? Files.readAllLines(p) : List.of(); }

    /** The reader's log from start to stop, and the part written after the reload. */
    record Run(List<String> all, List<String> afterReload) {}

    private Run cycle(NetLab.Proc p, Path log, String reloaded) throws Exception {
        NetLab.awaitStarted(p);
        await("MASTER and FAULT on the fifo", p::logText, Duration.ofSeconds(40), NetLab.quiet(() ->
                read(log).contains("vrrp INSTANCE \"VI_1\" MASTER 100") && read(log).contains("vrrp INSTANCE \"VI_2\" FAULT 100")));
        int before = read(log).size();
        NetLab.sh("kill", "-HUP", Long.toString(p.pid()));
        await("reloaded", p::logText, Duration.ofSeconds(20), () -> p.logText().contains(reloaded));
        Thread.sleep(3000);
        List<String> after = List.copyOf(read(log).subList(before, read(log).size()));
        lab.term(p, Duration.ofSeconds(20));
        return new Run(read(log), after);
    }

    @Test void readerAndReloadStatesAsKeepalived() throws Exception {
        Path reader = lab.write("reader.sh", """
                #!/bin/sh
                echo "start $*" >> "$2.log"
                while read -r line; do echo "$1 $line" >> "$2.log"; done < "$2"
                """);
        Files.setPosixFilePermissions(reader, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path fifo = lab.dir.resolve("vrrp.fifo"), log = lab.dir.resolve("vrrp.fifo.log");
        Path conf = lab.write("fifo.conf", """
                global_defs {
                  router_id FIFO
                  vrrp_notify_fifo %1$s
                  vrrp_notify_fifo_script "%2$s vrrp"
                  fifo_write_vrrp_states_on_reload
                }
                vrrp_script chk {
                  script "/bin/false"
                  interval 1
                }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority 100
                  advert_int 1
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                vrrp_instance VI_2 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 52
                  priority 100
                  advert_int 1
                  track_script {
                    chk
                  }
                  virtual_ipaddress {
                    192.0.2.101/24
                  }
                }
                """.formatted(fifo, reader));
        Run ka = cycle(lab.keepalived("ka", a, conf), log, "Reload complete");
        Files.deleteIfExists(log);
        Files.deleteIfExists(fifo);
        Run vigil = cycle(lab.vigil("vigil", a, conf), log, "configuration reloaded");
        System.out.println("keepalived 2.2.7 reader:\n" + String.join("\n", ka.all()) + "\nVigil reader:\n" + String.join("\n", vigil.all()));
        for (Run r : List.of(ka, vigil)) {
            assertThat(r.all().getFirst()).isEqualTo("start vrrp " + fifo);
            assertThat(r.afterReload()).contains("start vrrp " + fifo, "vrrp INSTANCE \"VI_2\" FAULT 100")
                    .doesNotContain("vrrp INSTANCE \"VI_1\" MASTER 100");
        }
        assertThat(vigil.afterReload()).containsExactlyInAnyOrderElementsOf(ka.afterReload());
    }
}
