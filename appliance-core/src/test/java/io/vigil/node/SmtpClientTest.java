package io.vigil.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.vrrp.VrrpState;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The SMTP dialogue byte for byte against what keepalived 2.2.7 sent to a recording server for the same settings
 * (captured with smtp_helo_name helo.example, two recipients, router_id LVS_TEST; its Date was 06 Dec 2026 05:23:43).
 */
class SmtpClientTest {
    static final String KEEPALIVED_MASTER = """
            HELO helo.example\r
            MAIL FROM:<vigil@example.com>\r
            RCPT TO:<ops@example.com>\r
            RCPT TO:<noc@example.com>\r
            DATA\r
            Date: Sun, 06 Dec 2026 05:23:43 +0000\r
            From: vigil@example.com\r
            Subject: [LVS_TEST] VRRP Instance VI_1 - Entering MASTER state\r
            X-Mailer: Keepalived\r
            To: ops@example.com, noc@example.com\r
            \r
            => VRRP Instance is now owning VRRP VIPs <=\r
            \r
            .\r
            QUIT\r
            """;

    /** Answers every command with {@code reply(line)}, records what the client sent. */
    private static CompletableFuture<String> server(ServerSocket ss, java.util.function.Function<String, String> reply) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket c = ss.accept()) {
                var in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = c.getOutputStream();
                var rec = new ByteArrayOutputStream();
                out.write("220 rec ESMTP\r\n".getBytes());
                boolean data = false;
                String l;
                while ((l = in.readLine()) != null) {
                    rec.write((l + "\r\n").getBytes(StandardCharsets.UTF_8));
                    if (data) {
                        if (l.equals(".")) { data = false; out.write("250 queued\r\n".getBytes()); }
                        continue;
                    }
                    String r = reply.apply(l);
                    if (l.equals("DATA") && r.startsWith("354")) data = true;
                    out.write((r + "\r\n").getBytes());
                    if (l.equals("QUIT")) break;
                }
                return rec.toString(StandardCharsets.UTF_8);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test void sameBytesAsKeepalived() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var rec = server(ss, l -> l.equals("DATA") ? "354 go" : l.equals("QUIT") ? "221 bye" : "250-fine\r\n250 OK");
            MailAlert m = MailAlert.instance("LVS_TEST", "VI_1", VrrpState.MASTER).orElseThrow();
            List<String> to = List.of("ops@example.com", "noc@example.com");
            SmtpClient.send("127.0.0.1", ss.getLocalPort(), Duration.ofSeconds(5), "helo.example", "vigil@example.com", to,
                    m.data(ZonedDateTime.of(2026, 12, 6, 5, 23, 43, 0, ZoneOffset.UTC), "vigil@example.com", to));
            assertThat(rec.get()).isEqualTo(KEEPALIVED_MASTER);
        }
    }

    @Test void refusedRecipientIsAFailureWithTheServersCode() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server(ss, l -> l.startsWith("RCPT") ? "550 no such user" : "250 OK");
            assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", ss.getLocalPort(), Duration.ofSeconds(5), "h", "f@x",
                    List.of("nobody@example.com"), "x\r\n"))
                    .isInstanceOfSatisfying(SmtpClient.Failure.class, f -> {
                        assertThat(f.code).isEqualTo(550);
                        assertThat(f.getMessage()).isEqualTo("RCPT: 550 no such user");
                    });
        }
    }

    @Test void silentServerTimesOut() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> SmtpClient.send("127.0.0.1", ss.getLocalPort(), Duration.ofMillis(300), "h", "f@x",
                    List.of("a@example.com"), "x\r\n")).isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test void stopIsNotMailedAndBodiesAreKeepalivedsWords() {
        assertThat(MailAlert.instance("R", "VI_1", VrrpState.STOP)).isEmpty();
        assertThat(MailAlert.instance("R", "VI_1", VrrpState.FAULT).orElseThrow())
                .isEqualTo(new MailAlert("[R] VRRP Instance VI_1 - Entering FAULT state", "=> VRRP Instance is no longer owning VRRP VIPs <="));
        assertThat(MailAlert.group("R", "G1", VrrpState.BACKUP).orElseThrow().body())
                .isEqualTo("=> All VRRP group instances are now in BACKUP state <=");
        assertThat(SmtpClient.dotStuffed(".a\r\n.b\r\nc")).isEqualTo("..a\r\n..b\r\nc");
    }
}
