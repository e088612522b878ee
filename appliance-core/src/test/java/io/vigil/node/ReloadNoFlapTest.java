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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGHUP without flaps (issue 15): Vigil MASTER (150) beside keepalived 2.2.7 BACKUP (100). Reloads that leave the
 * instance unchanged, add a tracker that is up, and remove it again must not remove the VIP (ip monitor address)
 * nor send a priority-0 advert (tcpdump on the bridge), and the peer must never advertise. A reload adding a
 * tracker that is down (weight -60: 150 -> 90 < 100) does hand MASTER over: the new priority loses.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReloadNoFlapTest {
    static final String VIP = "192.0.2.100/24";

    @Test void reloadsThatDoNotLoseKeepMasterQuietly() throws Exception {
        try (NetLab lab = new NetLab("rl")) {
            String a = lab.node("a", "192.0.2.11");
            String b = lab.node("b", "192.0.2.12");
            Files.setPosixFilePermissions(lab.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Conf ca = Conf.node("a", 150);
            Path confA = lab.write("a.conf", ca.text());
            NetLab.Proc va = lab.vigil("va", a, confA);
            NetLab.Proc kb = lab.keepalived("ka-b", b, lab.write("b.conf", Conf.node("b", 100).text()));
            try {
                NetLab.awaitStarted(va);
                NetLab.awaitStarted(kb);
                await("a MASTER", lab::logs, Duration.ofSeconds(15), quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP)));
                Thread.sleep(1500);
                NetLab.Proc cap = lab.start("capw", lab.switchNs(), List.of("tcpdump", "-l", "-n", "-tt", "-v", "-i", "br0", "ip proto 112"));
                NetLab.Proc mon = lab.start("mon", a, List.of("ip", "monitor", "address"));
                await("tcpdump listening", lab::logs, Duration.ofSeconds(10), () -> cap.logText().contains("listening on"));
                Thread.sleep(500);

                // 1. the same instance (only a comment differs), 2. + track_script (up), 3. - track_script
                Files.writeString(confA, "# reloaded\n" + ca.text());
                reload(lab, va, 1);
                ca.trackScript = "/bin/true";
                Files.writeString(confA, ca.text());
                reload(lab, va, 2);
                Thread.sleep(2500); // the script has run (interval 1) and reported
                ca.trackScript = null;
                Files.writeString(confA, ca.text());
                reload(lab, va, 3);
                Thread.sleep(2500);

                WireTruth wire = WireTruth.parse(cap.logText());
                List<WireTruth.Advert> fromA = wire.adverts().stream().filter(x -> x.source().equals("192.0.2.11")).toList();
                assertThat(fromA).as("a advertised throughout").hasSizeGreaterThan(5);
                assertThat(fromA).as("no priority-0 advert").allMatch(x -> x.priority() == 150);
                assertThat(wire.adverts()).as("the peer never advertised").allMatch(x -> x.source().equals("192.0.2.11"));
                assertThat(mon.logText()).as("no address removed").doesNotContain("Deleted");
                assertThat(lab.hasAddr(a, VIP)).isTrue();
                assertThat(va.logText()).contains("~VI_1 track +script:chk(-60)").contains("~VI_1 track -script:chk(-60)");

                // 4. + track_script that fails: 150 - 60 = 90 < 100, the peer preempts
                ca.trackScript = "/bin/false";
                Files.writeString(confA, ca.text());
                reload(lab, va, 4);
                await("b MASTER after a's new priority lost", lab::logs, Duration.ofSeconds(10),
                        quiet(() -> lab.hasAddr(b, VIP) && !lab.hasAddr(a, VIP)));
                WireTruth after = WireTruth.parse(cap.logText());
                assertThat(after.adverts()).as("a advertised 90 before yielding, never 0")
                        .anyMatch(x -> x.source().equals("192.0.2.11") && x.priority() == 90)
                        .noneMatch(x -> x.source().equals("192.0.2.11") && x.priority() == 0);
                assertThat(lab.term(va, Duration.ofSeconds(10))).isZero();
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().startsWith("timed out")) throw e;
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
            // each reload is one ConfigApplied entry carrying its diff
            try (JournalReader r = JournalReader.open(lab.dir.resolve("va-journal"))) {
                List<String> diffs = r.readAll().stream().map(Entry::event).filter(e -> e instanceof Event.ConfigApplied)
                        .map(e -> ((Event.ConfigApplied) e).diffSummary()).toList();
                assertThat(diffs).containsExactly("+VI_1", "", "~VI_1 track +script:chk(-60)", "~VI_1 track -script:chk(-60)",
                        "~VI_1 track +script:chk(-60)");
            }
        }
    }

    /** A reload that adds one VIP and then drops another touches only those: ip monitor sees exactly that. */
    @Test void vipChangesTouchOnlyTheAddressesThatChanged() throws Exception {
        try (NetLab lab = new NetLab("rv")) {
            String a = lab.node("a", "192.0.2.11");
            Conf ca = Conf.node("a", 150);
            Path confA = lab.write("a.conf", ca.text());
            NetLab.Proc va = lab.vigil("va", a, confA);
            try {
                NetLab.awaitStarted(va);
                await("a MASTER", lab::logs, Duration.ofSeconds(15), quiet(() -> lab.hasAddr(a, VIP)));
                NetLab.Proc cap = lab.start("capw", lab.switchNs(), List.of("tcpdump", "-l", "-n", "-tt", "-v", "-i", "br0", "ip proto 112"));
                NetLab.Proc mon = lab.start("mon", a, List.of("ip", "-o", "monitor", "address"));
                await("tcpdump listening", lab::logs, Duration.ofSeconds(10), () -> cap.logText().contains("listening on"));
                Thread.sleep(500);
                ca.vip = VIP + "\n    192.0.2.101/24";
                Files.writeString(confA, ca.text());
                reload(lab, va, 1);
                await("192.0.2.101 added", lab::logs, Duration.ofSeconds(5), quiet(() -> lab.hasAddr(a, "192.0.2.101/24")));
                ca.vip = "192.0.2.101/24";
                Files.writeString(confA, ca.text());
                reload(lab, va, 2);
                await("192.0.2.100 removed", lab::logs, Duration.ofSeconds(5), quiet(() -> !lab.hasAddr(a, VIP)));
                Thread.sleep(1500);
                List<String> deleted = mon.logText().lines().filter(l -> l.startsWith("Deleted")).toList();
                assertThat(deleted).singleElement().satisfies(l -> assertThat(l).contains("192.0.2.100/24"));
                assertThat(mon.logText().lines().filter(l -> !l.startsWith("Deleted") && l.contains("inet "))).singleElement()
                        .satisfies(l -> assertThat(l).contains("192.0.2.101/24"));
                assertThat(WireTruth.parse(cap.logText()).adverts()).isNotEmpty().allMatch(x -> x.priority() == 150);
                assertThat(va.logText()).contains("~VI_1 virtualAddresses");
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().startsWith("timed out")) throw e;
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    private static void reload(NetLab lab, NetLab.Proc va, int nth) throws Exception {
        NetLab.sh("kill", "-HUP", Long.toString(va.pid()));
        await("reload " + nth + " applied", lab::logs, Duration.ofSeconds(10),
                () -> va.logText().split("configuration reloaded from", -1).length - 1 >= nth);
    }
}
