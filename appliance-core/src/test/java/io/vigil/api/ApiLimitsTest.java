package io.vigil.api;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The API's connection caps, first-request deadline and body limit, on loopback with raw sockets. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ApiLimitsTest {
    static final String TOKEN = "s3cret-token";
    Vertx vertx;
    ManagementServer server;
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach void start() throws Exception {
        vertx = Vertx.vertx();
    }

    private void serve(ApiLimits limits) throws Exception {
        server = ManagementServer.start(vertx, new MemoryNode(), new VigilMetrics(new MemoryNode()),
                new ManagementOptions("127.0.0.1", 0, Optional.of(TOKEN)), limits)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach void stop() throws Exception {
        for (Socket s : sockets) try { s.close(); } catch (IOException ignored) { }
        if (server != null) server.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test void largeDeclaredBodyWithoutTokenIs413AtOnceAndTheRestIsNeverRead() throws Exception {
        serve(ApiLimits.defaults());
        long total = 200L << 20;
        var r = upload("POST /api/v1/reload HTTP/1.1\r\nHost: x\r\nContent-Length: " + total + "\r\n\r\n", total, false);
        assertThat(r.status).startsWith("HTTP/1.1 413");
        // the server answered before the body and closed: the client could push only what the socket buffers hold
        assertThat(r.sent).as("bytes the client got to send of %d", total).isLessThan(32L << 20);
        assertThat(r.millis).isLessThan(5000);
    }

    @Test void chunkedBodyIsCutAtTheLimitEvenWithTheToken() throws Exception {
        serve(ApiLimits.defaults());
        long total = 200L << 20;
        var r = upload("POST /api/v1/reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nTransfer-Encoding: chunked\r\n\r\n", total, true);
        assertThat(r.sent).as("bytes the client got to send of %d", total).isLessThan(32L << 20);
        assertThat(r.status).matches("HTTP/1.1 (413|202|200).*"); // 413 if the limit was crossed before the action answered
        assertThat(r.millis).isLessThan(5000);
    }

    @Test void oneAddressCannotTakeEveryConnectionAndAFreshClientIsServed() throws Exception {
        serve(ApiLimits.defaults().withMaxConnections(40, 10));
        for (int i = 0; i < 200; i++) sockets.add(connect("127.0.0.1"));
        awaitRefused(190);
        assertThat(get("127.0.0.2", "/api/v1/instances")).startsWith("HTTP/1.1 200");
    }

    @Test void pastTheTotalCapANewcomerDisplacesTheLongestIdleConnection() throws Exception {
        serve(ApiLimits.defaults().withMaxConnections(40, 10));
        for (int a = 10; a < 16; a++) for (int i = 0; i < 10; i++) sockets.add(connect("127.0.0." + a)); // 60 idle > 40
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connectionsDisplaced() < 20 && System.nanoTime() < until) Thread.sleep(20);
        assertThat(server.connectionsDisplaced()).isGreaterThanOrEqualTo(20);
        assertThat(get("127.0.0.2", "/metrics")).startsWith("HTTP/1.1 200");
    }

    @Test void aConnectionThatSendsNothingIsClosedAfterTheFirstRequestTimeout() throws Exception {
        serve(ApiLimits.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(30)));
        Socket s = connect("127.0.0.1");
        s.setSoTimeout(5000);
        long t0 = System.nanoTime();
        assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(300L, 4000L);
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
        return s;
    }

    private void awaitRefused(long n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connectionsRefused() < n && System.nanoTime() < until) Thread.sleep(20);
        assertThat(server.connectionsRefused()).isGreaterThanOrEqualTo(n);
    }

    private String get(String from, String path) throws IOException {
        try (Socket s = connect(from)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    record Upload(String status, long sent, long millis) {}

    /** Sends the head, then up to {@code total} body bytes while a reader collects the answer; stops when the server closes. */
    private Upload upload(String head, long total, boolean chunked) throws Exception {
        try (Socket s = connect("127.0.0.1")) {
            s.setSoTimeout(10_000);
            AtomicReference<String> status = new AtomicReference<>("");
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    InputStream in = s.getInputStream();
                    var sb = new StringBuilder();
                    for (int c; (c = in.read()) >= 0 && c != '\n'; ) sb.append((char) c);
                    status.set(sb.toString().strip());
                    in.readAllBytes();
                } catch (IOException ignored) {
                    // reset by the server after its answer
                }
            });
            OutputStream out = s.getOutputStream();
            long t0 = System.nanoTime(), sent = 0;
            byte[] block = new byte[64 * 1024];
            try {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                while (sent < total) {
                    if (chunked) out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(block);
                    if (chunked) out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += block.length;
                }
            } catch (IOException closedByServer) {
                // expected: the server stopped reading
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            reader.join(10_000);
            return new Upload(status.get(), sent, millis);
        }
    }
}
