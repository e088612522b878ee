package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGHUP with the same checks (here: the same file, then the file with lines moved): {@code vigil run} keeps its
 * checker, so no real server, checker or quorum transition and no IPVS change follows the reload, and the probes go
 * on. Before, every reload restarted the checker: with {@code alpha} each real server went down again.
 */
@Timeout(value = 200, unit = TimeUnit.SECONDS)
class ReloadKeepsHealthTest {

    static List<Entry> journal(NetLab lab) {
        try (JournalReader r = JournalReader.open(lab.dir.resolve("lb-journal"))) {
            return r.readAll().stream().filter(e -> !e.event().isAnnotation()).toList();
        }
    }

    /** Health transitions and IPVS changes: what a reload of an unchanged configuration must not produce. */
    static boolean transition(Entry e) {
        return e.event() instanceof Event.RealServerChanged || e.event() instanceof Event.QuorumChanged
                || e.event() instanceof Event.IpvsChanged
                || e.event() instanceof Event.CheckResult c && c.detail().startsWith("checker ");
    }

    /** A probe of TARGET with verdict UP, journaled alone or in a check-summary. */
    static boolean probed(Entry e, String target, boolean up) {
        return e.event() instanceof Event.CheckResult c && c.target().equals(target) && c.up() == up
                || e.event() instanceof Event.CheckSummary s && s.target().equals(target) && s.up() == up;
    }

    static String conf(int alive, int dead, String top) { return conf(alive, dead, top, "1"); }

    static String conf(int alive, int dead, String top, String deadTimeout) {
        return top + """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 61
                    priority 100
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                virtual_server 192.0.2.100 80 {
                    delay_loop 0.5
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    alpha
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout %s
                            retry 0
                        }
                    }
                }
                """.formatted(alive, dead, deadTimeout);
    }

    @Test void anUnchangedReloadChangesNothing() throws Exception {
        try (NetLab lab = new NetLab("rk")) {
            String ns = lab.node("lb", "192.0.2.11");
            // a real server inside the node's namespace: the accept thread starts there and stays there
            ServerSocket alive = lab.inNamespace(ns, () -> {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Thread.ofPlatform().daemon().start(() -> {
                    while (!s.isClosed()) {
                        try (Socket c = s.accept()) { c.getInputStream().read(); } catch (Exception e) { return; }
                    }
                });
                return s;
            });
            int dead = lab.inNamespace(ns, () -> { try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { return s.getLocalPort(); } });
            Path conf = lab.write("keepalived.conf", conf(alive.getLocalPort(), dead, ""));
            NetLab.Proc vigil = lab.vigil("lb", ns, conf, List.of("-Dvigil.check.summary=1"), "--no-api");
            NetLab.awaitStarted(vigil);
            String up = "127.0.0.1:" + alive.getLocalPort();
            // and the quorum change that follows it (a separate entry, appended right after): the reload's "before"
            // must not fall between the two
            await("alpha: " + up + " comes up after its first good probe, and quorum with it", vigil::logText, Duration.ofSeconds(30),
                    () -> journal(lab).stream().anyMatch(e -> e.event() instanceof Event.RealServerChanged r && r.up() && r.realServer().equals(up))
                            && journal(lab).stream().anyMatch(e -> e.event() instanceof Event.QuorumChanged q && q.up()));

            for (String top : List.of("", "! moved down by two lines\n\n")) {
                Files.writeString(conf, conf(alive.getLocalPort(), dead, top));
                long before = journal(lab).getLast().seq();
                NetLab.run("kill", "-HUP", String.valueOf(vigil.pid()));
                await("reload", vigil::logText, Duration.ofSeconds(20), () -> journal(lab).stream()
                        .anyMatch(e -> e.seq() > before && e.event() instanceof Event.ConfigApplied));
                Thread.sleep(3000);   // six delay_loops
                List<Entry> after = journal(lab).stream().filter(e -> e.seq() > before).toList();
                assertThat(after).as("health transitions and IPVS changes after an unchanged reload").filteredOn(ReloadKeepsHealthTest::transition).isEmpty();
                // the probes go on: both real servers were probed again, the live one up and the dead one still down
                // (steady results are coalesced into check-summary entries, closed here every second)
                assertThat(after).anyMatch(e -> probed(e, up, true));
                assertThat(after).anyMatch(e -> probed(e, "127.0.0.1:" + dead, false));
            }
            assertThat(vigil.logText().lines().filter(l -> l.contains("checker: checks unchanged, kept running"))).hasSize(2);

            // one checker changes: the live real server keeps its health (no transition), the changed one starts afresh
            Files.writeString(conf, conf(alive.getLocalPort(), dead, "", "2"));
            long before = journal(lab).getLast().seq();
            NetLab.run("kill", "-HUP", String.valueOf(vigil.pid()));
            await("reload kept 1 of 2", vigil::logText, Duration.ofSeconds(20),
                    () -> vigil.logText().contains("checker: reload kept 1 of 2 check(s), 1 real server(s), 0 virtual server(s) as they were"));
            Thread.sleep(3000);
            List<Entry> after = journal(lab).stream().filter(e -> e.seq() > before).toList();
            assertThat(after).filteredOn(ReloadKeepsHealthTest::transition).isNotEmpty()
                    .noneMatch(e -> e.event() instanceof Event.RealServerChanged r && r.realServer().equals(up))
                    .noneMatch(e -> e.event() instanceof Event.CheckResult c && c.target().equals(up) && !c.up());
            assertThat(after).anyMatch(e -> e.event() instanceof Event.RealServerChanged r && !r.up() && r.realServer().equals("127.0.0.1:" + dead));
            assertThat(after).anyMatch(e -> probed(e, up, true));
            assertThat(lab.term(vigil, Duration.ofSeconds(20))).isZero();
            alive.close();
        }
    }
}
