package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * notify_priority_changes beside keepalived 2.2.7: a tracked vrrp_script (weight -20) fails and recovers while
 * MASTER; the notify FIFO lines each daemon writes (read by `cat` in the namespace) must be the same.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NotifyPriorityChangesNetnsTest {
    NetLab lab;
    String a;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("np");
        a = lab.node("a", "192.0.2.11");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    private List<String> cycle(String name, Path conf, Path fifo, Path up) throws Exception {
        Path out = lab.dir.resolve(name + ".fifo.txt");
        Files.deleteIfExists(fifo);
        NetLab.sh("mkfifo", fifo.toString());
        Files.writeString(up, "");
        lab.start(name + "-cat", a, List.of("sh", "-c", "cat " + fifo + " >> " + out));
        NetLab.Proc p = name.equals("ka") ? lab.keepalived(name, a, conf) : lab.vigil(name, a, conf);
        await(name + " MASTER", p::logText, Duration.ofSeconds(40), () -> text(out).contains("MASTER 150"));
        Files.delete(up);
        await(name + " priority 130", p::logText, Duration.ofSeconds(15), () -> text(out).contains("_PRIORITY 130"));
        Files.writeString(up, "");
        await(name + " priority 150", p::logText, Duration.ofSeconds(15), () -> text(out).contains("_PRIORITY 150"));
        lab.term(p, Duration.ofSeconds(20));
        Thread.sleep(500);
        return text(out).lines().toList();
    }

    private static String text(Path p) {
        try { return Files.exists(p) ? Files.readString(p) : ""; } catch (Exception e) { return ""; }
    }

    @Test void priorityLinesAsKeepalived() throws Exception {
        Path fifo = lab.dir.resolve("notify.fifo");
        Path up = lab.dir.resolve("up");
        Path conf = lab.write("np.conf", """
                global_defs {
                  vrrp_notify_fifo %s
                }
                vrrp_script chk {
                  script "/usr/bin/test -e %s"
                  interval 1
                  weight -20
                }
                vrrp_instance VI_1 {
                  state MASTER
                  interface eth0
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  notify_priority_changes
                  track_script {
                    chk
                  }
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                """.formatted(fifo, up));
        List<String> ka = cycle("ka", conf, fifo, up);
        System.out.println("keepalived 2.2.7 FIFO:\n" + String.join("\n", ka));
        assertThat(ka).contains("INSTANCE \"VI_1\" MASTER_PRIORITY 130", "INSTANCE \"VI_1\" MASTER_PRIORITY 150");
        List<String> vigil = cycle("vigil", conf, fifo, up);
        System.out.println("Vigil FIFO:\n" + String.join("\n", vigil));
        assertThat(vigil).isEqualTo(ka);
    }
}
