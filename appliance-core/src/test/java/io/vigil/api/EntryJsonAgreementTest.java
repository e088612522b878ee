package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.cli.Main;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.EventType;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.journal.SampleEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One entry, one JSON shape: a journal holding every event type (with every kind of cause) read back through the
 * management API's events, event stream and export download, the replay server's event rows and
 * {@code vigil journal export} gives the same JSON object for each entry (replay rows add only their reference-clock
 * position, {@code at} and {@code ms}).
 */
class EntryJsonAgreementTest {
    static final String TOKEN = "agreement-token";
    @TempDir static Path tmp;
    static Path dir;
    static Vertx vertx;
    static Journal journal;
    static ManagementServer api;
    static ReplayServer replay;
    static final HttpClient http = HttpClient.newHttpClient();
    /** seq → entry, as {@code vigil journal export} writes it (snapshots left out: the API shows events only). */
    static final Map<Long, JsonObject> cli = new LinkedHashMap<>();

    @BeforeAll
    static void journalWithEveryType() throws Exception {
        dir = tmp.resolve("lb-a");
        journal = Journal.open(JournalConfig.defaults(dir, "lb-a").withSnapshotEvery(5));
        List<Cause> causes = SampleEvents.causes();
        int i = 0;
        for (Event e : SampleEvents.all()) if (!e.isAnnotation()) journal.append(causes.get(i++ % causes.size()), e);
        assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();

        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("journal", "export", "--dir", dir.toString());
        assertThat(rc).as(err.toString()).isZero();
        for (String line : out.toString().split("\n")) {
            JsonObject o = new JsonObject(line);
            if (!o.getString("type").equals("snapshot")) cli.put(o.getLong("seq"), o);
        }

        vertx = Vertx.vertx();
        JournalAccess access = new JournalAccess(journal);
        api = ManagementServer.start(vertx, view(access), new ManagementOptions("127.0.0.1", 0, Optional.of(TOKEN)))
                .await();
        replay = ReplayServer.start(vertx, List.of(dir), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (replay != null) replay.close();
        if (vertx != null) vertx.close().await();
        if (journal != null) journal.close();
    }

    /** The journal half of a node's view, as ConfiguredNodeView delegates it; the rest is not asked for here. */
    static NodeView view(JournalAccess access) {
        return new NodeView() {
            @Override public String nodeName() { return "lb-a"; }
            @Override public List<Views.Instance> instances() { return List.of(); }
            @Override public List<Views.VirtualServer> virtualServers() { return List.of(); }
            @Override public List<Views.Check> checks() { return List.of(); }
            @Override public JsonObject stateAt(Instant at) { return access.stateAt(at); }
            @Override public List<Views.Event> events(Instant from, Instant to, Set<String> types, int limit) { return access.events(from, to, types, limit); }
            @Override public void export(Instant from, Instant to, Set<String> types, Consumer<String> line) { access.export(from, to, types, line); }
            @Override public AutoCloseable subscribe(long afterSeq, Consumer<Views.Event> sink) { return access.subscribe(afterSeq, sink); }
            @Override public long lastSeq() { return access.lastSeq(); }
            @Override public Views.JournalInfo journalInfo() { return access.info(); }
            @Override public long drain(String vs, String rs, boolean drained) { throw new UnsupportedOperationException(); }
            @Override public long maintenance(String instance, boolean on) { throw new UnsupportedOperationException(); }
            @Override public Views.Reload reload(boolean force) { throw new UnsupportedOperationException(); }
        };
    }

    static String get(String url) throws Exception {
        var rsp = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).as(url + ": " + rsp.body()).isEqualTo(200);
        return rsp.body();
    }

    static Map<Long, JsonObject> bySeq(Iterable<?> entries) {
        Map<Long, JsonObject> m = new LinkedHashMap<>();
        for (Object o : entries) m.put(((JsonObject) o).getLong("seq"), (JsonObject) o);
        return m;
    }

    @Test
    void theExportHoldsEveryEventTypeInTheDocumentedShape() {
        Set<EventType> seen = EnumSet.noneOf(EventType.class);
        cli.values().forEach(o -> seen.add(EventType.parse(o.getString("type"))));
        assertThat(seen).isEqualTo(EnumSet.complementOf(EnumSet.of(EventType.SNAPSHOT, EventType.DROPPED, EventType.UNKNOWN)));
        for (JsonObject o : cli.values()) {
            assertThat(o.fieldNames()).isSubsetOf("node", "seq", "time", "wallNs", "monoNs", "type", "summary", "cause",
                            "causeSeq", "causeData", "data", "hash", "index", "format")
                    .contains("node", "seq", "time", "wallNs", "monoNs", "type", "summary", "cause", "causeData", "data",
                            "hash", "index", "format");
            assertThat(o.getValue("cause")).isInstanceOf(String.class);
            assertThat(o.getString("type")).matches("[a-z]+(-[a-z]+)*");
        }
        assertThat(cli.values()).anySatisfy(o -> assertThat(o.getLong("causeSeq")).isEqualTo(42L));
    }

    @Test
    void apiEventsAndDownloadGiveTheCliExportsJson() throws Exception {
        assertThat(bySeq(new JsonArray(get(api.url() + "api/v1/events?limit=100000")))).isEqualTo(cli);
        var download = new JsonArray();
        for (String line : get(api.url() + "api/v1/journal/export").split("\n")) {
            JsonObject o = new JsonObject(line);
            if (!o.getString("type").equals("snapshot")) download.add(o);
        }
        assertThat(bySeq(download)).isEqualTo(cli);
    }

    @Test
    void withoutTheTokenASummaryIsRedactedWithTheDataItQuotes() throws Exception {
        var rsp = http.send(HttpRequest.newBuilder(URI.create(api.url() + "api/v1/events?type=notify-run")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).isEqualTo(200);
        JsonArray events = new JsonArray(rsp.body());
        assertThat(events).hasSize(1);
        assertThat(cli.values()).anySatisfy(o -> assertThat(o.getString("summary")).contains("/etc/keepalived/notify.sh"));
        assertThat(rsp.body()).doesNotContain("/etc/keepalived/notify.sh").doesNotContain("started nginx");
        assertThat(events.getJsonObject(0).getString("summary")).isEqualTo(Redaction.HIDDEN);
        assertThat(events.getJsonObject(0).getString("cause")).isNotEqualTo(Redaction.HIDDEN);
    }

    @Test
    void eventStreamGivesTheCliExportsJson() throws Exception {
        var req = HttpRequest.newBuilder(URI.create(api.url() + "api/v1/events/stream?after=0"))
                .header("Authorization", "Bearer " + TOKEN).build();
        var res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        var frames = new JsonArray();
        try (var in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            String line;
            while (frames.size() < cli.size() && (line = in.readLine()) != null)
                if (line.startsWith("data: ")) frames.add(new JsonObject(line.substring(6)));
        }
        assertThat(bySeq(frames)).isEqualTo(cli);
    }

    @Test
    void liveEventsHaveTheShapeOfStoredOnes() throws Exception {
        try (Journal j = Journal.open(JournalConfig.defaults(tmp.resolve("live"), "lb-b"))) {
            JournalAccess access = new JournalAccess(j);
            var got = new java.util.concurrent.LinkedBlockingQueue<Views.Event>();
            try (AutoCloseable sub = access.subscribe(0, got::add)) {
                Thread.sleep(100);   // the subscription has read the (empty) journal: what follows arrives live
                long s1 = j.append(Cause.timer("master_down"), new Event.VrrpTransition("VI_1", Event.VrrpState.BACKUP, Event.VrrpState.MASTER, "no advert", 100));
                j.append(Cause.event(s1), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
                var live = new JsonArray();
                for (int n = 0; n < 2; n++) live.add(new JsonObject(got.poll(10, java.util.concurrent.TimeUnit.SECONDS).json().encode()));
                var stored = new JsonArray();
                try (var r = j.reader()) {
                    for (var e : r.readAll()) if (!e.event().isAnnotation()) stored.add(new JsonObject(io.vigil.journal.JournalJson.toJson(e).encode()));
                }
                assertThat(live).isEqualTo(stored);
                assertThat(live.getJsonObject(1).getString("hash")).hasSize(32);
            }
        }
    }

    @Test
    void stateAtAnInstantHasOneShapeInTheApiTheReplayServerAndTheCli() throws Exception {
        long last = cli.values().stream().mapToLong(o -> o.getLong("wallNs")).max().orElseThrow();
        String at = Instant.ofEpochSecond(0, last).plusMillis(1).toString();
        JsonObject fromApi = new JsonObject(get(api.url() + "api/v1/state?at=" + at)).getJsonObject("state");
        JsonObject fromReplay = new JsonObject(get("http://127.0.0.1:" + replay.port() + "/replay/api/state?at=" + at))
                .getJsonObject("lb-a");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("journal", "state", "--dir", dir.toString(), "--at", at, "--json");
        assertThat(rc).as(err.toString()).isZero();
        JsonObject fromCli = new JsonObject(out.toString());
        assertThat(fromCli.remove("evidence")).isNotNull(); // the CLI adds what it knows of the node's last evidence
        assertThat(fromApi.getJsonObject("instances")).isNotEmpty();
        assertThat(fromReplay).isEqualTo(fromApi);
        assertThat(fromCli).isEqualTo(fromApi);
    }

    @Test
    void replayRowsAreTheCliExportsJsonPlusTheirPlaceOnTheReferenceClock() throws Exception {
        JsonArray rows = new JsonObject(get("http://127.0.0.1:" + replay.port() + "/replay/api/events?collapse=0&limit=5000"))
                .getJsonArray("rows");
        for (Object o : rows) {
            JsonObject row = (JsonObject) o;
            assertThat(row.remove("ms")).isInstanceOf(Number.class);
            // one journal: no clock correction, the reference clock is the node's own
            assertThat(Instant.parse((String) row.remove("at"))).isEqualTo(Instant.ofEpochSecond(0, row.getLong("wallNs")));
        }
        assertThat(bySeq(rows)).isEqualTo(cli);
    }

    @Test
    void collapsedReplayRowsAddOnlyTheirCounts() throws Exception {
        JsonArray rows = new JsonObject(get("http://127.0.0.1:" + replay.port() + "/replay/api/events?collapse=1&limit=5000"))
                .getJsonArray("rows");
        assertThat(rows).anySatisfy(o -> assertThat(((JsonObject) o).containsKey("count")).isTrue()); // some fold
        for (Object o : rows) {
            JsonObject row = ((JsonObject) o).copy();
            row.remove("ms");
            row.remove("at");
            for (String k : List.of("count", "lastMs", "lastSeq")) row.remove(k); // a folded row's count and last one
            assertThat(row).isEqualTo(cli.get(row.getLong("seq")));
        }
    }
}
