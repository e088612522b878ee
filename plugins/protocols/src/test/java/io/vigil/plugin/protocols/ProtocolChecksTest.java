package io.vigil.plugin.protocols;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import io.vigil.linux.NetnsExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each checker against a real server of its kind: GreenMail, dnsmasq, a UDP echo, ICMP in namespaces, a file. */
class ProtocolChecksTest {
    static Vertx vertx;

    @BeforeAll static void start() { vertx = Vertx.vertx(); }
    @AfterAll static void stop() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    static CheckResult run(Check c, String address, int port, Duration timeout) throws Exception {
        return c.run(CheckContext.of(vertx, address, port, timeout, timeout.plusSeconds(1))).await(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { return s.getLocalPort(); }
    }

    // ---- SMTP_CHECK -----------------------------------------------------------------------------------------

    @Test void smtpAgainstGreenMail() throws Exception {
        int port = freePort();
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            Check c = new SmtpCheckFactory().create(block("SMTP_CHECK", leaf("helo_name", "director.example.org")));
            CheckResult up = run(c, "127.0.0.1", port, Duration.ofSeconds(3));
            assertThat(up.up()).as(up.detail()).isTrue();
            assertThat(up.detail()).isEqualTo("SMTP server 127.0.0.1:" + port + ": HELO director.example.org accepted");
            // a second, dead host in a (deprecated) host block: the real server is down, naming that host
            int dead = freePort();
            Check two = new SmtpCheckFactory().create(block("SMTP_CHECK", leaf("connect_timeout", "2"),
                    block("host", leaf("connect_ip", "127.0.0.1"), leaf("connect_port", String.valueOf(dead)))));
            CheckResult r = run(two, "127.0.0.1", port, Duration.ofSeconds(2));
            assertThat(r.up()).isFalse();
            assertThat(r.detail()).startsWith("SMTP server 127.0.0.1:" + dead + ": connection refused");
            assertThat(two.timeout()).contains(Duration.ofSeconds(4));
        } finally {
            mail.stop();
        }
        CheckResult gone = run(new SmtpCheckFactory().create(block("SMTP_CHECK")), "127.0.0.1", port, Duration.ofSeconds(2));
        assertThat(gone.up()).isFalse();
        assertThat(gone.detail()).isEqualTo("SMTP server 127.0.0.1:" + port + ": connection refused");
    }

    /** Reply parsing: a 554 greeting and a refused HELO fail; a multi-line greeting is read to its last line. */
    @Test void smtpBadGreetingAndHelo() throws Exception {
        for (String[] script : List.of(new String[] {"554 no service\r\n", null, "bad greeting banner '554 no service'"},
                new String[] {"220 mx ESMTP\r\n", "501 syntax\r\n", "bad HELO response '501 syntax'"},
                new String[] {"220-mx ESMTP\r\n220-more\r\n554 but no\r\n", null, "bad greeting banner '554 but no'"})) {
            try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread server = Thread.ofVirtual().start(() -> {
                    try (Socket s = ss.accept()) {
                        OutputStream out = s.getOutputStream();
                        out.write(script[0].getBytes(StandardCharsets.US_ASCII));
                        if (script[1] != null) {
                            SmtpCheck.readLine(s.getInputStream());
                            out.write(script[1].getBytes(StandardCharsets.US_ASCII));
                        }
                        s.getInputStream().read();
                    } catch (IOException ignored) {
                        // the checker hung up
                    }
                });
                CheckResult r = run(new SmtpCheckFactory().create(block("SMTP_CHECK")), "127.0.0.1", ss.getLocalPort(), Duration.ofSeconds(2));
                assertThat(r.up()).isFalse();
                assertThat(r.detail()).isEqualTo(script[2] + " from SMTP server 127.0.0.1:" + ss.getLocalPort());
                server.join(5000);
            }
        }
        assertThat(SmtpCheck.status("250 ok")).isEqualTo(250);
        assertThat(SmtpCheck.status("250")).isEqualTo(250);
        assertThat(SmtpCheck.status("2500 x")).isEqualTo(-1);
        assertThatThrownBy(() -> new SmtpCheckFactory().create(block("SMTP_CHECK", leaf("helo")))).hasMessageContaining("unknown keyword 'helo'");
        assertThatThrownBy(() -> new SmtpCheckFactory().create(block("SMTP_CHECK", block("host", leaf("url", "x")))))
                .hasMessageContaining("unknown keyword 'url' in SMTP_CHECK host");
    }

    // ---- DNS_CHECK ------------------------------------------------------------------------------------------

    @Test void dnsAgainstDnsmasq(@TempDir Path dir) throws Exception {
        int port = freeUdpPort();
        Process dnsmasq = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--user=root",
                "--pid-file=", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--local=/vigil.test/", "--host-record=www.vigil.test,192.0.2.10", "--mx-host=vigil.test,mx.vigil.test,10",
                "--log-facility=" + dir.resolve("dnsmasq.log"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
        try {
            DnsCheckFactory f = new DnsCheckFactory();
            Check a = f.create(block("DNS_CHECK", leaf("type", "A"), leaf("name", "www.vigil.test")));
            CheckResult up = awaitUp(a, port);
            assertThat(up.detail()).isEqualTo("DNS server 127.0.0.1:" + port + ": A www.vigil.test NOERROR, 1 answer(s)");
            CheckResult mx = run(f.create(block("DNS_CHECK", leaf("type", "mx"), leaf("name", "vigil.test"))), "127.0.0.1", port, Duration.ofSeconds(2));
            assertThat(mx.up()).as(mx.detail()).isTrue();
            CheckResult nx = run(f.create(block("DNS_CHECK", leaf("type", "A"), leaf("name", "nope.vigil.test"))), "127.0.0.1", port, Duration.ofSeconds(2));
            assertThat(nx.up()).isFalse();
            assertThat(nx.detail()).isEqualTo("DNS server 127.0.0.1:" + port + ": A nope.vigil.test answered rcode 3 (NXDOMAIN)");
            // keepalived's default query, SOA of the root: dnsmasq has no upstream for it and refuses
            CheckResult root = run(f.create(block("DNS_CHECK")), "127.0.0.1", port, Duration.ofSeconds(2));
            assertThat(root.up()).isFalse();
            assertThat(root.detail()).startsWith("DNS server 127.0.0.1:" + port + ": SOA . answered rcode ");
        } finally {
            dnsmasq.destroy();
            dnsmasq.waitFor(5, TimeUnit.SECONDS);
        }
        CheckResult gone = run(new DnsCheckFactory().create(block("DNS_CHECK", leaf("name", "www.vigil.test"))), "127.0.0.1", port, Duration.ofSeconds(2));
        assertThat(gone.up()).isFalse();
        assertThat(gone.detail()).isEqualTo("DNS server 127.0.0.1:" + port + ": port unreachable (ICMP)");
        assertThatThrownBy(() -> new DnsCheckFactory().create(block("DNS_CHECK", leaf("type", "PTR")))).hasMessageContaining("unknown DNS check type 'PTR'");
        assertThatThrownBy(() -> new DnsCheckFactory().create(block("DNS_CHECK", leaf("name", "a..b")))).hasMessageContaining("empty label");
    }

    private static CheckResult awaitUp(Check c, int port) throws Exception {
        CheckResult r = null;
        for (int i = 0; i < 50; i++) {     // dnsmasq needs a moment to bind
            r = run(c, "127.0.0.1", port, Duration.ofSeconds(1));
            if (r.up()) return r;
            Thread.sleep(100);
        }
        assertThat(r.up()).as(r.detail()).isTrue();
        return r;
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) { return s.getLocalPort(); }
    }

    @Test void dnsQueryEncoding() {
        byte[] q = DnsCheck.query(0x1234, "www.vigil.test", 1);
        assertThat(q).startsWith(0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 5, 'v');
        assertThat(q).endsWith(4, 't', 'e', 's', 't', 0, 0, 1, 0, 1);
        assertThat(DnsCheck.query(1, "", 6)).endsWith(0, 0, 6, 0, 1).hasSize(17);
    }

    // ---- UDP_CHECK ------------------------------------------------------------------------------------------

    @Test void udpAgainstEcho() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = echo.getLocalPort();
            Thread server = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                while (!echo.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            UdpCheckFactory f = new UdpCheckFactory();
            CheckResult plain = run(f.create(block("UDP_CHECK")), "127.0.0.1", port, Duration.ofSeconds(1));
            assertThat(plain.up()).as(plain.detail()).isTrue();
            assertThat(plain.detail()).isEqualTo("UDP 127.0.0.1:" + port + ": reply of 32 octets");
            CheckResult match = run(f.create(block("UDP_CHECK", leaf("payload", "de ad be ef 01"),
                    leaf("require_reply", "DEAD", "bXef"))), "127.0.0.1", port, Duration.ofSeconds(1));
            assertThat(match.up()).as(match.detail()).isTrue();
            CheckResult mismatch = run(f.create(block("UDP_CHECK", leaf("payload", "deadbeef"), leaf("require_reply", "deadbeee"))),
                    "127.0.0.1", port, Duration.ofSeconds(1));
            assertThat(mismatch.up()).isFalse();
            assertThat(mismatch.detail()).isEqualTo("UDP 127.0.0.1:" + port + ": reply data mismatch (deadbeef)");
            CheckResult tooShort = run(f.create(block("UDP_CHECK", leaf("payload", "01 02"), leaf("require_reply", "01"),
                    leaf("min_reply_length", "3"))), "127.0.0.1", port, Duration.ofSeconds(1));
            assertThat(tooShort.detail()).endsWith("reply of 2 octets outside 3..255");
            echo.close();
            server.join(5000);
        }
        int closed = freeUdpPort();
        CheckResult refused = run(new UdpCheckFactory().create(block("UDP_CHECK")), "127.0.0.1", closed, Duration.ofSeconds(1));
        assertThat(refused.up()).isFalse();
        assertThat(refused.detail()).isEqualTo("UDP 127.0.0.1:" + closed + ": port unreachable (ICMP)");
        // a silent server (bound, never answers): up without require_reply, down with it
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = silent.getLocalPort();
            assertThat(run(new UdpCheckFactory().create(block("UDP_CHECK")), "127.0.0.1", port, Duration.ofMillis(300)).up()).isTrue();
            CheckResult noReply = run(new UdpCheckFactory().create(block("UDP_CHECK", leaf("require_reply"))), "127.0.0.1", port, Duration.ofMillis(300));
            assertThat(noReply.up()).isFalse();
            assertThat(noReply.detail()).isEqualTo("UDP 127.0.0.1:" + port + ": no reply within 300 ms");
        }
    }

    @Test void hexStringsAsKeepalivedReadsThem() {
        assertThat(HexString.parse("Ab12f 3 456 546443123", false).orElseThrow().data())
                .containsExactly(0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03);
        assertThat(HexString.parse("zz", false)).isEmpty();
        assertThat(HexString.parse("1x", false)).isEmpty();
        HexString w = HexString.parse("1x", true).orElseThrow();
        assertThat(w.matches(new byte[] {0x1f}, 1)).isTrue();
        assertThat(w.matches(new byte[] {0x2f}, 1)).isFalse();
        assertThatThrownBy(() -> new UdpCheckFactory().create(block("UDP_CHECK", leaf("payload", "xyz"))))
                .hasMessageContaining("payload: invalid hex string 'xyz'");
    }

    // ---- PING_CHECK -----------------------------------------------------------------------------------------

    @Test void pingIntoANamespace() throws Exception {
        String sfx = Long.toString(ProcessHandle.current().pid() % 100000, 36) + Integer.toString((int) (Math.random() * 1296), 36);
        String a = "vgpa" + sfx, b = "vgpb" + sfx;
        try {
            sh("ip", "netns", "add", a);
            sh("ip", "netns", "add", b);
            sh("ip", "-n", a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", b);
            sh("ip", "-n", a, "addr", "add", "198.51.100.1/24", "dev", "va");
            sh("ip", "-n", b, "addr", "add", "198.51.100.2/24", "dev", "vb");
            sh("ip", "-n", a, "link", "set", "va", "up");
            sh("ip", "-n", b, "link", "set", "vb", "up");
            sh("ip", "-n", a, "link", "set", "lo", "up");
            Check c = new PingCheckFactory().create(block("PING_CHECK"));
            try (NetnsExecutor in = NetnsExecutor.enter(a)) {
                // a new namespace's net.ipv4.ping_group_range is "1 0" (nobody): the check widens it as keepalived does
                assertThat(in.call(() -> PingSocket.readSysctl().trim())).isEqualTo("1\t0");
                CheckResult up = in.call(() -> run(c, "198.51.100.2", 0, Duration.ofSeconds(2)));
                assertThat(up.up()).as(up.detail()).isTrue();
                assertThat(up.detail()).matches("ICMP echo to 198\\.51\\.100\\.2: echo reply in \\d+\\.\\d{3} ms");
                assertThat(in.call(() -> PingSocket.readSysctl().trim())).isEqualTo("0\t0");
                CheckResult absent = in.call(() -> run(c, "198.51.100.3", 0, Duration.ofMillis(700)));
                assertThat(absent.up()).isFalse();
                assertThat(absent.detail()).isEqualTo("ICMP echo to 198.51.100.3: no echo reply within 700 ms");
                sh("ip", "-n", b, "link", "set", "vb", "down");   // the target goes away
                CheckResult gone = in.call(() -> run(c, "198.51.100.2", 0, Duration.ofMillis(700)));
                assertThat(gone.up()).isFalse();
                sh("ip", "-n", b, "link", "set", "vb", "up");
                CheckResult back = null;
                for (int i = 0; i < 20 && (back == null || !back.up()); i++) back = in.call(() -> run(c, "198.51.100.2", 0, Duration.ofMillis(500)));
                assertThat(back.up()).as(back.detail()).isTrue();
            }
        } finally {
            shQuiet("ip", "netns", "del", a);
            shQuiet("ip", "netns", "del", b);
        }
    }

    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }

    static void shQuiet(String... cmd) {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor();
        } catch (Exception ignored) {
            // cleanup is best effort
        }
    }

    // ---- FILE_CHECK -----------------------------------------------------------------------------------------

    static ConfigNode fileCheck(Path f, String... weight) {
        ConfigNode def = block("track_file", List.of("rs1"), leaf("file", f.toString()));
        List<ConfigNode> kids = new java.util.ArrayList<>(List.of(def, leaf("@real_server_weight", "10")));
        if (weight.length > 0) kids.add(leaf("weight", weight));
        return new ConfigNode("FILE_CHECK", List.of(), kids, io.vigil.check.api.SourceLocation.NONE);
    }

    @Test void fileAsKeepalivedReadsIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rs1.weight");
        FileCheckFactory fac = new FileCheckFactory();
        Check weighted = fac.create(fileCheck(f));
        CheckResult absent = run(weighted, "127.0.0.1", 80, Duration.ofSeconds(1));
        assertThat(absent.up()).isTrue();
        assertThat(absent.weight()).hasValue(10);
        assertThat(absent.detail()).isEqualTo("track_file rs1 (" + f + ") = 0, file absent: weight 10 + 0 = 10");
        Files.writeString(f, "5\n");
        assertThat(run(weighted, "127.0.0.1", 80, Duration.ofSeconds(1)).weight()).hasValue(15);
        Files.writeString(f, "-25\n");
        CheckResult clamped = run(weighted, "127.0.0.1", 80, Duration.ofSeconds(1));
        assertThat(clamped.up()).isTrue();
        assertThat(clamped.weight()).hasValue(0);
        Files.writeString(f, "0x10");
        assertThat(run(weighted, "127.0.0.1", 80, Duration.ofSeconds(1)).weight()).hasValue(26);
        Files.writeString(f, "99999999999\n");       // outside int: ignored, the previous value stays
        CheckResult ignored = run(weighted, "127.0.0.1", 80, Duration.ofSeconds(1));
        assertThat(ignored.weight()).hasValue(26);
        assertThat(ignored.detail()).contains("invalid number ignored");

        Check fault = fac.create(fileCheck(f, "0"));
        Files.writeString(f, "1\n");
        CheckResult down = run(fault, "127.0.0.1", 80, Duration.ofSeconds(1));
        assertThat(down.up()).isFalse();
        assertThat(down.detail()).isEqualTo("track_file rs1 (" + f + ") = 1 (weight 0): fault");
        Files.writeString(f, "0\n");
        assertThat(run(fault, "127.0.0.1", 80, Duration.ofSeconds(1)).up()).isTrue();
        Check reversed = fac.create(fileCheck(f, "0", "reverse"));
        assertThat(run(reversed, "127.0.0.1", 80, Duration.ofSeconds(1)).up()).isFalse();
        Check reversedWeight = fac.create(fileCheck(f, "2", "reverse"));
        Files.writeString(f, "3\n");
        assertThat(run(reversedWeight, "127.0.0.1", 80, Duration.ofSeconds(1)).weight()).hasValue(4);

        assertThatThrownBy(() -> fac.create(block("FILE_CHECK", leaf("track_file", "nope"))))
                .hasMessageContaining("track_file nope not found");
        assertThatThrownBy(() -> fac.create(block("FILE_CHECK"))).hasMessageContaining("missing required 'track_file'");
        assertThat(FileCheck.parse("  -012abc")).hasValue(-10);
        assertThat(FileCheck.parse("junk")).hasValue(0);
        assertThat(Optional.of(FileCheck.parse("2147483648")).get()).hasValue(2147483648L);
    }
}
