package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
 * vrrp_strict / no_accept beside keepalived 2.2.7 (`keepalived --vrrp`, built with nftables) with the same config in
 * the same namespace: the nftables ruleset each installs while MASTER is compared by meaning (`nft -j list ruleset`
 * without handles and counter values: table, set and its elements, chains with hook and priority, rules), traffic
 * from a client to the VIP is dropped (ping gets no reply, a TCP connect times out where the node's own address
 * answers with a reset), and the table is gone after SIGTERM.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StrictFirewallNetnsTest {
    NetLab lab;
    String a, client;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("sf");
        a = lab.node("a", "192.0.2.11");
        client = lab.node("c", "192.0.2.12");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    /** The ruleset while MASTER, normalised; checks the drops on the way; the ruleset after SIGTERM must be empty. */
    private List<String> rulesetWhileMaster(NetLab.Proc p, boolean checkDrops) throws Exception {
        NetLab.awaitStarted(p);
        await("VIP on a", lab::logs, Duration.ofSeconds(30), quiet(() -> lab.hasAddr(a, "192.0.2.100/24")));
        // the set is filled before the VIPs are added: it is complete once the VIP is there
        List<String> rules = normalised(NetLab.run("ip", "netns", "exec", a, "nft", "-j", "list", "ruleset"));
        if (checkDrops) {
            assertThat(connect("192.0.2.11")).as("the node's own address answers (control)").isEqualTo("refused");
            assertThat(connect("192.0.2.100")).as("TCP to the VIP of a no_accept master").isEqualTo("timeout");
            assertThat(ping("192.0.2.11")).as("ping the node (control)").isTrue();
            assertThat(ping("192.0.2.100")).as("ping the VIP").isFalse();
        }
        assertThat(lab.term(p, Duration.ofSeconds(20))).isZero();
        assertThat(NetLab.run("ip", "netns", "exec", a, "nft", "list", "ruleset").strip()).as("table removed at stop").isEmpty();
        return rules;
    }

    private String connect(String addr) throws Exception {
        return lab.inNamespace(client, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(addr, 80), 1500);
                return "connected";
            } catch (SocketTimeoutException e) {
                return "timeout";
            } catch (ConnectException e) {
                return "refused";
            }
        });
    }

    /** An ICMP echo (the JDK sends one as root; no ping binary needed). */
    private boolean ping(String addr) throws Exception {
        return lab.inNamespace(client, () -> java.net.InetAddress.getByName(addr).isReachable(1500));
    }

    /** Each object of nft's JSON on one line, without handles and with counters at zero, sorted. */
    static List<String> normalised(String json) {
        List<String> out = new ArrayList<>();
        JsonArray items = new JsonObject(json).getJsonArray("nftables");
        for (int i = 0; i < items.size(); i++) {
            JsonObject o = items.getJsonObject(i);
            if (o.containsKey("metainfo")) continue;
            out.add(((JsonObject) strip(o)).encode());
        }
        out.sort(null);
        return out;
    }

    private static Object strip(Object v) {
        if (v instanceof JsonObject o) {
            JsonObject c = new JsonObject();
            for (String k : o.fieldNames()) {
                if (k.equals("handle")) continue;
                if (k.equals("counter")) { c.put(k, new JsonObject().put("packets", 0).put("bytes", 0)); continue; }
                Object x = strip(o.getValue(k));
                if (k.equals("elem") && x instanceof JsonArray arr) x = new JsonArray(arr.stream().map(String::valueOf).sorted().toList());
                c.put(k, x);
            }
            return c;
        }
        if (v instanceof JsonArray a) {
            JsonArray c = new JsonArray();
            for (Object x : a) c.add(strip(x));
            return c;
        }
        return v;
    }

    @Test void vrrpStrictInstallsKeepalivedsTableAndDropsTrafficToTheVips() throws Exception {
        Path conf = lab.write("strict.conf", """
                global_defs {
                  vrrp_strict
                }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority 100
                  advert_int 1
                  virtual_ipaddress {
                    192.0.2.100/24
                    192.0.2.101/32
                  }
                }
                """);
        List<String> ka = rulesetWhileMaster(lab.keepalived("ka", a, conf), true);
        List<String> vigil = rulesetWhileMaster(lab.vigil("vigil", a, conf), true);
        System.out.println("keepalived 2.2.7 ruleset:\n" + String.join("\n", ka));
        assertThat(ka).anySatisfy(l -> assertThat(l).contains("\"name\":\"keepalived\"")).hasSize(6);
        assertThat(vigil).isEqualTo(ka);
        assertThat(lab.logs()).contains("(VI_1) nftables: add table ip keepalived;")
                .contains("add element ip keepalived vips { 192.0.2.100, 192.0.2.101 }")
                .contains("(VI_1) nftables: delete element ip keepalived vips { 192.0.2.100, 192.0.2.101 }")
                .contains("nftables: delete table ip keepalived");
    }

    @Test void noAcceptWithNamedTablePriorityAndCountersAsKeepalived() throws Exception {
        Path conf = lab.write("noaccept.conf", """
                global_defs {
                  nftables vigiltab
                  nftables_priority -5
                  nftables_counters
                }
                vrrp_instance VI_1 {
                  state MASTER
                  interface eth0
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  no_accept
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                  virtual_ipaddress_excluded {
                    192.0.2.102/32
                  }
                }
                """);
        List<String> ka = rulesetWhileMaster(lab.keepalived("ka", a, conf), false);
        List<String> vigil = rulesetWhileMaster(lab.vigil("vigil", a, conf), true);
        assertThat(ka).anySatisfy(l -> assertThat(l).contains("\"prio\":-5").contains("\"name\":\"in\""))
                .anySatisfy(l -> assertThat(l).contains("\"counter\"").contains("\"daddr\""))
                .anySatisfy(l -> assertThat(l).contains("\"elem\":[\"192.0.2.100\",\"192.0.2.102\"]"));
        assertThat(vigil).isEqualTo(ka);
    }
}
