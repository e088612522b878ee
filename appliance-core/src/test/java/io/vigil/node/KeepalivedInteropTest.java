package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Vigil ({@code bin/vigil run}, a child process in its own network namespace) against real keepalived 2.2.7 on
 * one bridge, in both roles. Assertions look at the wire and the kernel: the VIP on the winner's eth0 and gone
 * from the loser's, gratuitous ARPs and adverts on the bridge (tcpdump).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeepalivedInteropTest {
    static final String VIP = "192.0.2.100/24";
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    NetLab lab;
    String a, b;          // .11 and .12
    NetLab.Proc cap;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("vn");
        a = lab.node("a", "192.0.2.11");
        b = lab.node("b", "192.0.2.12");
        cap = lab.capture("cap");
    }

    @AfterEach void teardown(TestInfo info) throws Exception {
        if (System.getenv("VIGIL_TEST_LOGS") != null) System.out.println(info.getDisplayName() + "\n" + lab.logs());
        lab.close();
    }

    private Path conf(String name, Conf c) throws Exception { return lab.write(name + ".conf", c.text()); }

    private void awaitMaster(String winner, String loser) {
        await("VIP on " + winner + " only", lab::logs, TAKEOVER,
                quiet(() -> lab.hasAddr(winner, VIP) && !lab.hasAddr(loser, VIP)));
    }

    /** A GARP for the VIP (who-has VIP tell VIP) seen on the bridge, sent from NS's eth0 MAC. */
    private void awaitGarpFrom(String ns) throws Exception {
        String mac = macOf(ns);
        await("gratuitous ARP for 192.0.2.100 from " + mac, cap::logText, Duration.ofSeconds(6),
                () -> cap.logText().lines().anyMatch(l -> l.contains(mac + " > ff:ff:ff:ff:ff:ff")
                        && l.contains("ARP") && l.contains("who-has 192.0.2.100") && l.contains("tell 192.0.2.100")));
    }

    /** kill -9, then drop the VIP it leaves configured: a crashed box's addresses go down with it. */
    private void crash(NetLab.Proc p, String ns) throws Exception {
        if (p.name().startsWith("ka")) lab.crashKeepalived(p); else lab.kill9(p);
        NetLab.run("ip", "-n", ns, "addr", "del", VIP, "dev", "eth0");
    }

    private String macOf(String ns) throws Exception {
        String out = NetLab.run("ip", "-n", ns, "-o", "link", "show", "eth0");
        int i = out.indexOf("link/ether ");
        return out.substring(i + 11, i + 28);
    }

    @Test void vigilMasterKeepalivedBackup_crash_preemptBack_gracefulHandover() throws Exception {
        Path vc = conf("vigil", Conf.node("vigil", 150));
        NetLab.Proc vigil = lab.vigil("vigil", a, vc);
        NetLab.awaitStarted(vigil);
        NetLab.Proc ka = lab.keepalived("ka", b, conf("ka", Conf.node("ka", 100)));
        NetLab.awaitStarted(ka);
        awaitMaster(a, b);
        awaitGarpFrom(a);

        crash(vigil, a);                                   // crash: keepalived takes over after master_down
        awaitMaster(b, a);

        vigil = lab.vigil("vigil2", a, vc);

        NetLab.awaitStarted(vigil);                // higher priority comes back: preempts
        awaitMaster(a, b);

        int adverts0 = countPrio0From("192.0.2.11");
        assertThat(lab.term(vigil, Duration.ofSeconds(10))).isEqualTo(0);
        assertThat(lab.hasAddr(a, VIP)).as("VIP removed on SIGTERM").isFalse();
        await("priority-0 advert from Vigil", lab::logs, Duration.ofSeconds(3), () -> countPrio0From("192.0.2.11") > adverts0);
        // with priority 0 keepalived takes over after skew time (~0.6 s), not master_down (3.6 s)
        await("keepalived takes over", lab::logs, Duration.ofMillis(3300), quiet(() -> lab.hasAddr(b, VIP)));
        assertThat(ka.process().isAlive()).isTrue();
    }

    private int countPrio0From(String src) {
        return (int) cap.logText().lines().filter(l -> l.contains(src + " > 224.0.0.18") && l.contains("prio 0,")).count();
    }

    @Test void keepalivedMasterVigilBackup_crash_preemptBack_gracefulHandover() throws Exception {
        Path kc = conf("ka", Conf.node("ka", 150));
        NetLab.Proc ka = lab.keepalived("ka", a, kc);
        NetLab.awaitStarted(ka);
        NetLab.Proc vigil = lab.vigil("vigil", b, conf("vigil", Conf.node("vigil", 100)));
        NetLab.awaitStarted(vigil);
        awaitMaster(a, b);
        Thread.sleep(1500);                                // Vigil has heard keepalived and stays BACKUP
        assertThat(lab.hasAddr(b, VIP)).isFalse();

        crash(ka, a);
        awaitMaster(b, a);
        awaitGarpFrom(b);

        ka = lab.keepalived("ka2", a, kc);

        NetLab.awaitStarted(ka);                 // keepalived 150 preempts Vigil 100
        awaitMaster(a, b);

        lab.term(ka, Duration.ofSeconds(10));              // keepalived's priority-0 advert: Vigil takes over fast
        await("Vigil takes over after keepalived's priority 0", lab::logs, Duration.ofMillis(3300), quiet(() -> lab.hasAddr(b, VIP)));
        assertThat(vigil.process().isAlive()).isTrue();
        // the exporter's counter for it, scraped from Vigil's /metrics in its namespace (the API's default 127.0.0.1:9179)
        String metrics = NetLab.run("ip", "netns", "exec", b, "curl", "-sf", "http://127.0.0.1:9179/metrics");
        assertThat(metrics).containsPattern("(?m)^keepalived_priority_zero_received_total\\{[^}]*iname=\"VI_1\"[^}]*} [1-9]");
    }

    @Test void nopreemptVigilDoesNotTakeOverFromLowerKeepalived() throws Exception {
        NetLab.Proc ka = lab.keepalived("ka", a, conf("ka", Conf.node("ka", 100)));
        NetLab.awaitStarted(ka);
        await("keepalived master alone", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(a, VIP)));
        Conf vc = Conf.node("vigil", 150);
        vc.nopreempt = true;
        NetLab.awaitStarted(lab.vigil("vigil", b, conf("vigil", vc)));
        Thread.sleep(5000);                                // well past master_down: a preempting 150 would have won
        assertThat(lab.hasAddr(a, VIP)).isTrue();
        assertThat(lab.hasAddr(b, VIP)).isFalse();
        crash(ka, a);
        awaitMaster(b, a);
    }

    @Test void unicastPeersVrrpV3() throws Exception {
        Conf vc = Conf.node("vigil", 150).v3();
        vc.unicastSrc = "192.0.2.11";
        vc.unicastPeers.add("192.0.2.12");
        Conf kc = Conf.node("ka", 100).v3();
        kc.unicastSrc = "192.0.2.12";
        kc.unicastPeers.add("192.0.2.11");
        NetLab.Proc vigil = lab.vigil("vigil", a, conf("vigil", vc));
        NetLab.awaitStarted(vigil);
        NetLab.awaitStarted(lab.keepalived("ka", b, conf("ka", kc)));
        awaitMaster(a, b);
        await("unicast VRRPv3 adverts from Vigil to keepalived", lab::logs, Duration.ofSeconds(3),
                () -> cap.logText().lines().anyMatch(l -> l.contains("192.0.2.11 > 192.0.2.12: VRRPv3")));
        assertThat(cap.logText()).doesNotContain("192.0.2.11 > 224.0.0.18");
        crash(vigil, a);
        awaitMaster(b, a);
    }

    @Test void passAuthMismatchIsIgnoredAndCounted() throws Exception {
        Conf kc = Conf.node("ka", 150);
        Conf vc = Conf.node("vigil", 100);
        vc.authPass = "other";
        NetLab.awaitStarted(lab.keepalived("ka", a, conf("ka", kc)));
        await("keepalived master", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(a, VIP)));
        NetLab.Proc vigil = lab.vigil("vigil", b, conf("vigil", vc));
        NetLab.awaitStarted(vigil);
        // keepalived's adverts carry another password: Vigil must not count them as a live master
        await("Vigil becomes MASTER too", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(b, VIP)));
        lab.term(vigil, Duration.ofSeconds(10));
        assertThat(vigil.logText()).containsPattern("\\(VI_1\\) adverts dropped:.*AUTH_FAILURE=[1-9]");
    }

    @Test void trackScriptDemotesVigilBelowKeepalived() throws Exception {
        Path flag = lab.dir.resolve("down.flag");
        Conf vc = Conf.node("vigil", 150);
        vc.trackScript = "/bin/sh -c 'test ! -e " + flag + "'";
        vc.trackWeight = -60;
        NetLab.awaitStarted(lab.vigil("vigil", a, conf("vigil", vc)));
        NetLab.awaitStarted(lab.keepalived("ka", b, conf("ka", Conf.node("ka", 100))));
        awaitMaster(a, b);
        Files.writeString(flag, "");                       // script fails: 150-60 = 90 < 100, keepalived preempts
        await("demoted Vigil advertises 90", lab::logs, Duration.ofSeconds(5),
                () -> cap.logText().lines().anyMatch(l -> l.contains("192.0.2.11 > 224.0.0.18") && l.contains("prio 90,")));
        awaitMaster(b, a);
        Files.delete(flag);                                // back to 150: Vigil preempts again
        awaitMaster(a, b);
    }
}
