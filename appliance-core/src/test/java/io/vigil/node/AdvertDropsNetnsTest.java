package io.vigil.node;

import io.vigil.api.ManagementOptions;
import io.vigil.api.NodeApi;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.lab.NetnsTopology;
import io.vigil.linux.VrrpSocket;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.VrrpAdvertFlyweight;
import io.vigil.vrrp.VrrpState;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Vigil node (192.0.2.11, unicast peer 192.0.2.12) in a namespace; a stranger at 192.0.2.13 sends it crafted
 * adverts through a raw VRRP socket. With {@code check_unicast_src} the stranger's priority-255 adverts are
 * dropped and counted and the node stays MASTER; without it the node yields (so the test can fail). Malformed
 * adverts are counted in /metrics by reason.
 */
class AdvertDropsNetnsTest {
    private static final Ipv4Address NODE = Ipv4Address.parse("192.0.2.11"), STRANGER = Ipv4Address.parse("192.0.2.13");
    private static final List<Ipv4Address> VIPS = List.of(Ipv4Address.parse("192.0.2.100"));

    private static String config(boolean check) {
        return """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 200
                    advert_int 1
                    unicast_src_ip 192.0.2.11
                    unicast_peer {
                        192.0.2.12
                    }
                %s    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(check ? "    check_unicast_src\n" : "");
    }

    @Test
    void strangersAdvertsAreDroppedWithCheckUnicastSrc() throws Exception {
        try (Lab lab = new Lab(config(true))) {
            lab.awaitMaster();
            byte[] takeover = advert(2, 255, STRANGER, NODE);
            for (int i = 0; i < 8; i++) { lab.send(takeover, NODE); Thread.sleep(250); }
            Thread.sleep(3500); // longer than the master-down interval a BACKUP would wait
            VrrpNode.Counters c = lab.node.counters().get("VI_1");
            assertThat(c.state()).isEqualTo(VrrpState.MASTER);
            assertThat(c.drops()).containsEntry(io.vigil.vrrp.DropReason.NOT_UNICAST_PEER, 8L);
            assertThat(lab.metric("vigil_vrrp_dropped_total", "reason=\"not_unicast_peer\"")).isEqualTo(8);
            // the MASTER's adverts, each timed from its timer's deadline (not from the previous advert, 1 s before)
            long sent = lab.metric("vigil_vrrp_advert_late_seconds_count", "iname=\"VI_1\"");
            assertThat(sent).isGreaterThanOrEqualTo(4);
            // (one scrape each: an advert a second may fall between them)
            assertThat(lab.metric("vigil_vrrp_advert_late_seconds_bucket", "le=\"0.5\"")).isBetween(sent, sent + 1);
            assertThat(lab.metric("vigil_vrrp_advert_wake_late_seconds_count", "iname=\"VI_1\"")).isBetween(sent, sent + 2);
            assertThat(lab.metric("vigil_vrrp_advert_wake_late_seconds_bucket", "le=\"0.5\"")).isBetween(sent, sent + 3);
            assertThat(lab.ns.ip("-4", "addr", "show", "dev", "eth0").output()).contains("192.0.2.100/24");
        }
    }

    @Test
    void withoutCheckUnicastSrcTheStrangerTakesOver() throws Exception {
        try (Lab lab = new Lab(config(false))) {
            lab.awaitMaster();
            byte[] takeover = advert(2, 255, STRANGER, NODE);
            for (int i = 0; i < 8; i++) { lab.send(takeover, NODE); Thread.sleep(250); }
            await(() -> state(lab) == VrrpState.BACKUP, "the node to yield to the stranger");
            assertThat(lab.node.counters().get("VI_1").drops()).doesNotContainKey(io.vigil.vrrp.DropReason.NOT_UNICAST_PEER);
            // while the master is heard the VIP thread is never readied for a takeover (each advert pushes the
            // master-down deadline back); once it falls silent it is, once, just before the takeover
            long before = lab.node.standBys();
            for (int i = 0; i < 36; i++) { lab.send(takeover, NODE); Thread.sleep(250); } // 9 s: over two Master_Down_Intervals
            assertThat(state(lab)).isEqualTo(VrrpState.BACKUP);
            assertThat(lab.node.standBys()).as("stand-bys while the master was heard").isEqualTo(before);
            await(() -> state(lab) == VrrpState.MASTER, "the takeover once the stranger is silent");
            assertThat(lab.node.standBys()).as("stand-bys for the takeover").isEqualTo(before + 1);
        }
    }

    @Test
    void everyMalformedAdvertIsCountedInMetricsByReason() throws Exception {
        try (Lab lab = new Lab(config(true))) {
            lab.awaitMaster();
            byte[] good = advert(2, 100, STRANGER, NODE);
            byte[] truncated = Arrays.copyOf(good, 10);              // header says 1 address + auth data: 20 bytes
            byte[] wrongVersion = good.clone();
            wrongVersion[0] = 0x11;                                   // VRRP version 1: the decoder refuses it
            byte[] v3 = advert(3, 100, STRANGER, NODE);               // version 3 to a v2 instance: the engine refuses it
            byte[] badChecksum = good.clone();
            badChecksum[6] ^= 0x5a;
            byte[] multicast = advert(2, 100, STRANGER, Ipv4Address.VRRP_GROUP); // a unicast instance expects unicast
            byte[] otherVrid = VrrpAdvertFlyweight.encode(2, 77, 100, 100, VIPS, VrrpAdvertFlyweight.AUTH_NONE, null, STRANGER, NODE);
            byte[] otherVridTruncated = Arrays.copyOf(otherVrid, 9);
            for (int i = 0; i < 3; i++) {
                lab.send(truncated, NODE);
                lab.send(wrongVersion, NODE);
                lab.send(v3, NODE);
                lab.send(badChecksum, NODE);
                lab.send(multicast, Ipv4Address.VRRP_GROUP);
                lab.send(otherVrid, NODE);
                lab.send(otherVridTruncated, NODE);
            }
            await(() -> lab.metricOrZero("vigil_vrrp_receive_dropped_total", "reason=\"truncated\"") == 3, "the counters");
            assertThat(lab.metric("keepalived_packet_length_errors_total", "iname=\"VI_1\"")).isEqualTo(3);
            assertThat(lab.metric("vigil_vrrp_dropped_total", "reason=\"truncated\"")).isEqualTo(3);
            assertThat(lab.metric("vigil_vrrp_dropped_total", "reason=\"version_mismatch\"")).isEqualTo(6);
            assertThat(lab.metric("vigil_vrrp_dropped_total", "reason=\"bad_checksum\"")).isEqualTo(3);
            assertThat(lab.metric("vigil_vrrp_dropped_total", "reason=\"unexpected_destination\"")).isEqualTo(3);
            assertThat(lab.metric("vigil_vrrp_receive_dropped_total", "reason=\"vrid_mismatch\"")).isEqualTo(3);
            assertThat(lab.node.counters().get("VI_1").state()).isEqualTo(VrrpState.MASTER);
        }
    }

    private static VrrpState state(Lab lab) {
        try { return lab.node.counters().get("VI_1").state(); } catch (Exception e) { throw new IllegalStateException(e); }
    }

    private static byte[] advert(int version, int priority, Ipv4Address src, Ipv4Address dst) {
        return VrrpAdvertFlyweight.encode(version, 51, priority, 100, VIPS, VrrpAdvertFlyweight.AUTH_NONE, null, src, dst);
    }

    static void await(BooleanSupplier c, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    /** Namespaces sw (bridge), n (the Vigil node) and x (the stranger); the node's VRRP, journal and API. */
    private static final class Lab implements AutoCloseable {
        final NetnsTopology topo = NetnsTopology.createUnique("vd");
        final NetnsTopology.Namespace ns, stranger;
        final Path dir = Files.createTempDirectory("vigil-drops");
        Journal journal;
        VrrpNode node;
        NodeApi api;
        VrrpSocket raw;
        final HttpClient http = HttpClient.newHttpClient();

        Lab(String conf) throws Exception {
            try {
                NetnsTopology.Namespace sw = topo.namespace("sw");
                topo.bridge(sw, "br0");
                ns = topo.host("n", "eth0", "192.0.2.11/24", sw, "br0");
                stranger = topo.host("x", "eth0", "192.0.2.13/24", sw, "br0");
                Path file = dir.resolve("keepalived.conf");
                Files.writeString(file, conf);
                KeepalivedConfig cfg = ConfigLoader.loadText("keepalived.conf", conf, dir, LoadOptions.defaults()).config().orElseThrow();
                NodeSetup setup = NodeConfig.from(cfg, file, w -> { });
                journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "drops"));
                node = ns.call(() -> VrrpNode.start(setup, journal));
                api = NodeApi.start(new ManagementOptions("127.0.0.1", 0, Optional.empty()), "drops", cfg, journal, node,
                        (force, cause) -> new io.vigil.api.Views.Reload(-1, false, "", java.util.List.of("not in this test")),
                        NodeApi.DrainHook.NONE);
                raw = stranger.call(() -> VrrpSocket.open("eth0"));
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        void awaitMaster() throws Exception { await(() -> state(this) == VrrpState.MASTER, "VI_1 to become MASTER"); }

        void send(byte[] vrrp, Ipv4Address dst) throws Exception {
            raw.send(inet(STRANGER), inet(dst), ByteBuffer.wrap(vrrp));
        }

        private static Inet4Address inet(Ipv4Address a) throws Exception {
            return (Inet4Address) InetAddress.getByName(a.toString());
        }

        long metric(String name, String label) throws Exception {
            String body = http.send(HttpRequest.newBuilder(URI.create(api.url() + "metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} ([0-9.eE+]+)$").matcher(body);
            if (!m.find()) throw new AssertionError(name + "{" + label + "} not in /metrics:\n" + body);
            return (long) Double.parseDouble(m.group(1));
        }

        long metricOrZero(String name, String label) {
            try { return metric(name, label); } catch (Throwable t) { return 0; }
        }

        @Override public void close() {
            if (raw != null) raw.close();
            if (api != null) api.close();
            if (node != null) node.stop(io.vigil.journal.Cause.signal("test"));
            if (journal != null) journal.close();
            topo.close();
        }
    }
}
