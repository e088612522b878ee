package io.vigil.node;

import static io.vigil.node.NetLab.await;
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
 * The notify FIFOs and their readers on a running node: lvs_notify_fifo gets keepalived's RS and VS lines when a real
 * server (python http.server) stops and starts, vrrp_notify_fifo the INSTANCE lines; each *_notify_fifo_script is
 * started by Vigil on its FIFO with the FIFO's name as last argument and reads the lines; fifo_write_vrrp_states_on_reload
 * writes the FAULT instance's state again after a SIGHUP; at stop the readers see their FIFO close.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NotifyFifoScriptNetnsTest {
    NetLab lab;
    String a;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("nf");
        a = lab.node("a", "192.0.2.11");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    private NetLab.Proc web(String name, String addr, int port) throws Exception {
        NetLab.Proc p = lab.start(name, a, List.of("python3", "-m", "http.server", "--bind", addr, String.valueOf(port)));
        await(name + " listening", p::logText, Duration.ofSeconds(20), NetLab.quiet(() ->
                NetLab.run("ip", "netns", "exec", a, "ss", "-Htln", "sport = :" + port).contains(addr + ":" + port)));
        return p;
    }

    private static List<String> read(Path p) throws java.io.IOException { return Files.exists(p) ? Files.readAllLines(p) : List.of(); }

    @Test void readersStartOnTheirFifosAndReadKeepalivedsLines() throws Exception {
        NetLab.sh("ip", "-n", a, "addr", "add", "127.0.0.2/8", "dev", "lo");
        web("web1", "127.0.0.1", 8081);
        NetLab.Proc web2 = web("web2", "127.0.0.2", 8082);
        Path reader = lab.write("reader.sh", """
                #!/bin/sh
                echo "start $*" >> "$2.log"
                exec 9>> "$2.lock"
                flock -n 9 || echo "$1 another reader holds $2" >> "$2.log"
                while read -r line; do echo "$1 $line" >> "$2.log"; done < "$2"
                echo "$1 eof" >> "$2.log"
                """);
        Files.setPosixFilePermissions(reader, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lvs = lab.dir.resolve("lvs.fifo"), vrrp = lab.dir.resolve("vrrp.fifo");
        Path lvsLog = lab.dir.resolve("lvs.fifo.log"), vrrpLog = lab.dir.resolve("vrrp.fifo.log");
        Path all = lab.dir.resolve("all.fifo"), allLog = lab.dir.resolve("all.fifo.log");
        Path conf = lab.write("fifo.conf", """
                global_defs {
                  router_id LVS_FIFO
                  lvs_notify_fifo %1$s
                  lvs_notify_fifo_script "%3$s lvs"
                  vrrp_notify_fifo %2$s
                  vrrp_notify_fifo_script "%3$s vrrp"
                  fifo_write_vrrp_states_on_reload
                  notify_fifo %4$s
                  notify_fifo_script "%3$s all"
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
                virtual_server 192.0.2.100 80 {
                  delay_loop 1
                  lb_algo rr
                  lb_kind NAT
                  protocol TCP
                  quorum 2
                  real_server 127.0.0.1 8081 {
                    TCP_CHECK {
                      connect_timeout 1
                      retry 0
                    }
                  }
                  real_server 127.0.0.2 8082 {
                    TCP_CHECK {
                      connect_timeout 1
                      retry 0
                    }
                  }
                }
                """.formatted(lvs, vrrp, reader, all));
        NetLab.Proc vigil = lab.vigil("vigil", a, conf);
        NetLab.awaitStarted(vigil);
        await("VI_1 MASTER, VI_2 FAULT on the vrrp fifo", vigil::logText, Duration.ofSeconds(30), NetLab.quiet(() ->
                read(vrrpLog).contains("vrrp INSTANCE \"VI_1\" MASTER 100") && read(vrrpLog).contains("vrrp INSTANCE \"VI_2\" FAULT 100")));
        assertThat(read(vrrpLog).getFirst()).isEqualTo("start vrrp " + vrrp);
        await("lvs reader started", vigil::logText, Duration.ofSeconds(30), NetLab.quiet(() -> !read(lvsLog).isEmpty()));
        assertThat(read(lvsLog)).containsExactly("start lvs " + lvs);

        lab.kill9(web2);
        await("RS/VS down lines", vigil::logText, Duration.ofSeconds(20), NetLab.quiet(() -> read(lvsLog).size() >= 3));
        web("web2b", "127.0.0.2", 8082);
        await("RS/VS up lines", vigil::logText, Duration.ofSeconds(20), NetLab.quiet(() -> read(lvsLog).size() >= 5));
        assertThat(read(lvsLog).subList(1, 5)).containsExactly(
                "lvs RS [127.0.0.2]:tcp:8082 [192.0.2.100]:tcp:80 DOWN", "lvs VS [192.0.2.100]:tcp:80 DOWN",
                "lvs RS [127.0.0.2]:tcp:8082 [192.0.2.100]:tcp:80 UP", "lvs VS [192.0.2.100]:tcp:80 UP");

        // the global notify_fifo gets both sides' lines, in order, from one writer: the node holds it open once
        assertThat(read(allLog)).contains("all INSTANCE \"VI_1\" MASTER 100", "all RS [127.0.0.2]:tcp:8082 [192.0.2.100]:tcp:80 DOWN",
                "all VS [192.0.2.100]:tcp:80 UP");
        assertThat(read(vrrpLog)).noneMatch(l -> l.contains(" RS ") || l.contains(" VS "));
        long writers;
        try (var fds = Files.list(Path.of("/proc", Long.toString(vigil.pid()), "fd"))) {
            writers = fds.filter(fd -> { try { return Files.readSymbolicLink(fd).equals(all); } catch (java.io.IOException e) { return false; } }).count();
        }
        assertThat(writers).as("descriptors of the notify_fifo in the node").isEqualTo(1);

        // SIGHUP with the same file: the VRRP reader is started again on its FIFO and the unmoved FAULT instance is
        // written again (VI_1 stays MASTER: keepalived writes nothing for it)
        int before = read(vrrpLog).size();
        NetLab.sh("kill", "-HUP", Long.toString(vigil.pid()));
        await("states written on reload", vigil::logText, Duration.ofSeconds(20), NetLab.quiet(() ->
                read(vrrpLog).subList(before, read(vrrpLog).size()).contains("vrrp INSTANCE \"VI_2\" FAULT 100")));
        Thread.sleep(1500);
        List<String> afterReload = read(vrrpLog).subList(before, read(vrrpLog).size());
        assertThat(afterReload).contains("start vrrp " + vrrp).doesNotContain("vrrp INSTANCE \"VI_1\" MASTER 100");
        // the old reader was stopped before the new one started (keepalived: SIGTERM at reload): one reader per FIFO
        assertThat(read(vrrpLog)).noneMatch(l -> l.contains("another reader"));

        assertThat(lab.term(vigil, Duration.ofSeconds(20))).isZero();
        System.out.println("vrrp fifo reader:\n" + String.join("\n", read(vrrpLog)) + "\nlvs fifo reader:\n" + String.join("\n", read(lvsLog)));
        // at stop the lvs FIFO closes: its reader reads to the end of it and exits by itself
        assertThat(read(lvsLog).getLast()).isEqualTo("lvs eof");
        assertThat(read(vrrpLog)).contains("vrrp INSTANCE \"VI_1\" STOP 100");

        List<String> ends = new ArrayList<>();
        try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
            for (Entry e : r.readAll())
                if (e.event() instanceof Event.NotifyRun n && n.trigger().contains("notify_fifo_script")) ends.add(n.trigger() + " " + n.script());
        }
        // each reader's end is journaled once per start: it ended at the end of its FIFO (exited) or was stopped
        assertThat(ends).filteredOn(s -> s.startsWith("lvs_notify_fifo_script ")).hasSize(1).allMatch(s -> s.endsWith(reader + " lvs " + lvs));
        assertThat(ends).filteredOn(s -> s.startsWith("vrrp_notify_fifo_script ")).hasSize(2);
    }
}
