package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * static_ipaddress, static_routes/rules and virtual_routes/rules beside keepalived 2.2.7: the same keepalived.conf run by
 * keepalived, then by Vigil, in one namespace; `ip route show table all` (the proto keepalived routes) and
 * `ip rule` (proto keepalived, with keepalived's default preferences 16384, 16383, ...) and `ip -4 addr` must read
 * the same while MASTER and after a graceful stop.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RoutesNetnsTest {
    static final String CONF = """
            static_ipaddress {
              203.0.113.5/24 dev eth0
            }
            static_routes {
              198.51.100.0/24 via 192.0.2.1 dev eth0
              203.0.113.128/25 dev eth0 table 100 metric 5
              blackhole 198.51.100.128/25
            }
            static_rules {
              from 198.51.100.0/24 table 100
              from 203.0.113.0/24 to 198.51.100.0/24 table 101 priority 200
            }
            vrrp_instance VI_1 {
              state MASTER
              interface eth0
              virtual_router_id 51
              priority 150
              advert_int 1
              virtual_ipaddress {
                192.0.2.100/24
              }
              virtual_routes {
                203.0.113.64/26 via 192.0.2.254
                src 192.0.2.100 198.51.100.64/26 dev eth0 scope link
                203.0.113.32/27 dev eth0 table 101
                unreachable 203.0.113.16/28
              }
              virtual_rules {
                from 192.0.2.100 table 102
                to 203.0.113.64/26 iif eth0 table 103 priority 300
                fwmark 5 table 104
              }
            }
            """;

    NetLab lab;
    String a;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("rt");
        a = lab.node("a", "192.0.2.11");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    /** The routes keepalived's way of adding stamps (proto keepalived), and the addresses, one line each. */
    private String kernel() throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : NetLab.run("ip", "-n", a, "-4", "route", "show", "table", "all").split("\n"))
            if (l.contains("proto keepalived")) out.add("route " + l.trim());
        for (String l : NetLab.run("ip", "-n", a, "-4", "rule").split("\n"))
            if (l.contains("proto keepalived")) out.add("rule " + l.trim().replace('\t', ' '));
        for (String l : NetLab.run("ip", "-n", a, "-4", "-o", "addr", "show", "dev", "eth0").split("\n"))
            if (l.contains("inet ")) out.add("addr " + l.substring(l.indexOf("inet ")).replaceAll("\\\\.*", "").trim());
        out.sort(null);
        return String.join("\n", out);
    }

    /** MASTER with all 7 routes in, then the same after a graceful stop. */
    private List<String> cycle(NetLab.Proc p) throws Exception {
        NetLab.awaitStarted(p);
        await("MASTER with its 3+4 routes and 2+3 rules", p::logText, Duration.ofSeconds(30),
                quiet(() -> lab.hasAddr(a, "192.0.2.100/24") && kernel().lines().filter(l -> l.startsWith("route")).count() == 7
                        && kernel().lines().filter(l -> l.startsWith("rule")).count() == 5));
        Thread.sleep(1000);
        String master = kernel();
        lab.term(p, Duration.ofSeconds(20));
        return List.of(master, kernel());
    }

    @Test void sameRoutesAndAddressesAsKeepalived() throws Exception {
        Path conf = lab.write("routes.conf", CONF);
        List<String> ka = cycle(lab.keepalived("ka", a, conf));
        System.out.println("keepalived 2.2.7, MASTER:\n" + ka.get(0) + "\nafter stop:\n" + ka.get(1));
        assertThat(ka.get(0)).contains("route 203.0.113.64/26 via 192.0.2.254 dev eth0 proto keepalived",
                "addr inet 203.0.113.5/24");

        List<String> vigil = cycle(lab.vigil("vigil", a, conf));
        System.out.println("Vigil, MASTER:\n" + vigil.get(0) + "\nafter stop:\n" + vigil.get(1));
        assertThat(vigil).isEqualTo(ka);

        List<String> journaled = new ArrayList<>();
        try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
            for (Entry e : r.readAll())
                if (e.event() instanceof Event.RouteChanged rc) {
                    assertThat(rc.ok()).as(rc.toString()).isTrue();
                    journaled.add(rc.owner() + (rc.added() ? " add " : " del ") + rc.route() + (rc.error().isEmpty() ? "" : " (" + rc.error() + ")"));
                }
        }
        System.out.println("Vigil journal:\n" + String.join("\n", journaled));
        assertThat(journaled).contains("static add address 203.0.113.5/24 dev eth0", "static add blackhole 198.51.100.128/25",
                "VI_1 add 203.0.113.64/26 via 192.0.2.254", "VI_1 del 203.0.113.32/27 dev eth0 table 101",
                "static del 198.51.100.0/24 via 192.0.2.1 dev eth0", "static del address 203.0.113.5/24 dev eth0",
                "static add rule from 198.51.100.0/24 table 100 (preference 16384)", "VI_1 add rule fwmark 5 table 104 (preference 16382)",
                "VI_1 del rule to 203.0.113.64/26 iif eth0 table 103 priority 300");
    }
}
