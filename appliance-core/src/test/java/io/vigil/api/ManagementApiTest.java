package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementApiTest {
    static final String TOKEN = "s3cret-token";
    static Vertx vertx;
    static MemoryNode node;
    static ManagementServer server;
    static HttpClient http = HttpClient.newHttpClient();
    static Instant t0, t1;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        node = new MemoryNode();
        t0 = Instant.parse("2026-01-01T00:00:00Z");
        t1 = Instant.parse("2026-01-01T00:00:10Z");
        node.append(t0, "VrrpTransition", "timer", Map.of("instance", "VI_1", "from", "INIT", "to", "BACKUP"));
        node.append(t1, "VrrpTransition", "timer", Map.of("instance", "VI_1", "from", "BACKUP", "to", "MASTER"));
        node.append(t1.plusSeconds(1), "CheckResult", "timer", Map.of("check", "HTTP_GET-192.0.2.21-80", "up", true));
        server = ManagementServer.start(vertx, node, new ManagementOptions("127.0.0.1", 0, Optional.of(TOKEN)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String path, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readsInstancesServersAndChecks() throws Exception {
        var inst = new JsonArray(get("/api/v1/instances").body());
        assertThat(inst).hasSize(1);
        assertThat(inst.getJsonObject(0).getString("name")).isEqualTo("VI_1");
        assertThat(inst.getJsonObject(0).getInteger("vrid")).isEqualTo(51);
        assertThat(inst.getJsonObject(0).getJsonObject("stats").getLong("advertSent")).isEqualTo(120);

        assertThat(new JsonObject(get("/api/v1/instances/VI_1").body()).getJsonArray("vips")).containsExactly("192.0.2.50/24");
        var missing = get("/api/v1/instances/VI_9");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getString("error")).contains("VI_9");

        var vs = new JsonObject(get("/api/v1/virtual-servers/TCP-192.0.2.50-80").body());
        assertThat(vs.getString("scheduler")).isEqualTo("rr");
        assertThat(vs.getJsonArray("realServers")).hasSize(2);
        assertThat(vs.getValue("stats")).isNull();
        var reals = new JsonArray(get("/api/v1/virtual-servers/TCP-192.0.2.50-80/real-servers").body());
        assertThat(reals.getJsonObject(0).getString("id")).isEqualTo("192.0.2.21-80");
        assertThat(get("/api/v1/virtual-servers/TCP-203.0.113.1-80").statusCode()).isEqualTo(404);

        var checks = new JsonArray(get("/api/v1/checks").body());
        assertThat(checks.getJsonObject(0).getString("type")).isEqualTo("HTTP_GET");
        assertThat(new JsonObject(get("/api/v1/node").body()).getString("name")).isEqualTo("lab-d1");
    }

    @Test
    void stateAtAnInstantComesFromTheJournal() throws Exception {
        var before = new JsonObject(get("/api/v1/state?at=" + t0.plusSeconds(5)).body());
        assertThat(before.getJsonObject("state").getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("BACKUP");
        var after = new JsonObject(get("/api/v1/state?at=" + t1.toEpochMilli()).body());
        assertThat(after.getJsonObject("state").getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("MASTER");
        var bad = get("/api/v1/state?at=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("ISO-8601");
    }

    @Test
    void eventsByTimeRangeAndType() throws Exception {
        var range = new JsonArray(get("/api/v1/events?from=" + t0 + "&to=" + t1).body());
        assertThat(range).hasSize(1);
        assertThat(range.getJsonObject(0).getLong("seq")).isEqualTo(1);
        assertThat(range.getJsonObject(0).getString("cause")).isEqualTo("timer");
        var typed = new JsonArray(get("/api/v1/events?from=" + t0 + "&to=" + t1.plusSeconds(5) + "&type=CheckResult").body());
        assertThat(typed).hasSize(1);
        assertThat(typed.getJsonObject(0).getJsonObject("data").getBoolean("up")).isTrue();
        assertThat(new JsonArray(get("/api/v1/events?from=" + t0 + "&limit=2").body())).hasSize(2);
        assertThat(get("/api/v1/events?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void journalExportIsJsonLines() throws Exception {
        var res = get("/api/v1/journal/export?from=" + t0 + "&to=" + t1.plusSeconds(2));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        assertThat(res.headers().firstValue("content-disposition").orElse("")).contains("vigil-journal-lab-d1.jsonl");
        var lines = res.body().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.stream().map(l -> new JsonObject(l).getLong("seq")).toList()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void controlActionsNeedTheTokenAndChangeNothingWithoutIt() throws Exception {
        String drain = "/api/v1/virtual-servers/TCP-192.0.2.50-80/real-servers/192.0.2.22-80/drain";
        long seqBefore = node.lastSeq();

        var none = send("POST", drain, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate").orElse("")).startsWith("Bearer");
        var wrong = send("POST", drain, "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/v1/reload", "nope").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/v1/instances/VI_1/maintenance", null).statusCode()).isEqualTo(401);
        assertThat(node.drained("192.0.2.22-80")).isFalse();
        assertThat(node.reloads).isZero();
        assertThat(node.instances().getFirst().maintenance()).isFalse();
        assertThat(node.lastSeq()).isEqualTo(seqBefore);

        var ok = send("POST", drain, TOKEN);
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(ok.body()).getLong("seq")).isEqualTo(seqBefore + 1);
        assertThat(node.drained("192.0.2.22-80")).isTrue();
        var rs = new JsonArray(get("/api/v1/virtual-servers/TCP-192.0.2.50-80/real-servers").body()).getJsonObject(1);
        assertThat(rs.getBoolean("drained")).isTrue();
        assertThat(rs.getInteger("weight")).isZero();

        assertThat(send("POST", drain.replace("/drain", "/undrain"), TOKEN).statusCode()).isEqualTo(202);
        assertThat(node.drained("192.0.2.22-80")).isFalse();
        assertThat(send("POST", "/api/v1/virtual-servers/TCP-192.0.2.50-80/real-servers/192.0.2.99-80/drain", TOKEN).statusCode()).isEqualTo(404);

        assertThat(send("POST", "/api/v1/instances/VI_1/maintenance", TOKEN).statusCode()).isEqualTo(202);
        assertThat(new JsonObject(get("/api/v1/instances/VI_1").body()).getInteger("effectivePriority")).isEqualTo(1);
        assertThat(send("DELETE", "/api/v1/instances/VI_1/maintenance", TOKEN).statusCode()).isEqualTo(202);
        assertThat(node.instances().getFirst().maintenance()).isFalse();
        var reload = send("POST", "/api/v1/reload", TOKEN);
        assertThat(reload.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(reload.body()).getBoolean("applied")).isTrue();
        assertThat(node.reloads).isEqualTo(1);
    }

    @Test
    void reloadAnswersTheRealOutcome() throws Exception {
        try {
            node.reloadErrors = List.of("/etc/keepalived/keepalived.conf:3:1: error: vrrp_instance VI_1 would have no virtual_ipaddress");
            var rejected = send("POST", "/api/v1/reload", TOKEN);
            assertThat(rejected.statusCode()).isEqualTo(422);
            var body = new JsonObject(rejected.body());
            assertThat(body.getBoolean("applied")).isFalse();
            assertThat(body.getJsonArray("errors").getString(0)).contains("keepalived.conf:3:1").contains("no virtual_ipaddress");
            assertThat(node.lastReloadForced).isFalse();

            node.reloadErrors = List.of();
            var forced = send("POST", "/api/v1/reload?force=true", TOKEN);
            assertThat(forced.statusCode()).isEqualTo(200);
            assertThat(node.lastReloadForced).isTrue();
            assertThat(send("POST", "/api/v1/reload?force=maybe", TOKEN).statusCode()).isEqualTo(400);
        } finally {
            node.reloadErrors = List.of();
        }
    }

    @Test
    void readOnlyServerWithoutTokenRefusesEveryControlAction() throws Exception {
        var ro = ManagementServer.start(vertx, node, new ManagementOptions("127.0.0.1", 0, Optional.empty()))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        try {
            long before = node.lastSeq();
            var req = HttpRequest.newBuilder(URI.create(ro.url() + "api/v1/reload")).POST(HttpRequest.BodyPublishers.noBody());
            assertThat(http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            var res = http.send(req.header("Authorization", "Bearer anything").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(res.body()).contains("without an API token");
            assertThat(node.lastSeq()).isEqualTo(before);
        } finally {
            ro.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void openApiDocumentListsExactlyTheRegisteredRoutes() throws Exception {
        var doc = new JsonObject(get("/openapi.json").body());
        assertThat(doc.getString("openapi")).startsWith("3.");
        Set<String> documented = new HashSet<>();
        var paths = doc.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) documented.add(method.toUpperCase() + " " + path);
        }
        assertThat(server.routeSignatures()).containsExactlyInAnyOrderElementsOf(documented);
        // every documented path parameter is declared, so generated clients can call it
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) {
                var op = paths.getJsonObject(path).getJsonObject(method);
                var declared = new HashSet<String>();
                op.getJsonArray("parameters", new JsonArray()).forEach(p -> {
                    var pj = (JsonObject) p;
                    if (pj.getString("in").equals("path")) declared.add(pj.getString("name"));
                });
                var inPath = new HashSet<String>();
                var m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
                while (m.find()) inPath.add(m.group(1));
                assertThat(declared).as(method + " " + path).isEqualTo(inPath);
            }
        }
    }

    @Test
    void eventStreamDeliversReplayThenLiveEventsInOrder() throws Exception {
        long start = node.lastSeq();
        var req = HttpRequest.newBuilder(URI.create(server.url() + "api/v1/events/stream?after=" + (start - 2))).build();
        var res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        int live = 200;
        Thread writer = Thread.ofPlatform().start(() -> {
            // wait for the subscription, then append from another thread while the stream is open
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (node.subscribers() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
            for (int i = 0; i < live; i++) node.append("CheckResult", "timer", Map.of("n", i));
        });
        List<Long> ids = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            String line;
            while (ids.size() < live + 2 && (line = in.readLine()) != null) {
                if (line.startsWith("id: ")) ids.add(Long.parseLong(line.substring(4)));
                if (line.startsWith("event: ")) types.add(line.substring(7));
                if (line.startsWith("data: ")) assertThat(new JsonObject(line.substring(6)).getLong("seq")).isEqualTo(ids.getLast());
            }
        }
        writer.join();
        assertThat(ids).hasSize(live + 2);
        for (int i = 0; i < ids.size(); i++) assertThat(ids.get(i)).isEqualTo(start - 1 + i);
        assertThat(types.subList(2, types.size())).containsOnly("CheckResult");
        // the server notices the closed stream and drops the subscription
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (node.subscribers() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(node.subscribers()).isZero();
    }

    @Test
    void metricsUseKeepalivedExporterNames() throws Exception {
        var res = get("/metrics");
        assertThat(res.statusCode()).isEqualTo(200);
        String body = res.body();
        assertThat(body).contains("keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",ip_address=\"192.0.2.50\",}");
        assertThat(body).contains("keepalived_advertisements_sent_total{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",state=\"");
        assertThat(body).contains("node_ipvs_backend_weight{local_address=\"192.0.2.50\",local_port=\"80\",remote_address=\"192.0.2.21\",remote_port=\"80\",proto=\"TCP\",local_mark=\"\",} 1.0");
        assertThat(body).contains("vigil_journal_last_sequence");
        // no IPVS in the kernel: no kernel counters are invented, desired weights still shown
        assertThat(body).doesNotContain("node_ipvs_connections_total");
        assertThat(body).contains("vigil_ipvs_kernel_available 0.0");
    }

    @Test
    void grafanaDashboardOnlyUsesMetricsWeExport() throws Exception {
        var withKernel = new MemoryNode();
        withKernel.kernelStats = new Views.IpvsStats(10, 100, 90, 6400, 128000, 3, 1);
        var metrics = new VigilMetrics(withKernel);
        metrics.observeCheck("HTTP_GET", "vs", "rs", 0.01);
        metrics.observeAdvertInterval("VI_1", 1.0);
        metrics.observeJournalAppend(0.00001);
        metrics.pluginFailed("http");
        String scrape = metrics.scrape();
        assertThat(scrape).contains("node_ipvs_connections_total 10.0"); // summed over virtual services, like ip_vs_stats
        Set<String> exported = new HashSet<>();
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> exported.add(l.split("[{ ]")[0]));
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/grafana-vigil.json"));
        var m = java.util.regex.Pattern.compile("\\b((?:keepalived|node_ipvs|vigil)_[a-z_]+)\\b").matcher(dashboard);
        Set<String> used = new HashSet<>();
        while (m.find()) used.add(m.group(1));
        assertThat(used).hasSizeGreaterThan(15);
        assertThat(exported).containsAll(used);
    }
}
