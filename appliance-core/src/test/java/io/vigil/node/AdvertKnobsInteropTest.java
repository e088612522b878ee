package io.vigil.node;

import io.vigil.linux.VrrpSocket;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.VrrpAdvertFlyweight;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * keepalived's advert knobs beside keepalived 2.2.7 (`keepalived --vrrp`), each daemon in turn on node a
 * (192.0.2.11); node b (192.0.2.12) is a crafted peer sending adverts through a raw VRRP socket, and the bridge is
 * captured with tcpdump. Compared: the adverts on the wire (destination, TTL), the GARPs, the notify script runs
 * and whether the node kept or lost its VIP.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class AdvertKnobsInteropTest {
    static final Ipv4Address A = Ipv4Address.parse("192.0.2.11"), B = Ipv4Address.parse("192.0.2.12");
    NetLab lab;
    String a, b;
    VrrpSocket peer;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("ak");
        a = lab.node("a", "192.0.2.11");
        b = lab.node("b", "192.0.2.12");
        peer = lab.inNamespace(b, () -> VrrpSocket.open("eth0"));
    }

    @AfterEach void teardown() throws Exception {
        if (peer != null) peer.close();
        lab.close();
    }

    /** A packet seen on the bridge: time, and for adverts source, destination, TTL, VRID, priority; ARP: the text. */
    record Seen(double time, boolean arp, String src, String dst, int ttl, int vrid, int prio, String text) {}

    private static final Pattern IP = Pattern.compile("^(\\d+\\.\\d+) IP \\(.*?ttl (\\d+),");
    private static final Pattern VRRP = Pattern.compile("^\\s+([\\d.]+) > ([\\d.]+): (?i:vrrp).*?vrid (\\d+), prio (\\d+)");
    private static final Pattern ARP = Pattern.compile("^(\\d+\\.\\d+) ARP, (.*)");

    static List<Seen> parse(String tcpdump) {
        List<Seen> out = new ArrayList<>();
        double t = -1;
        int ttl = -1;
        for (String line : tcpdump.split("\n")) {
            Matcher m = IP.matcher(line);
            if (m.find()) { t = Double.parseDouble(m.group(1)); ttl = Integer.parseInt(m.group(2)); continue; }
            m = VRRP.matcher(line);
            if (m.find() && t >= 0) {
                out.add(new Seen(t, false, m.group(1), m.group(2), ttl, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), line));
                continue;
            }
            m = ARP.matcher(line);
            if (m.find()) out.add(new Seen(Double.parseDouble(m.group(1)), true, "", "", -1, -1, -1, m.group(2)));
        }
        return out;
    }

    private NetLab.Proc capture(String name) throws Exception {
        NetLab.Proc cap = lab.start(name, lab.switchNs(), List.of("tcpdump", "-l", "-n", "-tt", "-v", "-i", "br0", "arp or ip proto 112"));
        await("tcpdump listening", cap::logText, Duration.ofSeconds(20), () -> cap.logText().contains("listening on"));
        return cap;
    }

    private NetLab.Proc daemon(String name, Path conf) throws Exception {
        NetLab.Proc p = name.startsWith("ka") ? lab.keepalived(name, a, conf) : lab.vigil(name, a, conf);
        NetLab.awaitStarted(p);
        return p;
    }

    private void send(int vrid, int prio, String vip, Ipv4Address to) throws Exception {
        byte[] msg = VrrpAdvertFlyweight.encode(2, vrid, prio, 100, List.of(Ipv4Address.parse(vip)),
                VrrpAdvertFlyweight.AUTH_NONE, new byte[0], B, to);
        peer.send(inet(B), inet(to), ByteBuffer.wrap(msg));
    }

    private static Inet4Address inet(Ipv4Address a) throws Exception {
        return (Inet4Address) InetAddress.getByName(a.toString());
    }

    private static double now() { return System.currentTimeMillis() / 1000.0; }

    // ------------------------------------------------------------ unicast_ttl, mcast_dst_ip / vrrp_mcast_group4

    /** What one daemon put on the wire and did: advert kinds, and the VIP's fate under adverts to each group. */
    record WireOutcome(TreeSet<String> advertKinds, boolean keptVipUnder18, boolean lostVipUnderGroup) {}

    private WireOutcome ttlAndGroup(String name, Path conf) throws Exception {
        NetLab.Proc cap = capture(name + "-cap");
        NetLab.Proc p = daemon(name, conf);
        await(name + " holds both VIPs", p::logText, Duration.ofSeconds(40),
                quiet(() -> lab.hasAddr(a, "192.0.2.101/24") && lab.hasAddr(a, "192.0.2.102/24")));
        Thread.sleep(2500);
        // a higher priority for VRID 62 sent to 224.0.0.18: not the instance's group, so not heard
        Ipv4Address group = Ipv4Address.parse("239.10.10.10");
        for (int i = 0; i < 8; i++) { send(62, 200, "192.0.2.102", Ipv4Address.VRRP_GROUP); Thread.sleep(500); }
        boolean kept = lab.hasAddr(a, "192.0.2.102/24");
        // the same to its group: heard, the node yields
        for (int i = 0; i < 8 && lab.hasAddr(a, "192.0.2.102/24"); i++) { send(62, 200, "192.0.2.102", group); Thread.sleep(500); }
        boolean lost = !lab.hasAddr(a, "192.0.2.102/24");
        lab.term(p, Duration.ofSeconds(20));
        Thread.sleep(500);
        lab.kill9(cap);
        TreeSet<String> kinds = new TreeSet<>();
        for (Seen s : parse(cap.logText()))
            if (!s.arp() && s.src().equals("192.0.2.11") && s.prio() > 0) kinds.add("vrid " + s.vrid() + " to " + s.dst() + " ttl " + s.ttl());
        return new WireOutcome(kinds, kept, lost);
    }

    @Test void unicastTtlAndMulticastGroupAsKeepalived() throws Exception {
        Path conf = lab.write("wire.conf", """
                global_defs {
                  vrrp_mcast_group4 239.10.10.10
                }
                vrrp_instance U {
                  state MASTER
                  interface eth0
                  virtual_router_id 61
                  priority 150
                  advert_int 1
                  unicast_src_ip 192.0.2.11
                  unicast_ttl 7
                  unicast_peer {
                    192.0.2.12
                  }
                  virtual_ipaddress {
                    192.0.2.101/24
                  }
                }
                vrrp_instance M {
                  state MASTER
                  interface eth0
                  virtual_router_id 62
                  priority 150
                  advert_int 1
                  virtual_ipaddress {
                    192.0.2.102/24
                  }
                }
                """);
        WireOutcome ka = ttlAndGroup("ka", conf);
        System.out.println("keepalived 2.2.7: " + ka);
        assertThat(ka.advertKinds()).containsExactly("vrid 61 to 192.0.2.12 ttl 7", "vrid 62 to 239.10.10.10 ttl 255");
        assertThat(ka.keptVipUnder18()).isTrue();
        assertThat(ka.lostVipUnderGroup()).isTrue();
        WireOutcome vigil = ttlAndGroup("vigil", conf);
        System.out.println("Vigil: " + vigil);
        assertThat(vigil).as(lab.logs()).isEqualTo(ka);
    }

    // ------------------------------------------------------------ lower/higher priority heard by a MASTER

    /** What one daemon did when it heard lower, then higher priorities while MASTER. */
    record ElectionOutcome(int answersToLower, int garpsAfterLower, int scriptRuns, int advertsAfterHigher, boolean yielded,
                           List<String> fifoLines) {}

    private ElectionOutcome lowerThenHigher(String name, Path conf, Path runs, Path fifo, Path fifoOut) throws Exception {
        Files.deleteIfExists(runs);
        Files.deleteIfExists(fifo);
        Files.deleteIfExists(fifoOut);
        NetLab.sh("mkfifo", fifo.toString());
        lab.start(name + "-cat", a, List.of("sh", "-c", "cat " + fifo + " >> " + fifoOut));
        NetLab.Proc cap = capture(name + "-cap");
        NetLab.Proc p = daemon(name, conf);
        await(name + " MASTER", p::logText, Duration.ofSeconds(40), quiet(() -> lab.hasAddr(a, "192.0.2.100/24")));
        Thread.sleep(2500); // the becoming-master GARP (one, no delayed burst) is over
        double lowFrom = now();
        for (int i = 0; i < 5; i++) { send(51, 100, "192.0.2.100", Ipv4Address.VRRP_GROUP); Thread.sleep(150); }
        double lowTo = now();
        Thread.sleep(3500); // garp_lower_prio_delay 2 s has run out for each
        double highFrom = now();
        for (int i = 0; i < 8; i++) { send(51, 200, "192.0.2.100", Ipv4Address.VRRP_GROUP); Thread.sleep(500); }
        boolean yielded = !lab.hasAddr(a, "192.0.2.100/24");
        if (name.startsWith("ka")) lab.crashKeepalived(p); else lab.kill9(p); // no priority 0 to muddle the count
        Thread.sleep(500);
        lab.kill9(cap);
        List<Seen> seen = parse(cap.logText());
        int answers = 0, garps = 0, after = 0;
        for (Seen s : seen) {
            boolean fromA = !s.arp() && s.src().equals("192.0.2.11");
            // the first crafted advert to the last plus 100 ms: at 1 s advert_int at most one advert falls there by rhythm
            if (fromA && s.time() >= lowFrom - 0.05 && s.time() <= lowTo + 0.1) answers++;
            if (s.arp() && s.text().contains("192.0.2.100") && s.time() >= lowFrom - 0.05 && s.time() < highFrom) garps++;
            if (fromA && s.time() >= highFrom - 0.05) after++;
        }
        int scriptRuns = Files.exists(runs) ? (int) Files.readAllLines(runs).size() : 0;
        List<String> lowerLines = Files.exists(fifoOut)
                ? Files.readAllLines(fifoOut).stream().filter(l -> l.contains("RX_LOWER")).toList() : List.of();
        return new ElectionOutcome(answers, garps, scriptRuns, after, yielded, lowerLines);
    }

    @Test void lowerAndHigherPriorityHeardAsKeepalived() throws Exception {
        Path runs = lab.dir.resolve("rx-lower.runs");
        Path script = lab.write("rx-lower.sh", "#!/bin/sh\necho ran >> " + runs + "\n");
        script.toFile().setExecutable(true);
        Path fifo = lab.dir.resolve("notify.fifo"), fifoOut = lab.dir.resolve("fifo.txt");
        Path conf = lab.write("election.conf", """
                global_defs {
                  vrrp_notify_fifo %s
                }
                vrrp_instance VI_1 {
                  state MASTER
                  interface eth0
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  garp_master_delay 0
                  garp_master_repeat 1
                  lower_prio_no_advert
                  higher_prio_send_advert
                  garp_lower_prio_repeat 2
                  garp_lower_prio_delay 2
                  notify_master_rx_lower_pri %s
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                """.formatted(fifo, script));
        ElectionOutcome ka = lowerThenHigher("ka", conf, runs, fifo, fifoOut);
        System.out.println("keepalived 2.2.7: " + ka);
        // 5 lower-priority adverts: 2 GARPs each at once and 2 each after 2 s; the script each time; no answer adverts
        assertThat(ka.garpsAfterLower()).isEqualTo(20);
        assertThat(ka.scriptRuns()).isEqualTo(5);
        assertThat(ka.answersToLower()).isLessThanOrEqualTo(1);
        assertThat(ka.advertsAfterHigher()).isEqualTo(1);
        assertThat(ka.yielded()).isTrue();
        assertThat(ka.fifoLines()).hasSize(5).containsOnly("INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 150");
        ElectionOutcome vigil = lowerThenHigher("vigil", conf, runs, fifo, fifoOut);
        System.out.println("Vigil: " + vigil);
        assertThat(vigil.garpsAfterLower()).as(lab.logs()).isEqualTo(ka.garpsAfterLower());
        assertThat(vigil.scriptRuns()).isEqualTo(ka.scriptRuns());
        assertThat(vigil.answersToLower()).isLessThanOrEqualTo(1);
        assertThat(vigil.advertsAfterHigher()).isEqualTo(ka.advertsAfterHigher());
        assertThat(vigil.yielded()).isTrue();
        assertThat(vigil.fifoLines()).isEqualTo(ka.fifoLines());
    }

    // ------------------------------------------------------------ down_timer_adverts, unicast_fault_no_peer

    /** Seconds from the crafted master's last advert to the node's first, and whether the no-peer instance showed. */
    record TakeoverOutcome(double takeoverSeconds, boolean faultInstanceAdvertised, boolean faultVipAdded) {}

    private TakeoverOutcome takeover(String name, Path conf) throws Exception {
        NetLab.Proc cap = capture(name + "-cap");
        double start = now();
        // a master at 200 from the start, so the node is BACKUP; it stops after 6 s
        NetLab.Proc p = name.startsWith("ka") ? lab.keepalived(name, a, conf) : lab.vigil(name, a, conf);
        for (int i = 0; i < 6; i++) { send(51, 200, "192.0.2.100", Ipv4Address.VRRP_GROUP); Thread.sleep(250); }
        NetLab.awaitStarted(p);
        for (int i = 0; i < 12; i++) { send(51, 200, "192.0.2.100", Ipv4Address.VRRP_GROUP); Thread.sleep(500); }
        await(name + " takes over", p::logText, Duration.ofSeconds(20), quiet(() -> lab.hasAddr(a, "192.0.2.100/24")));
        Thread.sleep(1500);
        boolean faultVip = lab.hasAddr(a, "192.0.2.103/24");
        if (name.startsWith("ka")) lab.crashKeepalived(p); else lab.kill9(p);
        Thread.sleep(500);
        lab.kill9(cap);
        double lastB = -1, firstA = -1;
        boolean faultAdverts = false;
        for (Seen s : parse(cap.logText())) {
            if (s.arp() || s.time() < start) continue;
            if (s.vrid() == 71 && s.src().equals("192.0.2.11")) faultAdverts = true;
            if (s.vrid() != 51) continue;
            if (s.src().equals("192.0.2.12")) lastB = s.time();
            else if (s.src().equals("192.0.2.11") && firstA < 0 && lastB > 0) firstA = s.time();
        }
        assertThat(firstA).as(name + ": an advert of the node after the crafted master's\n" + cap.logText()).isGreaterThan(lastB);
        return new TakeoverOutcome(firstA - lastB, faultAdverts, faultVip);
    }

    @Test void downTimerAdvertsAndUnicastFaultNoPeerAsKeepalived() throws Exception {
        Path conf = lab.write("down.conf", """
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  down_timer_adverts 1
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                vrrp_instance F {
                  state BACKUP
                  interface eth0
                  virtual_router_id 71
                  priority 150
                  advert_int 1
                  unicast_fault_no_peer
                  virtual_ipaddress {
                    192.0.2.103/24
                  }
                }
                """);
        TakeoverOutcome ka = takeover("ka", conf);
        System.out.println("keepalived 2.2.7: " + ka);
        // Master_Down_Interval = 1 advert + skew (256-150)/256 s = 1.414 s (RFC's 3 adverts: 3.414 s)
        assertThat(ka.takeoverSeconds()).isBetween(1.2, 2.0);
        assertThat(ka.faultInstanceAdvertised()).isFalse();
        assertThat(ka.faultVipAdded()).isFalse();
        TakeoverOutcome vigil = takeover("vigil", conf);
        System.out.println("Vigil: " + vigil);
        assertThat(vigil.takeoverSeconds()).as(lab.logs()).isCloseTo(ka.takeoverSeconds(), org.assertj.core.data.Offset.offset(0.3));
        assertThat(vigil.faultInstanceAdvertised()).isFalse();
        assertThat(vigil.faultVipAdded()).isFalse();
    }
}
