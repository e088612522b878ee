package io.vigil.bench;

import io.vigil.lab.NetnsTopology;
import io.vigil.linux.GarpSender;
import io.vigil.linux.Ipv4InterfaceAddress;
import io.vigil.linux.LinkInfo;
import io.vigil.linux.Rtnetlink;
import io.vigil.linux.VrrpSocket;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Latency of the Linux edges on the real kernel, in namespaces vl-a / vl-b on bridge vl-sw:
 * VRRP advert round trip a → b → a through the bridge, VIP add+remove over rtnetlink, GARP send.
 * Run as root: {@code bin/bench io.vigil.bench.LinuxEdgesBench [rounds]}.
 */
public final class LinuxEdgesBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        byte[] advert = HexFormat.of().parseHex("2133960101017b4bc00002647333637233740000");
        Inet4Address a = Ipv4InterfaceAddress.inet4("192.0.2.11"), b = Ipv4InterfaceAddress.inet4("192.0.2.12");
        try (NetnsTopology lab = NetnsTopology.createUnique("vl")) {
            NetnsTopology.Namespace sw = lab.namespace("sw");
            lab.bridge(sw, "br0");
            NetnsTopology.Namespace na = lab.host("a", "eth0", "192.0.2.11/24", sw, "br0");
            NetnsTopology.Namespace nb = lab.host("b", "eth0", "192.0.2.12/24", sw, "br0");
            try (VrrpSocket sa = na.call(() -> VrrpSocket.open("eth0"));
                 VrrpSocket sb = nb.call(() -> VrrpSocket.open("eth0"));
                 Rtnetlink rt = na.call(Rtnetlink::open);
                 GarpSender garp = na.call(GarpSender::open)) {
                Thread echo = Thread.ofPlatform().name("echo").start(() -> {
                    try {
                        while (true) {
                            Optional<VrrpSocket.Received> r = sb.receive(Duration.ofSeconds(5));
                            if (r.isEmpty()) return;
                            sb.send(b, VrrpSocket.VRRP_GROUP, r.get().vrrp());
                        }
                    } catch (Exception e) {
                        // closed at the end of the run
                    }
                });
                long[] rtt = new long[rounds];
                int lost = 0;
                for (int i = 0; i < rounds + 500; i++) { // first 500 are warm-up
                    long t0 = System.nanoTime();
                    sa.send(a, VrrpSocket.VRRP_GROUP, ByteBuffer.wrap(advert));
                    Optional<VrrpSocket.Received> back = sa.receive(Duration.ofSeconds(1));
                    long t = System.nanoTime() - t0;
                    if (back.isEmpty()) lost++;
                    else if (i >= 500) rtt[i - 500] = t;
                }
                report("VRRP advert round trip a->b->a (multicast, bridge)", rtt);
                System.out.printf("  lost: %d%n", lost);

                int idx = rt.ifindex("eth0");
                Ipv4InterfaceAddress vip = Ipv4InterfaceAddress.of(idx, "192.0.2.100/24");
                int n = Math.max(200, rounds / 10);
                long[] add = new long[n], del = new long[n];
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    rt.addAddress(vip);
                    long t1 = System.nanoTime();
                    rt.removeAddress(vip);
                    add[i] = t1 - t0;
                    del[i] = System.nanoTime() - t1;
                }
                report("VIP add (RTM_NEWADDR + ACK)", add);
                report("VIP remove (RTM_DELADDR + ACK)", del);

                LinkInfo eth0 = rt.link(idx).orElseThrow();
                long[] g = new long[n];
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    garp.send(idx, eth0.mac(), vip.address());
                    g[i] = System.nanoTime() - t0;
                }
                report("gratuitous ARP send", g);
                sb.close();
                echo.join();
            }
        }
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%s: n=%d p50=%.1f us p99=%.1f us max=%.1f us%n", what, s.length,
                s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[s.length - 1] / 1e3);
    }
}
