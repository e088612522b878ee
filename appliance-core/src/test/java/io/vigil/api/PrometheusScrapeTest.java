package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real Prometheus server scrapes the management server; values are read back through its HTTP API. */
class PrometheusScrapeTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private Process prometheus;

    @AfterEach
    void teardown() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void prometheusScrapesKeepalivedAndVigilMetrics(@TempDir Path dir) throws Exception {
        vertx = Vertx.vertx();
        var node = new MemoryNode();
        node.append("VrrpTransition", "timer", Map.of("instance", "VI_1", "from", "BACKUP", "to", "MASTER"));
        var server = ManagementServer.start(vertx, node, new ManagementOptions("127.0.0.1", 0, Optional.empty()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.metrics().observeCheck("HTTP_GET", "TCP-192.0.2.50-80", "192.0.2.21-80", 0.003);
        server.metrics().observeCheck("HTTP_GET", "TCP-192.0.2.50-80", "192.0.2.21-80", 0.2);

        int promPort;
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { promPort = s.getLocalPort(); }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                scrape_configs:
                  - job_name: vigil
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(server.port()));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();

        String base = "http://127.0.0.1:" + promPort + "/api/v1/query?query=";
        JsonArray state = awaitResult(base, "keepalived_vrrp_state", dir);
        var metric = state.getJsonObject(0).getJsonObject("metric");
        assertThat(metric.getString("iname")).isEqualTo("VI_1");
        assertThat(metric.getString("vrid")).isEqualTo("51");
        assertThat(metric.getString("ip_address")).isEqualTo("192.0.2.50");
        assertThat(metric.getString("job")).isEqualTo("vigil");
        assertThat(value(state)).isEqualTo(2.0); // MASTER, as keepalived numbers it

        assertThat(value(awaitResult(base, "keepalived_advertisements_sent_total{iname=\"VI_1\",state=\"MASTER\"}", dir))).isEqualTo(120.0);
        assertThat(value(awaitResult(base, "up{job=\"vigil\"}", dir))).isEqualTo(1.0);
        assertThat(value(awaitResult(base, "node_ipvs_backend_weight{remote_address=\"192.0.2.22\"}", dir))).isEqualTo(1.0);
        assertThat(value(awaitResult(base, "vigil_check_duration_seconds_count{real_server=\"192.0.2.21-80\"}", dir))).isEqualTo(2.0);
        assertThat(value(awaitResult(base, "vigil_check_duration_seconds_bucket{real_server=\"192.0.2.21-80\",le=\"0.005\"}", dir))).isEqualTo(1.0);

        // a change in the projection shows up in the next scrape
        node.append("VrrpTransition", "packet", Map.of("instance", "VI_1", "from", "MASTER", "to", "BACKUP"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        double v = 2;
        while (v != 1.0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            v = value(awaitResult(base, "keepalived_vrrp_state", dir));
        }
        assertThat(v).isEqualTo(1.0);
    }

    private static double value(JsonArray result) {
        return Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }

    private JsonArray awaitResult(String base, String query, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            assertThat(prometheus.isAlive()).as("prometheus exited: " + log(dir)).isTrue();
            try {
                var res = http.send(HttpRequest.newBuilder(URI.create(base + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = res.body();
                if (res.statusCode() == 200) {
                    var result = new JsonObject(res.body()).getJsonObject("data").getJsonArray("result");
                    if (!result.isEmpty()) return result;
                }
            } catch (java.io.IOException notYetListening) {
                last = notYetListening.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no result for " + query + ": " + last + "\n" + log(dir));
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
