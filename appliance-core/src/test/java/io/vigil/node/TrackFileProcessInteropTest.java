package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * track_file beside keepalived 2.2.7: both daemons run the same configuration (only the VRID and VIP differ, so each
 * is MASTER of its own router on one bridge) tracking the same file; after each change the priorities both
 * advertise on the wire must be equal, and as computed: 100 + 10 x file value, FAULT (silence) at 10 x value
 * <= -254. track_process: Vigil alone (see {@link #trackProcessQuorum}).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TrackFileProcessInteropTest {

    @Test void trackFileAsKeepalived() throws Exception {
        try (NetLab lab = new NetLab("tk")) {
            String a = lab.node("a", "192.0.2.11");
            String b = lab.node("b", "192.0.2.12");
            Path value = lab.dir.resolve("value");
            Files.writeString(value, "0\n");
            NetLab.Proc cap = lab.start("capw", lab.switchNs(), List.of("tcpdump", "-l", "-n", "-tt", "-v", "-i", "br0", "ip proto 112"));
            NetLab.Proc va = lab.vigil("va", a, lab.write("a.conf", conf("a", 51, "192.0.2.100/24", value, null)));
            NetLab.Proc kb = lab.keepalived("ka-b", b, lab.write("b.conf", conf("b", 52, "192.0.2.101/24", value, null)));
            try {
                NetLab.awaitStarted(va);
                NetLab.awaitStarted(kb);
                expect(lab, cap, 100, "file 0", 51, 52);
                Files.writeString(value, "3\n");
                expect(lab, cap, 130, "file 3", 51, 52);
                Files.writeString(value, "-2");
                expect(lab, cap, 80, "file -2", 51, 52);
                Files.writeString(value, "7 apples\n");
                expect(lab, cap, 170, "file '7 apples' (leading number)", 51, 52);
                Files.writeString(value, "-30\n");
                expectSilence(cap, "file -30: 10 x -30 <= -254 is FAULT");
                Files.writeString(value, "0x2\n");
                expect(lab, cap, 120, "file 0x2 (strtol base 0)", 51, 52);
                Files.delete(value);
                expect(lab, cap, 100, "file removed (reads as 0)", 51, 52);
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().startsWith("timed out")) throw e;
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    /**
     * keepalived 2.2.7 cannot track processes in a network namespace (the proc connector answers "Failed to set/clear
     * process event listen - errno 111"), so Vigil runs track_process alone here, against the priorities keepalived's
     * documented rules give: weight -20 while fewer than quorum 2 processes named {@code vgtpNNNNN} run.
     */
    @Test void trackProcessQuorum() throws Exception {
        try (NetLab lab = new NetLab("tp")) {
            String a = lab.node("a", "192.0.2.11");
            Path value = lab.dir.resolve("value");
            Files.writeString(value, "0\n");
            String procName = "vgtp" + ThreadLocalRandom.current().nextInt(10000, 99999);
            Path prog = lab.dir.resolve(procName);
            Files.copy(Path.of("/bin/sleep"), prog, StandardCopyOption.COPY_ATTRIBUTES);
            List<Process> procs = new ArrayList<>();
            NetLab.Proc cap = lab.start("capw", lab.switchNs(), List.of("tcpdump", "-l", "-n", "-tt", "-v", "-i", "br0", "ip proto 112"));
            NetLab.Proc va = lab.vigil("va", a, lab.write("a.conf", conf("a", 51, "192.0.2.100/24", value, procName)));
            try {
                NetLab.awaitStarted(va);
                expect(lab, cap, 80, "no process running", 51);
                procs.add(new ProcessBuilder(prog.toString(), "600").start());
                expect(lab, cap, 80, "one process: below quorum", 51);
                procs.add(new ProcessBuilder(prog.toString(), "600").start());
                expect(lab, cap, 100, "quorum 2 reached", 51);
                procs.removeFirst().destroy();
                expect(lab, cap, 80, "one process left", 51);
                assertThat(lab.term(va, Duration.ofSeconds(10))).isZero();
                try (JournalReader r = JournalReader.open(lab.dir.resolve("va-journal"))) {
                    List<String> results = r.readAll().stream().map(Entry::event)
                            .filter(e -> e instanceof Event.CheckResult c && c.checker().equals("track_process tp"))
                            .map(e -> ((Event.CheckResult) e).up() + " " + ((Event.CheckResult) e).detail()).toList();
                    assertThat(results).containsExactly("false no quorum", "true 2 running", "false 1 running");
                }
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().startsWith("timed out")) throw e;
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            } finally {
                procs.forEach(Process::destroyForcibly);
            }
        }
    }

    /** Waits until the last advert of every VRID carries {@code prio}, then checks they stay there for 2 s. */
    private static void expect(NetLab lab, NetLab.Proc cap, int prio, String step, int... vrids) throws InterruptedException {
        await(step + ": advertised " + prio, lab::logs, Duration.ofSeconds(15),
                () -> java.util.Arrays.stream(vrids).allMatch(v -> last(cap, v) == prio));
        Thread.sleep(2000);
        for (int v : vrids) assertThat(last(cap, v)).as(step + " (vrid " + v + (v == 52 ? ", keepalived)" : ", vigil)")).isEqualTo(prio);
    }

    /** FAULT: nobody advertises any more. */
    private static void expectSilence(NetLab.Proc cap, String step) throws InterruptedException {
        Thread.sleep(3000);
        int before = WireTruth.parse(cap.logText()).adverts().size();
        Thread.sleep(3000);
        assertThat(WireTruth.parse(cap.logText()).adverts()).as(step + ": no advert from either").hasSize(before);
    }

    private static int last(NetLab.Proc cap, int vrid) {
        int p = -1;
        for (WireTruth.Advert x : WireTruth.parse(cap.logText()).adverts()) if (x.vrid() == vrid) p = x.priority();
        return p;
    }

    static String conf(String id, int vrid, String vip, Path value, String proc) {
        return """
                global_defs {
                  router_id %s
                  vrrp_garp_master_delay 1
                }
                track_file tf {
                  file "%s"
                  weight 10
                  init_file
                }
%s                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id %d
                  priority 100
                  advert_int 1
                  virtual_ipaddress {
                    %s
                  }
                  track_file {
                    tf
                  }
                %s}
                """.formatted(id, value, proc == null ? "" : "vrrp_track_process tp {\n  process " + proc
                        + "\n  quorum 2\n  weight -20\n}\n", vrid, vip, proc == null ? "" : "track_process {\n    tp\n  }\n");
    }
}
