package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.journal.store.JournalException;
import io.vigil.journal.store.JournalSet;
import io.vigil.journal.forensic.Forensics;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The replay UI as an incident tool over a 10-minute pair with known incidents and 25 check results/s per node
 * ({@link ReplayJournals}): the thinned index answers as the whole journals do, the timeline aggregates to the
 * zoom, the event table pages without a cap, bundles verify (and tampered ones are refused), and the page does
 * all of it in chromium.
 */
class ReplayUiTest {
    static final long T0 = Instant.parse("2026-11-24T03:00:00Z").toEpochMilli() * 1_000_000L;
    @TempDir static Path tmp;
    static Vertx vertx;
    static ReplayServer server, bundled;
    static ReplayJournals.Truth truth;
    static Path bundle;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void journals() throws Exception {
        truth = ReplayJournals.write(tmp.resolve("a"), tmp.resolve("b"), T0, 600, 25, 600, 540, -1);
        vertx = Vertx.vertx();
        server = ReplayServer.start(vertx, List.of(tmp.resolve("a"), tmp.resolve("b")), "127.0.0.1", 0);
        bundle = tmp.resolve("incident.vigil-bundle");
        server.writeBundle(T0 + 150_000_000_000L, T0 + 250_000_000_000L, bundle);
        bundled = ReplayServer.startBundle(vertx, bundle, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (bundled != null) bundled.close();
        if (server != null) server.close();
        if (vertx != null) vertx.close().await();
    }

    static String get(ReplayServer s, String path) throws Exception {
        var rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).as(path + " → " + rsp.body()).isEqualTo(200);
        return rsp.body();
    }

    static long ms(double s) { return T0 / 1_000_000 + Math.round(s * 1000); }

    @Test
    void thinnedIndexGivesTheSameReportAsTheWholeJournals() {
        Forensics.Report full = Forensics.of(JournalSet.load(List.of(tmp.resolve("a"), tmp.resolve("b")))).report(), thin = server.report();
        assertThat(thin.segments()).isEqualTo(full.segments());
        assertThat(thin.splitBrains()).isEqualTo(full.splitBrains());
        assertThat(thin.crashes()).isEqualTo(full.crashes());
        assertThat(thin.skews()).isEqualTo(full.skews());
        assertThat(thin.missingPeers()).isEqualTo(full.missingPeers());
        assertThat(thin.warnings()).isEqualTo(full.warnings());
        assertThat(thin.failovers()).hasSameSizeAs(full.failovers());
        for (int i = 0; i < full.failovers().size(); i++) {
            var f = full.failovers().get(i);
            var t = thin.failovers().get(i);
            assertThat(t.seq()).isEqualTo(f.seq());
            // a master_down with the peer alive: the whole journal names the peer's last unrelated entry (a check
            // result), the thinned one says no entry explains it; every other chain is the same
            if (!f.why().getFirst().text().startsWith("master_down")) assertThat(t.why()).isEqualTo(f.why());
        }
        assertThat(thin.splitBrains()).extracting(Forensics.SplitBrain::cls).containsExactly("overlap", "partition", "overlap");
        assertThat(thin.crashes()).hasSize(1);
    }

    @Test
    void timelineKnowsTheIncidentsAndAggregatesToTheZoom() throws Exception {
        JsonObject tl = new JsonObject(get(server, "/replay/api/timeline?px=1000"));
        JsonObject sb = partition(tl);
        assertThat(sb.getLong("from")).isEqualTo(truth.splitBrainsMs().getFirst()[0]);
        assertThat(sb.getLong("to")).isEqualTo(truth.splitBrainsMs().getFirst()[1]);
        assertThat(sb.getString("class")).isEqualTo("partition");
        assertThat(tl.getJsonArray("crashes").getJsonObject(0).getString("node")).isEqualTo("lb-a");
        List<String> groups = tl.getJsonArray("lanes").stream().map(o -> ((JsonObject) o).getString("group")).distinct().toList();
        assertThat(groups).contains("vrrp", "prio", "vip", "rs");
        assertThat(tl.getJsonArray("marks").stream().map(o -> ((JsonObject) o).getString("kind")).distinct().toList())
                .contains("start", "config", "operator", "ipvs");
        // 30 px for 10 minutes: the 60 ms VIP/transition flicker of the preemption becomes one MIXED span at most
        JsonObject coarse = new JsonObject(get(server, "/replay/api/timeline?px=50"));
        JsonObject fine = new JsonObject(get(server, "/replay/api/timeline?px=2000&from=" + ms(60) + "&to=" + ms(62)));
        assertThat(spans(fine, "lb-b", "vrrp")).extracting(o -> o.getString("v")).containsExactly("BACKUP", "MASTER");
        assertThat(spans(coarse, "lb-a", "vrrp").size()).isLessThanOrEqualTo(spans(server, "lb-a"));
        long[] counts = tl.getJsonObject("counts").getJsonObject("all").getJsonArray("lb-a").stream().mapToLong(o -> ((Number) o).longValue()).toArray();
        assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo(truth.entriesA());
    }

    static JsonObject partition(JsonObject tl) {
        return tl.getJsonArray("splitBrains").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("class").equals("partition")).findFirst().orElseThrow();
    }

    static List<JsonObject> spans(JsonObject tl, String node, String group) {
        return tl.getJsonArray("lanes").stream().map(JsonObject.class::cast)
                .filter(l -> l.getString("node").equals(node) && l.getString("group").equals(group))
                .flatMap(l -> l.getJsonArray("spans").stream().map(JsonObject.class::cast)).toList();
    }

    static int spans(ReplayServer s, String node) {
        return (int) s.report().segments().stream().filter(x -> x.node().equals(node)).count();
    }

    @Test
    void eventTablePagesThroughEverythingWithoutACap() throws Exception {
        String after = null;
        long rows = 0, folded = 0;
        int pages = 0;
        do {
            JsonObject p = new JsonObject(get(server, "/replay/api/events?limit=5000" + (after == null ? "" : "&after=" + after)));
            for (Object o : p.getJsonArray("rows")) folded += ((JsonObject) o).getInteger("count", 1);
            rows += p.getJsonArray("rows").size();
            after = p.getString("next");
            pages++;
        } while (after != null && pages < 100);
        assertThat(folded).as("every event in some row").isEqualTo(truth.entriesA() + truth.entriesB());
        assertThat(rows).as("repeated check results collapsed").isLessThan(folded / 5);
        // filters: type and node and text
        JsonArray tr = new JsonObject(get(server, "/replay/api/events?type=vrrp-transition&node=lb-b")).getJsonArray("rows");
        assertThat(tr).isNotEmpty().allSatisfy(o -> {
            assertThat(((JsonObject) o).getString("type")).isEqualTo("vrrp-transition");
            assertThat(((JsonObject) o).getString("node")).isEqualTo("lb-b");
        });
        // a text search pages on (each page within its time budget) until the end: one operator action
        JsonArray text = new JsonArray();
        String next = null;
        for (int i = 0; i < 200; i++) {
            JsonObject p = new JsonObject(get(server, "/replay/api/events?q=alice" + (next == null ? "" : "&after=" + next)));
            text.addAll(p.getJsonArray("rows"));
            next = p.getString("next");
            if (next == null) break;
        }
        assertThat(next).isNull();
        assertThat(text).hasSize(1);
        assertThat(text.getJsonObject(0).getString("type")).isEqualTo("operator-action");
    }

    @Test
    void bundleVerifiesOnLoadAndATamperedOneIsRefused() throws Exception {
        assertThat(bundled.verified()).contains("verified", "lb-a", "lb-b", "hash chain checked");
        JsonObject tl = new JsonObject(get(bundled, "/replay/api/timeline"));
        System.out.println(bundled.verified());
        assertThat(partition(tl).getLong("from")).isEqualTo(truth.splitBrainsMs().getFirst()[0]);
        assertThat(partition(tl).getLong("to")).isEqualTo(truth.splitBrainsMs().getFirst()[1]);

        // the page's "export bundle" (GET api/bundle) gives a file that verifies the same way
        Path viaHttp = tmp.resolve("http.vigil-bundle");
        Files.writeString(viaHttp, get(server, "/replay/api/bundle?from=" + ms(195) + "&to=" + ms(215)));
        try (ReplayServer s = ReplayServer.startBundle(vertx, viaHttp, "127.0.0.1", 0)) {
            assertThat(s.verified()).contains("verified", "hash chain checked");
            assertThat(partition(new JsonObject(get(s, "/replay/api/timeline"))).getLong("to")).isEqualTo(truth.splitBrainsMs().getFirst()[1]);
        }

        List<String> lines = Files.readAllLines(bundle);
        int mid = lines.size() / 2;
        assertThat(lines.get(mid)).contains("\"wallNs\"");
        Path edited = tmp.resolve("edited.vigil-bundle");
        List<String> e = new ArrayList<>(lines);
        e.set(mid, e.get(mid).replaceFirst("\"wallNs\":(\\d+)", "\"wallNs\":1$1").replaceFirst("\"time\":\"[^\"]*\",", ""));
        Files.write(edited, e);
        assertThatThrownBy(() -> ReplayServer.startBundle(vertx, edited, "127.0.0.1", 0)).isInstanceOf(JournalException.class)
                .hasMessageContaining("hash mismatch");
        Path dropped = tmp.resolve("dropped.vigil-bundle");
        List<String> d = new ArrayList<>(lines);
        d.remove(mid);
        Files.write(dropped, d);
        assertThatThrownBy(() -> ReplayServer.startBundle(vertx, dropped, "127.0.0.1", 0)).isInstanceOf(JournalException.class)
                .hasMessageContaining("sequence gap");
        Path cut = tmp.resolve("cut.vigil-bundle");
        Files.write(cut, lines.subList(0, lines.size() - 3));
        assertThatThrownBy(() -> ReplayServer.startBundle(vertx, cut, "127.0.0.1", 0)).isInstanceOf(JournalException.class)
                .hasMessageContaining("cut short");
        // the CLI says so and exits 1
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        var oldErr = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        int rc;
        try { rc = new picocli.CommandLine(new io.vigil.cli.ReplayCommand()).execute("--bundle", edited.toString(), "--listen", "127.0.0.1:0"); }
        finally { System.setErr(oldErr); }
        System.out.println("vigil replay --bundle (edited) → exit " + rc + ": " + err);
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("vigil replay:", "hash mismatch");
    }

    /** The page in Debian's chromium via playwright-core (installed by .ci/setup into ui/test/node_modules). */
    @Test
    void browserScenarios() throws Exception {
        Path uiTest = Path.of("..", "ui", "test").toAbsolutePath().normalize();
        assertThat(uiTest.resolve("node_modules/playwright-core")).as("run .ci/setup (npm ci in ui/test)").isDirectory();
        Path shots = Path.of("target", "replay-shots").toAbsolutePath();
        Files.createDirectories(shots);
        Process p = new ProcessBuilder("node", uiTest.resolve("replay-ui-e2e.mjs").toString(),
                "http://127.0.0.1:" + server.port() + "/replay/", "http://127.0.0.1:" + bundled.port() + "/replay/", shots.toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes());
        if (!done) p.destroyForcibly();
        System.out.println(out);
        assertThat(done).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ok: wheel zoom", "ok: drag pan", "ok: crash:", "ok: why of lb-b's preemption in 1 click reaches lb-a#",
                "ok: split window table shows", "ok: type filter", "ok: node filter", "ok: text filter", "ok: bundle page:");
        for (String s : List.of("replay-overview", "replay-zoomed", "replay-crash", "replay-why", "replay-split-busy", "replay-filters", "replay-bundle"))
            assertThat(Files.size(shots.resolve(s + ".png"))).isGreaterThan(10_000);
    }
}
