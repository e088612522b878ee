package io.vigil.api;

import io.vertx.core.Vertx;
import io.vigil.lab.NetnsTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bind policy (docs/api.md): beyond loopback every route but /metrics, /openapi.json and /health needs the
 * token; on loopback reads stay open. The servers bind a documentation address (and the wildcard) inside a network
 * namespace made for the test, since every 127.x address is loopback; clients connect from inside it.
 */
class ApiBindPolicyTest {
    static final String TOKEN = "bind-policy-token";
    static final String ADDRESS = "192.0.2.10";
    /** Every read route, with the parameters it needs; none may answer beyond loopback without the token. */
    static final List<String> READS = List.of("/api/v1/node", "/api/v1/instances", "/api/v1/instances/VI_1",
            "/api/v1/virtual-servers", "/api/v1/virtual-servers/TCP-192.0.2.50-80",
            "/api/v1/virtual-servers/TCP-192.0.2.50-80/real-servers", "/api/v1/checks", "/api/v1/state",
            "/api/v1/events", "/api/v1/events/stream", "/api/v1/journal/export", "/nope");

    NetnsTopology topo;
    NetnsTopology.Namespace ns;
    Vertx vertx;

    @BeforeEach void namespace() throws Exception {
        topo = NetnsTopology.createUnique("vapi");
        ns = topo.namespace("a");
        topo.veth(ns, "eth0", topo.namespace("peer"), "eth0"); // (no dummy module on every kernel)
        ns.addAddress("eth0", ADDRESS + "/24");
        // made on the namespace's thread: its event loops (started from there) open their sockets in the namespace
        vertx = ns.call(Vertx::vertx);
    }

    @AfterEach void cleanUp() throws Exception {
        try {
            if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            topo.close();
        }
    }

    ManagementServer start(String host, Optional<String> token) throws Exception {
        return ns.call(() -> ManagementServer.start(vertx, new MemoryNode(), new ManagementOptions(host, 0, token))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    /** One HTTP/1.1 exchange from inside the namespace; the whole answer, head and body. */
    String http(String host, int port, String method, String path, String bearer) throws Exception {
        return ns.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 3000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "Content-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "failed: " + e;
            }
        });
    }

    static int status(String answer) {
        assertThat(answer).as("an HTTP answer").startsWith("HTTP/1.1 ");
        return Integer.parseInt(answer.substring(9, 12));
    }

    @Test void beyondLoopbackReadsNeedTheTokenAndMetricsDoNot() throws Exception {
        ManagementServer server = start(ADDRESS, Optional.of(TOKEN));
        int port = server.port();
        assertThat(server.readsNeedToken()).isTrue();
        for (String path : READS) {
            String answer = http(ADDRESS, port, "GET", path, null);
            assertThat(status(answer)).as("GET %s without a token", path).isEqualTo(401);
            assertThat(answer).contains("WWW-Authenticate: Bearer realm=\"vigil\"").contains("needs 'Authorization: Bearer <token>'");
            assertThat(status(http(ADDRESS, port, "GET", path, "wrong"))).as("GET %s with a wrong token", path).isEqualTo(403);
        }
        // the router dispatches on the normalized path: an open prefix is no way round
        assertThat(status(http(ADDRESS, port, "GET", "/metrics/../api/v1/instances", null))).isEqualTo(401);
        assertThat(status(http(ADDRESS, port, "GET", "//api/v1/instances", null))).isEqualTo(401);

        String instances = http(ADDRESS, port, "GET", "/api/v1/instances", TOKEN);
        assertThat(status(instances)).isEqualTo(200);
        assertThat(instances).contains("\"name\":\"VI_1\"");
        String export = http(ADDRESS, port, "GET", "/api/v1/journal/export", TOKEN);
        assertThat(status(export)).isEqualTo(200);
        assertThat(export).doesNotContain("X-Vigil-Redacted");
        assertThat(status(http(ADDRESS, port, "GET", "/api/v1/state", TOKEN))).isEqualTo(200);
        assertThat(status(http(ADDRESS, port, "GET", "/api/v1/instances/VI_9", TOKEN))).isEqualTo(404);

        String metrics = http(ADDRESS, port, "GET", "/metrics", null);
        assertThat(status(metrics)).isEqualTo(200);
        assertThat(metrics).contains("keepalived_vrrp_state{");
        assertThat(status(http(ADDRESS, port, "GET", "/openapi.json", null))).isEqualTo(200);
        assertThat(http(ADDRESS, port, "GET", "/health", null)).startsWith("HTTP/1.1 200").endsWith("{\"status\":\"ok\"}");

        // control: the token still opens it, nothing else does
        assertThat(status(http(ADDRESS, port, "POST", "/api/v1/instances/VI_1/maintenance", null))).isEqualTo(401);
        assertThat(status(http(ADDRESS, port, "POST", "/api/v1/instances/VI_1/maintenance", "wrong"))).isEqualTo(403);
        assertThat(status(http(ADDRESS, port, "POST", "/api/v1/instances/VI_1/maintenance", TOKEN))).isEqualTo(202);
    }

    /** The wildcard is beyond loopback, also for a client that comes in over lo; without a token, it says how to set one. */
    @Test void wildcardWithoutATokenAnswersOnlyMetricsAndHealth() throws Exception {
        ManagementServer server = start("0.0.0.0", Optional.empty());
        int port = server.port();
        for (String client : List.of("127.0.0.1", ADDRESS)) {
            String refused = http(client, port, "GET", "/api/v1/instances", null);
            assertThat(status(refused)).as("from %s", client).isEqualTo(401);
            assertThat(refused).contains("started without an API token").contains("--api-token-file");
            String guessed = http(client, port, "GET", "/api/v1/events", "guess");
            assertThat(status(guessed)).isEqualTo(403);
            assertThat(guessed).contains("started without an API token").contains("--api-token-file");
            assertThat(status(http(client, port, "GET", "/metrics", null))).isEqualTo(200);
            assertThat(status(http(client, port, "GET", "/health", null))).isEqualTo(200);
        }
    }

    @Test void onLoopbackReadsStayOpenAndControlNeedsTheToken() throws Exception {
        ManagementServer server = start("127.0.0.1", Optional.of(TOKEN));
        int port = server.port();
        assertThat(server.readsNeedToken()).isFalse();
        for (String path : List.of("/api/v1/node", "/api/v1/instances", "/api/v1/checks", "/api/v1/state", "/api/v1/events",
                "/api/v1/journal/export", "/metrics", "/health")) {
            assertThat(status(http("127.0.0.1", port, "GET", path, null))).as("GET %s without a token", path).isEqualTo(200);
        }
        assertThat(http("127.0.0.1", port, "GET", "/api/v1/journal/export", null)).contains("X-Vigil-Redacted");
        assertThat(status(http("127.0.0.1", port, "POST", "/api/v1/instances/VI_1/maintenance", null))).isEqualTo(401);
        assertThat(status(http("127.0.0.1", port, "POST", "/api/v1/instances/VI_1/maintenance", "wrong"))).isEqualTo(403);
    }

    @Test void whichHostsAreLoopback() {
        for (String host : List.of("127.0.0.1", "127.3.2.1", "::1", "localhost"))
            assertThat(new ManagementOptions(host, 0, Optional.empty()).loopbackOnly()).as(host).isTrue();
        for (String host : List.of("0.0.0.0", "::", ADDRESS, "198.51.100.11", "2001:db8::1"))
            assertThat(new ManagementOptions(host, 0, Optional.empty()).loopbackOnly()).as(host).isFalse();
        assertThat(ManagementOptions.parseListen("[::1]:9179", Optional.empty()).loopbackOnly()).isTrue();
        assertThat(ManagementOptions.parseListen(":9179", Optional.empty()).loopbackOnly()).isTrue();
    }
}
