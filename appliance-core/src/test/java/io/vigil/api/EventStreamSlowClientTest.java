package io.vigil.api;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that opens the event stream and stops reading must be disconnected rather than buffered without
 * bound, and must be able to resume with Last-Event-ID without losing or repeating an event.
 */
class EventStreamSlowClientTest {
    static final int EVENTS = 30_000;
    static final String PAD = "x".repeat(1000); // ~30 MB of frames: far more than the socket buffers hold

    Vertx vertx;
    MemoryNode node;
    ManagementServer server;

    @BeforeEach void start() throws Exception {
        vertx = Vertx.vertx();
        node = new MemoryNode();
        server = ManagementServer.start(vertx, node, new ManagementOptions("127.0.0.1", 0, Optional.empty()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatStopsReadingIsCutOffAndResumesWithLastEventId() throws Exception {
        URI url = URI.create(server.url());
        byte[] received;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 3000);
            s.getOutputStream().write(("GET /api/v1/events/stream?after=0 HTTP/1.1\r\nHost: " + url.getHost() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (node.subscribers() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(node.subscribers()).as("stream subscribed").isEqualTo(1);
            for (int i = 0; i < EVENTS; i++) node.append("CheckResult", "timer", Map.of("n", i, "pad", PAD));
            // the server drops the subscription once it gives up on us, while we still have not read a byte
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (node.subscribers() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(node.subscribers()).as("slow client's subscription dropped").isZero();
            s.setSoTimeout(10_000);
            received = readUntilClosed(s.getInputStream());
        }
        List<Long> ids = completeFrameIds(dechunk(received));
        assertThat(ids).as("not everything was buffered for the slow client").hasSizeLessThan(EVENTS);
        for (int i = 0; i < ids.size(); i++) assertThat(ids.get(i)).isEqualTo(i + 1L);

        // the server is fine, and the client resumes where it got to
        long last = ids.isEmpty() ? 0 : ids.getLast();
        var req = HttpRequest.newBuilder(URI.create(server.url() + "api/v1/events/stream"))
                .header("Last-Event-ID", Long.toString(last)).build();
        var res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        long expect = last + 1;
        try (var in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            for (String line; expect <= EVENTS && (line = in.readLine()) != null; ) {
                if (line.startsWith("id: ")) assertThat(Long.parseLong(line.substring(4))).isEqualTo(expect++);
            }
        }
        assertThat(expect).as("every event after Last-Event-ID delivered once, in order").isEqualTo(EVENTS + 1L);
    }

    /** Whatever the socket still yields before EOF or a reset. */
    private static byte[] readUntilClosed(InputStream in) {
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try {
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
        } catch (IOException e) {
            // connection reset by the server: expected
        }
        return out.toByteArray();
    }

    /** The body of a chunked HTTP/1.1 response, up to where it was cut. */
    static String dechunk(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int i = text.indexOf("\r\n\r\n");
        assertThat(i).as("response headers").isPositive();
        assertThat(text).startsWith("HTTP/1.1 200");
        i += 4;
        var body = new StringBuilder();
        while (i < text.length()) {
            int eol = text.indexOf("\r\n", i);
            if (eol < 0) break;
            int size = Integer.parseInt(text.substring(i, eol).trim(), 16);
            if (size == 0) break;
            int start = eol + 2, end = Math.min(start + size, text.length());
            body.append(text, start, end);
            i = end + 2;
        }
        return body.toString();
    }

    /** Ids of the frames that arrived whole (terminated by a blank line). */
    static List<Long> completeFrameIds(String body) {
        List<Long> ids = new ArrayList<>();
        int from = 0;
        for (int end; (end = body.indexOf("\n\n", from)) >= 0; from = end + 2) {
            String frame = body.substring(from, end);
            if (frame.startsWith("id: ")) ids.add(Long.parseLong(frame.substring(4, frame.indexOf('\n'))));
        }
        return ids;
    }
}
