package io.vigil.linux;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Gratuitous ARP: the frame matches keepalived's, and tcpdump in the peer namespace captures exactly it. */
class GarpSenderTest {
    static final HexFormat HEX = HexFormat.of();
    // [GARP-ON-TAKEOVER] from shared/vectors/vrrp-adverts.txt (d1's MAC 6e:2d:d4:6a:bb:35, VIP 192.0.2.100)
    static final String GOLDEN = "ffffffffffff6e2dd46abb35080600010800060400016e2dd46abb35c0000264ffffffffffffc0000264";

    @Test
    void frameIsKeepalivedsByteForByte() {
        byte[] f = GarpSender.frame(MacAddress.parse("6e:2d:d4:6a:bb:35"), Ipv4InterfaceAddress.inet4("192.0.2.100"));
        assertThat(HEX.formatHex(f)).isEqualTo(GOLDEN);
    }

    @Test
    void tcpdumpInThePeerNamespaceCapturesTheGarp() throws Exception {
        Inet4Address vip = Ipv4InterfaceAddress.inet4("192.0.2.100");
        Path dir = Files.createTempDirectory("vl-garp");
        Path pcap = dir.resolve("garp.pcap"), log = dir.resolve("tcpdump.log");
        try (TwoHostLab lab = new TwoHostLab()) {
            LinkInfo eth0 = lab.a.call(() -> { try (Rtnetlink rt = Rtnetlink.open()) { return rt.link("eth0").orElseThrow(); } });
            GarpSender garp = lab.a.call(GarpSender::open);
            try (garp) {
                Process tcpdump = lab.b.spawn(log, "tcpdump", "-i", "eth0", "-n", "-U", "-c", "1", "-w", pcap.toString(),
                        "arp and ether src " + eth0.mac());
                waitFor(() -> Files.readString(log).contains("listening on"), "tcpdump to start: " + log);
                // tcpdump may still be attaching its filter: repeat (keepalived repeats too) until it has one
                for (int i = 0; i < 50 && tcpdump.isAlive(); i++) {
                    garp.send(eth0.index(), eth0.mac(), vip);
                    tcpdump.waitFor(100, TimeUnit.MILLISECONDS);
                }
                assertThat(tcpdump.waitFor(5, TimeUnit.SECONDS)).as("tcpdump captured a frame").isTrue();
            }
            byte[] frame = firstPcapFrame(Files.readAllBytes(pcap));
            assertThat(HEX.formatHex(frame)).isEqualTo(HEX.formatHex(GarpSender.frame(eth0.mac(), vip)));
            assertThat(HEX.formatHex(frame, 0, 6)).isEqualTo("ffffffffffff");
            assertThat(HEX.formatHex(frame, 28, 32)).isEqualTo("c0000264"); // sender IP = VIP
            assertThat(HEX.formatHex(frame, 38, 42)).isEqualTo("c0000264"); // target IP = VIP
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir);
        }
    }

    /** The first packet of a classic pcap file (24-byte file header, 16-byte record header). */
    static byte[] firstPcapFrame(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xa1b2c3d4) b.order(ByteOrder.BIG_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0xa1b2c3d4);
        int incl = b.getInt(24 + 8);
        byte[] f = new byte[incl];
        b.get(24 + 16, f);
        return f;
    }

    interface Check { boolean ok() throws Exception; }

    static void waitFor(Check c, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (c.ok()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
