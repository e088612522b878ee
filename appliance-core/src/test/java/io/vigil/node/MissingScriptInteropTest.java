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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15 (article 002's path typo): a tracked vrrp_script whose file does not exist, and one that is not
 * executable, are disabled by keepalived 2.2.7, which goes MASTER; Vigil must do the same and say so at check-config
 * and at run. A script failing with a bash syntax error keeps its stderr in the journal's CheckResult detail.
 * Both daemons run the same configuration (VRID and VIP differ) beside each other; the wire shows the priorities.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MissingScriptInteropTest {

    @Test void missingScriptIsDisabledAsKeepalivedAndStderrIsKept() throws Exception {
        try (NetLab lab = new NetLab("ms")) {
            Files.setPosixFilePermissions(lab.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path noexec = lab.write("noexec.sh", "#!/bin/sh\nexit 1\n");
            Files.setPosixFilePermissions(noexec, PosixFilePermissions.fromString("rw-r--r--"));
            Path broken = lab.write("broken.sh", "#!/bin/bash\nif then\n");
            Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path missing = lab.dir.resolve("chek_nginx.sh"); // the typo: never created
            String a = lab.node("a", "192.0.2.11");
            String b = lab.node("b", "192.0.2.12");
            Path confA = lab.write("a.conf", conf("a", 51, "192.0.2.100/24", missing, noexec, broken));

            // check-config names both disabled scripts at their script line
            List<String> cmd = new ArrayList<>(NetLab.vigilCommand());
            cmd.addAll(List.of("check-config", "-f", confA.toString()));
            Process cc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String checked = new String(cc.getInputStream().readAllBytes());
            assertThat(cc.waitFor()).as(checked).isEqualTo(5);
            assertThat(checked).contains("a.conf:7:3: warning: vrrp_script typo: '" + missing + "' not found; the script is disabled")
                    .contains("a.conf:11:3: warning: vrrp_script noexec: '" + noexec + "' is not executable; the script is disabled");

            NetLab.Proc cap = lab.start("capw", lab.switchNs(), List.of("tcpdump", "-l", "-n", "-tt", "-v", "-i", "br0", "ip proto 112"));
            NetLab.Proc va = lab.vigil("va", a, confA);
            NetLab.Proc kb = lab.keepalived("ka-b", b, lab.write("b.conf", conf("b", 52, "192.0.2.101/24", missing, noexec, broken)));
            try {
                NetLab.awaitStarted(va);
                NetLab.awaitStarted(kb);
                // weight 0 trackers would mean FAULT; disabled, they do not count: MASTER with 100 - 30 (broken.sh fails)
                await("both MASTER advertising 70", lab::logs, Duration.ofSeconds(15),
                        () -> last(cap, 51) == 70 && last(cap, 52) == 70);
                Thread.sleep(2000);
                assertThat(List.of(last(cap, 51), last(cap, 52))).containsOnly(70);
                assertThat(va.logText()).contains("vrrp_script typo: '" + missing + "' not found; the script is disabled");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
            assertThat(lab.term(va, Duration.ofSeconds(10))).isZero();
            try (JournalReader r = JournalReader.open(lab.dir.resolve("va-journal"))) {
                List<String> details = r.readAll().stream().map(Entry::event)
                        .filter(e -> e instanceof Event.CheckResult c && c.checker().equals("track_script broken"))
                        .map(e -> ((Event.CheckResult) e).detail()).toList();
                assertThat(details).isNotEmpty();
                assertThat(details.getFirst()).startsWith("exit 2: ").contains("syntax error");
                assertThat(r.readAll().stream().map(Entry::event).filter(e -> e instanceof Event.CheckResult c
                        && (c.checker().contains("typo") || c.checker().contains("noexec")))).as("disabled scripts never run").isEmpty();
            }
        }
    }

    private static int last(NetLab.Proc cap, int vrid) {
        int p = -1;
        for (WireTruth.Advert x : WireTruth.parse(cap.logText()).adverts()) if (x.vrid() == vrid) p = x.priority();
        return p;
    }

    static String conf(String id, int vrid, String vip, Path missing, Path noexec, Path broken) {
        return """
                global_defs {
                  router_id %s
                  script_user root
                  enable_script_security
                }
                vrrp_script typo {
                  script "%s"
                  interval 1
                }
                vrrp_script noexec {
                  script "%s"
                  interval 1
                }
                vrrp_script broken {
                  script "%s"
                  interval 1
                  weight -30
                }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id %d
                  priority 100
                  advert_int 1
                  virtual_ipaddress {
                    %s
                  }
                  track_script {
                    typo
                    noexec
                    broken
                  }
                }
                """.formatted(id, missing, noexec, broken, vrid, vip);
    }
}
