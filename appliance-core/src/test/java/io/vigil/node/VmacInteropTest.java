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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * use_vmac beside keepalived 2.2.7 (`keepalived --vrrp`), the same keepalived.conf run by each in turn in one
 * namespace: the link (name, type macvlan, mode private, MAC, up, addrgenmode), the per-interface sysctls keepalived
 * sets on it and on its base, where the VIP is, and what goes on the wire (the source MAC of adverts, of GARPs, the
 * ARP sender address, and of IGMP reports, which keepalived's nftables rule moves to the base) must read the same, and the link must be gone after a graceful stop. Then an election
 * through the VMACs between a Vigil and a keepalived director, and vmac_xmit_base with garp_extra_if.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VmacInteropTest {
    static final String VMAC_MAC = "00:00:5e:00:01:33";

    static String conf(String routerId, int priority, String extra) {
        return """
                global_defs {
                  router_id %s
                }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority %d
                  advert_int 1
                %s
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                """.formatted(routerId, priority, extra);
    }

    /** One capture of ARP and VRRP on the bridge, with the frames' bytes (tcpdump -xx) to read the ARP sender MAC. */
    static NetLab.Proc capture(NetLab lab, String name) throws IOException {
        NetLab.Proc p = lab.start(name, lab.switchNs(), List.of("tcpdump", "-l", "-n", "-e", "-xx", "-i", "br0", "arp or ip proto 112 or igmp"));
        await("tcpdump listening", p::logText, Duration.ofSeconds(10), () -> p.logText().contains("listening on"));
        return p;
    }

    /**
     * The kinds of frames seen, with node MACs named: "advert from vmac prio 150", "garp from vmac sender vmac for
     * 192.0.2.100". Counts are left out: timing differs (GARP trains), kinds must not.
     */
    static TreeSet<String> wire(NetLab.Proc cap, Map<String, String> macNames) {
        TreeSet<String> out = new TreeSet<>();
        String[] lines = cap.logText().split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!l.contains(" > ") || l.startsWith("\t")) continue;
            String src = name(l.split("\\s+")[1], macNames);
            StringBuilder hex = new StringBuilder();
            for (int j = i + 1; j < lines.length && lines[j].startsWith("\t0x"); j++)
                hex.append(lines[j].substring(lines[j].indexOf(':') + 1).replace(" ", "").trim());
            if (l.contains(" igmp ")) { // the bridge's own reports are not ours
                if (macNames.containsKey(l.split("\\s+")[1])) out.add("igmp from " + src);
            } else if (l.contains("VRRPv")) {
                String prio = l.replaceAll(".*prio (\\d+).*", "$1");
                out.add("advert from " + src + " prio " + prio + " " + l.replaceAll(".*: (\\S+) > 224.0.0.18.*", "$1"));
            } else if (l.contains("ethertype ARP") && hex.length() >= 2 * 42) {
                byte[] f = HexFormat.of().parseHex(hex.substring(0, 2 * 42));
                String sender = HexFormat.ofDelimiter(":").formatHex(f, 22, 28);
                String ip = (f[28] & 0xff) + "." + (f[29] & 0xff) + "." + (f[30] & 0xff) + "." + (f[31] & 0xff);
                out.add("garp from " + src + " sender " + name(sender, macNames) + " for " + ip);
            }
        }
        return out;
    }

    private static String name(String mac, Map<String, String> names) { return names.getOrDefault(mac, mac); }

    static String mac(String ns, String dev) throws IOException {
        return NetLab.run("ip", "-n", ns, "-o", "link", "show", "dev", dev).replaceAll("(?s).*link/ether (\\S+).*", "$1").trim();
    }

    static String sysctl(String ns, String family, String dev, String key) throws IOException {
        return NetLab.run("ip", "netns", "exec", ns, "cat", "/proc/sys/net/" + family + "/conf/" + dev + "/" + key).trim();
    }

    /** What the link looks like while the daemon runs: `ip -d link` facts, sysctls, the VIP's interface. */
    static Map<String, String> state(String ns, String vmac) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        String d = NetLab.run("ip", "-n", ns, "-d", "-o", "link", "show", "dev", vmac);
        m.put("link", d.replaceAll("(?s)^\\d+: (\\S+?)@(\\S+?):.*", "$1@$2"));
        m.put("flags", d.replaceAll("(?s)^[^<]*<([^>]*)>.*", "$1"));
        m.put("address", d.replaceAll("(?s).*link/ether (\\S+).*", "$1"));
        m.put("type", d.replaceAll("(?s).*\\b(macvlan mode \\S+).*", "$1"));
        m.put("addrgenmode", d.replaceAll("(?s).*addrgenmode (\\S+).*", "$1"));
        for (String k : List.of("arp_ignore", "arp_filter", "accept_local", "rp_filter", "promote_secondaries")) {
            m.put(vmac + "." + k, sysctl(ns, "ipv4", vmac, k));
            m.put("eth0." + k, sysctl(ns, "ipv4", "eth0", k));
        }
        m.put(vmac + ".disable_ipv6", sysctl(ns, "ipv6", vmac, "disable_ipv6"));
        m.put("ipv6 on " + vmac, NetLab.run("ip", "-n", ns, "-6", "-o", "addr", "show", "dev", vmac).trim());
        m.put("vip", NetLab.run("ip", "-n", ns, "-4", "-o", "addr", "show", "to", "192.0.2.100").replaceAll("(?s)^\\d+: (\\S+)\\s+inet (\\S+).*", "$1 $2").trim());
        return m;
    }

    static boolean linkExists(String ns, String dev) throws IOException {
        return NetLab.run("ip", "-n", ns, "-o", "link", "show", "dev", dev).contains(dev + "@");
    }

    record Cycle(Map<String, String> running, TreeSet<String> wire, boolean linkAfterStop, String baseAfterStop) { }

    /** Starts the daemon alone as MASTER-to-be, samples while MASTER, stops it gracefully, samples again. */
    static Cycle cycle(NetLab lab, String ns, NetLab.Proc p, NetLab.Proc cap, String vmac, Map<String, String> macNames) throws Exception {
        NetLab.awaitStarted(p);
        await(p.name() + " MASTER with the VIP on " + vmac, p::logText, Duration.ofSeconds(30),
                quiet(() -> state(ns, vmac).get("vip").startsWith(vmac + " ")));
        Thread.sleep(1500); // GARP burst and a further advert
        Map<String, String> running = state(ns, vmac);
        lab.term(p, Duration.ofSeconds(20));
        Thread.sleep(500);
        TreeSet<String> w = wire(cap, macNames);
        lab.kill9(cap);
        return new Cycle(running, w, linkExists(ns, vmac),
                sysctl(ns, "ipv4", "eth0", "arp_ignore") + "/" + sysctl(ns, "ipv4", "eth0", "arp_filter"));
    }

    static void resetBase(String ns) throws IOException {
        NetLab.sh("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_ignore=0", "net.ipv4.conf.eth0.arp_filter=0");
    }

    @Test void vmacLinkAddressesAndWireAsKeepalived() throws Exception {
        try (NetLab lab = new NetLab("vm")) {
            String a = lab.node("a", "192.0.2.11");
            Map<String, String> macs = Map.of(mac(a, "eth0"), "eth0(a)", VMAC_MAC, "vmac");
            Path c = lab.write("a.conf", conf("a", 150, "  use_vmac"));
            try {
                resetBase(a);
                Cycle ka = cycle(lab, a, lab.keepalived("ka", a, c), capture(lab, "cap-ka"), "vrrp.51", macs);
                System.out.println("keepalived 2.2.7: " + ka);
                assertThat(ka.running()).containsEntry("link", "vrrp.51@eth0").containsEntry("address", VMAC_MAC)
                        .containsEntry("type", "macvlan mode private").containsEntry("vip", "vrrp.51 192.0.2.100/24");
                resetBase(a);
                Cycle vigil = cycle(lab, a, lab.vigil("vigil", a, c), capture(lab, "cap-vigil"), "vrrp.51", macs);
                System.out.println("Vigil: " + vigil);
                assertThat(vigil.running()).isEqualTo(ka.running());
                assertThat(vigil.wire()).isEqualTo(ka.wire()).contains(
                        "advert from vmac prio 150 192.0.2.11", "advert from vmac prio 0 192.0.2.11",
                        "garp from vmac sender vmac for 192.0.2.100", "igmp from eth0(a)").doesNotContain("igmp from vmac");
                assertThat(vigil.linkAfterStop()).as("VMAC removed at stop").isFalse();
                assertThat(NetLab.run("ip", "netns", "exec", a, "nft", "list", "ruleset")).as("IGMP rule removed at stop").isBlank();
                assertThat(ka.linkAfterStop()).isFalse();
                // keepalived 2.2.7 leaves the base at arp_ignore=1/arp_filter=1; Vigil puts back what it found (docs/vrrp.md)
                assertThat(ka.baseAfterStop()).isEqualTo("1/1");
                assertThat(vigil.baseAfterStop()).isEqualTo("0/0");

                List<String> journaled = new ArrayList<>();
                try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
                    for (Entry e : r.readAll())
                        if (e.event() instanceof Event.RouteChanged rc)
                            journaled.add(rc.owner() + (rc.added() ? " add " : " del ") + rc.route() + " ok=" + rc.ok()
                                    + " cause=" + e.cause().getClass().getSimpleName());
                }
                System.out.println("journal: " + journaled);
                assertThat(journaled).containsExactly(
                        "VI_1 add link vrrp.51 type macvlan mode private address 00:00:5e:00:01:33 link eth0 ok=true cause=ConfigReload",
                        "VI_1 del link vrrp.51 type macvlan mode private address 00:00:5e:00:01:33 link eth0 ok=true cause=Signal");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    /**
     * Vigil (priority 150) and keepalived (100) both with use_vmac on one VRID: Vigil is MASTER with the VIP on its
     * VMAC and keepalived BACKUP hears it through its own; Vigil stops: keepalived takes over (VIP on its VMAC, adverts
     * from the virtual MAC); Vigil comes back and preempts.
     */
    @Test void electionThroughTheVmacs() throws Exception {
        try (NetLab lab = new NetLab("ve")) {
            String a = lab.node("a", "192.0.2.11");
            String b = lab.node("b", "192.0.2.12");
            Path ca = lab.write("a.conf", conf("a", 150, "  use_vmac"));
            Path cb = lab.write("b.conf", conf("b", 100, "  use_vmac"));
            try {
                NetLab.Proc kb = lab.keepalived("ka-b", b, cb);
                NetLab.awaitStarted(kb);
                await("keepalived MASTER alone", kb::logText, Duration.ofSeconds(20), quiet(() -> state(b, "vrrp.51").get("vip").startsWith("vrrp.51")));
                NetLab.Proc va = lab.vigil("va", a, ca);
                NetLab.awaitStarted(va);
                await("Vigil preempts: VIP on a's vrrp.51 only", va::logText, Duration.ofSeconds(30),
                        quiet(() -> state(a, "vrrp.51").get("vip").startsWith("vrrp.51") && state(b, "vrrp.51").get("vip").isEmpty()));
                Thread.sleep(3000);
                assertThat(state(b, "vrrp.51").get("vip")).as("keepalived stays BACKUP, hearing Vigil's adverts on its VMAC").isEmpty();
                assertThat(kb.logText()).contains("(VI_1) Entering BACKUP STATE");
                lab.term(va, Duration.ofSeconds(20));
                assertThat(linkExists(a, "vrrp.51")).isFalse();
                await("keepalived takes over after Vigil's priority 0", kb::logText, Duration.ofSeconds(10),
                        quiet(() -> state(b, "vrrp.51").get("vip").startsWith("vrrp.51")));
                NetLab.Proc va2 = lab.vigil("va2", a, ca);
                NetLab.awaitStarted(va2);
                await("Vigil back: preempts through the VMACs", va2::logText, Duration.ofSeconds(30),
                        quiet(() -> state(a, "vrrp.51").get("vip").startsWith("vrrp.51") && state(b, "vrrp.51").get("vip").isEmpty()));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    /**
     * vmac_xmit_base + garp_extra_if 1 all, a second VIP on eth1: adverts from eth0's MAC, the VIP on the VMAC, and
     * one GARP a second on eth1 and on the VMAC, whose MAC no advert refreshes.
     */
    @Test void xmitBaseAndGarpExtraIfAsKeepalived() throws Exception {
        try (NetLab lab = new NetLab("vx")) {
            String a = lab.node("a", "192.0.2.11");
            String peer = "vx" + ProcessHandle.current().pid() % 1_000_000 + "e1"; // unique; moved into the switch namespace
            NetLab.sh("ip", "link", "add", peer, "type", "veth", "peer", "name", "eth1", "netns", a);
            NetLab.sh("ip", "link", "set", peer, "netns", lab.switchNs());
            NetLab.sh("ip", "-n", lab.switchNs(), "link", "set", peer, "master", "br0", "up");
            NetLab.sh("ip", "-n", a, "link", "set", "eth1", "up");
            Map<String, String> macs = Map.of(mac(a, "eth0"), "eth0(a)", mac(a, "eth1"), "eth1(a)", VMAC_MAC, "vmac");
            Path c = lab.write("a.conf", conf("a", 150, "  use_vmac vx51\n  vmac_xmit_base\n  garp_extra_if 1 all\n  garp_master_delay 0")
                    .replace("    192.0.2.100/24\n", "    192.0.2.100/24\n    192.0.2.101/24 dev eth1\n"));
            try {
                resetBase(a);
                NetLab.Proc capKa = capture(lab, "cap-ka");
                Cycle ka = cycle(lab, a, lab.keepalived("ka", a, c), capKa, "vx51", macs);
                resetBase(a);
                NetLab.Proc capV = capture(lab, "cap-vigil");
                Cycle vigil = cycle(lab, a, lab.vigil("vigil", a, c), capV, "vx51", macs);
                System.out.println("keepalived 2.2.7: " + ka + ", GARPs vmac/eth1 " + garps(capKa, VMAC_MAC) + "/" + garps(capKa, mac(a, "eth1"))
                        + "\nVigil: " + vigil + ", GARPs vmac/eth1 " + garps(capV, VMAC_MAC) + "/" + garps(capV, mac(a, "eth1")));
                assertThat(vigil.running()).isEqualTo(ka.running());
                assertThat(vigil.wire()).isEqualTo(ka.wire()).contains("advert from eth0(a) prio 150 192.0.2.11",
                        "garp from vmac sender vmac for 192.0.2.100", "garp from eth1(a) sender eth1(a) for 192.0.2.101")
                        .noneMatch(w -> w.startsWith("advert from vmac"));
                // 5 each at becoming MASTER (garp_master_delay 0: no second train); then one a second on each
                assertThat(garps(capKa, VMAC_MAC)).isGreaterThan(5);
                assertThat(garps(capV, VMAC_MAC)).isGreaterThan(5);
                assertThat(garps(capKa, mac(a, "eth1"))).isGreaterThan(5);
                assertThat(garps(capV, mac(a, "eth1"))).isGreaterThan(5);
                assertThat(vigil.linkAfterStop()).isFalse();
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    /**
     * Reload (SIGHUP): a new instance with use_vmac gets its VMAC (and goes MASTER on it) while the running one keeps
     * its state and VIP; the next reload without it removes the VMAC, journaled with the reload as cause.
     */
    @Test void reloadMakesAndRemovesVmacs() throws Exception {
        try (NetLab lab = new NetLab("vr")) {
            String a = lab.node("a", "192.0.2.11");
            String one = conf("a", 150, "");
            String two = one + conf("a", 150, "  use_vmac").replaceAll("(?s)^.*?(vrrp_instance)", "$1")
                    .replace("VI_1", "VI_2").replace("router_id 51", "router_id 52").replace("192.0.2.100/24", "192.0.2.101/24");
            Path c = lab.write("a.conf", one);
            try {
                NetLab.Proc v = lab.vigil("vigil", a, c);
                NetLab.awaitStarted(v);
                await("VI_1 MASTER", v::logText, Duration.ofSeconds(30), quiet(() -> lab.hasAddr(a, "192.0.2.100/24")));
                java.nio.file.Files.writeString(c, two);
                reload(v, 1);
                await("VI_2 MASTER on vrrp.52", v::logText, Duration.ofSeconds(30),
                        quiet(() -> NetLab.run("ip", "-n", a, "-4", "-o", "addr", "show", "dev", "vrrp.52").contains("192.0.2.101/24")));
                assertThat(mac(a, "vrrp.52")).isEqualTo("00:00:5e:00:01:34");
                java.nio.file.Files.writeString(c, one);
                reload(v, 2);
                await("vrrp.52 removed", v::logText, Duration.ofSeconds(10), quiet(() -> !linkExists(a, "vrrp.52")));
                assertThat(lab.hasAddr(a, "192.0.2.100/24")).isTrue();
                assertThat(v.logText()).doesNotContain("Entering FAULT").containsOnlyOnce("(VI_1) Entering MASTER STATE");
                lab.term(v, Duration.ofSeconds(20));
                List<String> journaled = new ArrayList<>();
                try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
                    for (Entry e : r.readAll())
                        if (e.event() instanceof Event.RouteChanged rc)
                            journaled.add(rc.owner() + (rc.added() ? " add " : " del ") + rc.route() + " ok=" + rc.ok()
                                    + " cause=" + e.cause().getClass().getSimpleName());
                }
                assertThat(journaled).containsExactly(
                        "VI_2 add link vrrp.52 type macvlan mode private address 00:00:5e:00:01:34 link eth0 ok=true cause=Signal",
                        "VI_2 del link vrrp.52 type macvlan mode private address 00:00:5e:00:01:34 link eth0 ok=true cause=Signal");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    private static void reload(NetLab.Proc v, int nth) throws IOException {
        NetLab.sh("kill", "-HUP", Long.toString(v.pid()));
        await("reload " + nth, v::logText, Duration.ofSeconds(20),
                () -> v.logText().split("configuration reloaded from", -1).length - 1 >= nth);
    }

    /**
     * all.rp_filter set (keepalived.conf(5), use_vmac): while running, all is 0, default and the VMAC's base take the
     * greater of theirs and all's, other interfaces keep theirs, the VMAC has 0; after a stop all is as before.
     */
    @Test void rpFilterAsKeepalived() throws Exception {
        try (NetLab lab = new NetLab("vp")) {
            String a = lab.node("a", "192.0.2.11");
            NetLab.sh("ip", "-n", a, "link", "add", "dum0", "type", "veth", "peer", "name", "dum1");
            Path c = lab.write("a.conf", conf("a", 150, "  use_vmac"));
            try {
                List<String> ka = rpCycle(lab, a, () -> lab.keepalived("ka", a, c));
                List<String> vigil = rpCycle(lab, a, () -> lab.vigil("vigil", a, c));
                System.out.println("rp_filter keepalived 2.2.7: " + ka + "\nrp_filter Vigil: " + vigil);
                assertThat(ka.get(0)).isEqualTo("all=1 default=0 lo=0 eth0=0 dum0=2 dum1=0");
                assertThat(ka.get(1)).isEqualTo("all=0 default=1 lo=0 eth0=1 dum0=2 dum1=0 vrrp.51=0");
                assertThat(vigil).isEqualTo(ka);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
            }
        }
    }

    interface Starter { NetLab.Proc start() throws IOException; }

    /** rp_filter before, while MASTER, after a graceful stop. */
    private static List<String> rpCycle(NetLab lab, String ns, Starter s) throws Exception {
        NetLab.sh("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.conf.eth0.rp_filter=0", "net.ipv4.conf.dum0.rp_filter=2", "net.ipv4.conf.dum1.rp_filter=0");
        List<String> out = new ArrayList<>(List.of(rp(ns)));
        NetLab.Proc p = s.start();
        NetLab.awaitStarted(p);
        await(p.name() + " MASTER", p::logText, Duration.ofSeconds(30), quiet(() -> state(ns, "vrrp.51").get("vip").startsWith("vrrp.51 ")));
        out.add(rp(ns));
        lab.term(p, Duration.ofSeconds(20));
        out.add(rp(ns));
        return out;
    }

    private static String rp(String ns) throws IOException {
        List<String> w = new ArrayList<>();
        for (String i : List.of("all", "default", "lo", "eth0", "dum0", "dum1", "vrrp.51")) {
            String v = sysctl(ns, "ipv4", i, "rp_filter");
            if (v.matches("\\d+")) w.add(i + "=" + v);
        }
        return String.join(" ", w);
    }

    private static long garps(NetLab.Proc cap, String fromMac) {
        return cap.logText().lines().filter(l -> l.contains("ethertype ARP") && l.contains(" " + fromMac + " > ")).count();
    }
}
