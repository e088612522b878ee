package io.vigil.api;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Notify command lines and script output are shown only to callers with the token. */
class RedactionTest {
    static final String TOKEN = "s3cret-token";
    static final String SECRET_CMD = "/etc/keepalived/notify.sh --password=hunter2";
    static final String SECRET_OUT = "db password hunter3 rejected";
    static Vertx vertx;
    static ManagementServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll static void start() throws Exception {
        vertx = Vertx.vertx();
        var node = new MemoryNode();
        node.append("notify-run", "event #1", Map.of("script", SECRET_CMD, "trigger", "VI_1 MASTER", "exitCode", 0, "output", SECRET_OUT));
        node.append("check-result", "timer", Map.of("checker", "MISC_CHECK 192.0.2.21:80", "target", "192.0.2.21:80", "up", false,
                "detail", "exit 1: " + SECRET_OUT));
        node.append("check-result", "timer", Map.of("checker", "HTTP_GET 192.0.2.22:80", "target", "192.0.2.22:80", "up", true,
                "detail", "status 200"));
        server = ManagementServer.start(vertx, node, new ManagementOptions("127.0.0.1", 0, Optional.of(TOKEN)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll static void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static String get(String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)));
        if (token != null) b.header("Authorization", "Bearer " + token);
        var res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    @Test void eventsAndExportHideScriptsWithoutTheToken() throws Exception {
        for (String path : new String[] {"/api/v1/events", "/api/v1/journal/export"}) {
            for (String token : new String[] {null, "wrong"}) {
                String body = get(path, token);
                assertThat(body).as(path).doesNotContain("hunter2").doesNotContain("hunter3").contains(Redaction.HIDDEN)
                        .contains("status 200").contains("VI_1 MASTER");
            }
            assertThat(get(path, TOKEN)).as(path).contains(SECRET_CMD).contains(SECRET_OUT).doesNotContain(Redaction.HIDDEN);
        }
    }
}
