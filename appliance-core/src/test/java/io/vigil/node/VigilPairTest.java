package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two Vigil nodes ({@code bin/vigil run} child processes) on one bridge: election, notify, reload, crash. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class VigilPairTest {
    static final String VIP = "192.0.2.100/24";

    @Test void electsOneMaster_notifies_reloads_andFailsOver() throws Exception {
        try (NetLab lab = new NetLab("vn")) {
            String a = lab.node("a", "192.0.2.11");
            String b = lab.node("b", "192.0.2.12");
            Path log = lab.dir.resolve("notify.log");
            Path script = lab.write("notify.sh", "#!/bin/sh\necho \"$@\" >> " + log + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(lab.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Conf ca = Conf.node("a", 150);
            ca.notify = script.toString();
            Path confA = lab.write("a.conf", ca.text());
            NetLab.Proc va = lab.vigil("va", a, confA);
            NetLab.Proc vb = lab.vigil("vb", b, lab.write("b.conf", Conf.node("b", 100).text()));
            try {
                NetLab.awaitStarted(va);
                NetLab.awaitStarted(vb);
                await("a MASTER, b BACKUP", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP)));
                Thread.sleep(1500);
                assertThat(lab.hasAddr(b, VIP)).isFalse();
                await("notify script ran", lab::logs, Duration.ofSeconds(3),
                        quiet(() -> Files.exists(log) && Files.readString(log).contains("INSTANCE VI_1 MASTER 150")));

                // SIGHUP with a broken file: the running config stays, the error is reported with file:line
                String good = Files.readString(confA);
                Files.writeString(confA, good.replace("priority 150", "priority 150\n  virtual_ipaddress {"));
                NetLab.sh("kill", "-HUP", Long.toString(va.pid()));
                await("reload error reported", lab::logs, Duration.ofSeconds(5), () -> va.logText().contains("reload failed"));
                Thread.sleep(1200);
                assertThat(va.process().isAlive()).isTrue();
                assertThat(lab.hasAddr(a, VIP)).isTrue();

                // SIGHUP with priority 50: a advertises 50, b (100) preempts
                Files.writeString(confA, good.replace("priority 150", "priority 50"));
                NetLab.sh("kill", "-HUP", Long.toString(va.pid()));
                await("b takes over after a's reload to priority 50", lab::logs, Duration.ofSeconds(8),
                        quiet(() -> lab.hasAddr(b, VIP) && !lab.hasAddr(a, VIP)));
                await("notify BACKUP", lab::logs, Duration.ofSeconds(3), quiet(() -> Files.readString(log).contains("INSTANCE VI_1 BACKUP 50")));

                lab.kill9(vb);
                NetLab.run("ip", "-n", b, "addr", "del", VIP, "dev", "eth0"); // gone with the crashed box
                await("a takes over after b crashed", lab::logs, Duration.ofSeconds(8), quiet(() -> lab.hasAddr(a, VIP)));
                assertThat(lab.term(va, Duration.ofSeconds(10))).isZero();
                assertThat(Files.readString(log)).contains("INSTANCE VI_1 STOP");
                assertThat(lab.hasAddr(a, VIP)).isFalse();
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().startsWith("timed out")) throw e; // already carries the logs
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    @Test void interfaceDownMeansFaultAndVipRemovedBehindOurBackComesBack() throws Exception {
        try (NetLab lab = new NetLab("vn")) {
            String a = lab.node("a", "192.0.2.11");
            NetLab.Proc va = lab.vigil("va", a, lab.write("a.conf", Conf.node("a", 150).text()));
            NetLab.awaitStarted(va);
            await("MASTER alone", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(a, VIP)));

            NetLab.sh("ip", "-n", a, "addr", "del", VIP, "dev", "eth0");        // an operator removes the VIP
            await("VIP re-added", lab::logs, Duration.ofSeconds(5), quiet(() -> lab.hasAddr(a, VIP)));
            await("re-add logged", lab::logs, Duration.ofSeconds(3), () -> va.logText().contains("outside vigil; re-added"));

            NetLab.sh("ip", "-n", a, "link", "set", "eth0", "down");           // our interface fails: FAULT, VIP released
            await("FAULT", lab::logs, Duration.ofSeconds(5), () -> va.logText().contains("(VI_1) Entering FAULT STATE (interface eth0 down"));
            await("VIP removed in FAULT", lab::logs, Duration.ofSeconds(5), quiet(() -> !lab.hasAddr(a, VIP)));

            NetLab.sh("ip", "-n", a, "link", "set", "eth0", "up");
            await("MASTER again after the link came back", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(a, VIP)));
        }
    }
}
