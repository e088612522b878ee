package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalClock;
import io.vigil.journal.store.JournalConfig;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay API and UI over two directors' journals that record a partition → split brain → heal. */
class ReplayServerTest {
    static final Instant T0 = Instant.parse("2026-11-24T03:12:00Z");
    @TempDir static Path tmp;
    static Vertx vertx;
    static ReplayServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    /** A journal clock the test moves by hand. */
    static final class Clock implements JournalClock {
        long wall;
        @Override public long wallNs() { return wall; }
        @Override public long monoNs() { return wall; }
        Clock at(double seconds) { wall = (T0.getEpochSecond() * 1_000_000_000L) + (long) (seconds * 1e9); return this; }
    }

    @BeforeAll
    static void journals() {
        Clock ca = new Clock(), cb = new Clock();
        try (Journal a = Journal.open(JournalConfig.defaults(tmp.resolve("a"), "lb-a").withClock(ca));
             Journal b = Journal.open(JournalConfig.defaults(tmp.resolve("b"), "lb-b").withClock(cb))) {
            ca.at(0); a.append(Cause.NONE, new Event.NodeStarted("0.1.0", 100));
            cb.at(0); b.append(Cause.NONE, new Event.NodeStarted("0.1.0", 200));
            ca.at(0.01); a.append(Cause.configReload("h1"), new Event.VrrpTransition("VI_1", VrrpState.INIT, VrrpState.BACKUP, "start", 100));
            cb.at(0.01); b.append(Cause.configReload("h1"), new Event.VrrpTransition("VI_1", VrrpState.INIT, VrrpState.BACKUP, "start", 150));
            cb.at(3); long bm = b.append(Cause.timer("master_down"), new Event.VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "no advert for 3.41 s", 150));
            b.append(Cause.event(bm), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
            ca.at(3.01); a.append(Cause.packet("192.0.2.12", "eth0"), new Event.MasterSeen("VI_1", "192.0.2.12", 150, false));
            // partition at ~7 s: a hears nothing for master_down_interval and takes over too
            ca.at(10); long am = a.append(Cause.timer("master_down"), new Event.VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "no advert for 3.61 s", 100));
            a.append(Cause.event(am), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
            // heal at 14 s: b's advert (priority 150) reaches a, which steps down
            ca.at(14); long ab = a.append(Cause.packet("192.0.2.12", "eth0"), new Event.VrrpTransition("VI_1", VrrpState.MASTER, VrrpState.BACKUP, "higher priority 150 from 192.0.2.12", 100));
            a.append(Cause.event(ab), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", false, true, ""));
            ca.at(20); a.append(Cause.packet("192.0.2.12", "eth0"), new Event.MasterSeen("VI_1", "192.0.2.12", 150, true));
            assertThat(a.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(b.flush(Duration.ofSeconds(10))).isTrue();
        }
        vertx = Vertx.vertx();
        server = ReplayServer.start(vertx, List.of(tmp.resolve("a"), tmp.resolve("b")), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (vertx != null) vertx.close().await();
    }

    static String get(String path) throws Exception {
        var rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).as(path + " → " + rsp.body()).isEqualTo(200);
        return rsp.body();
    }

    static long ms(double s) { return T0.toEpochMilli() + (long) (s * 1000); }

    @Test
    void timelineFindsTheSplitBrainWindowAcrossBothJournals() throws Exception {
        JsonObject tl = new JsonObject(get("/replay/api/timeline"));
        JsonArray splits = tl.getJsonArray("splitBrains");
        assertThat(splits).hasSize(1);
        JsonObject sb = splits.getJsonObject(0);
        assertThat(sb.getLong("from")).isEqualTo(ms(10));
        assertThat(sb.getLong("to")).isEqualTo(ms(14));
        assertThat(sb.getJsonArray("nodes").getList()).containsExactly("lb-a", "lb-b");
        assertThat(sb.getString("openedBy")).startsWith("lb-a#");
    }

    @Test
    void stateAtAnInstantIsEachNodesOwnProjection() throws Exception {
        JsonObject in = new JsonObject(get("/replay/api/state?at=" + ms(12)));
        assertThat(in.getJsonObject("lb-a").getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("MASTER");
        assertThat(in.getJsonObject("lb-b").getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("MASTER");
        assertThat(in.getJsonObject("lb-a").getJsonObject("vips").fieldNames()).containsExactly("192.0.2.100/24");

        JsonObject after = new JsonObject(get("/replay/api/state?at=" + Instant.ofEpochMilli(ms(15))));
        assertThat(after.getJsonObject("lb-a").getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("BACKUP");
        assertThat(after.getJsonObject("lb-a").getJsonObject("vips").isEmpty()).isTrue();
    }

    @Test
    void eventsCarryTheirCauses() throws Exception {
        JsonArray ev = new JsonObject(get("/replay/api/events?node=lb-a&type=VIP_CHANGED")).getJsonArray("rows");
        assertThat(ev).hasSize(2);
        JsonObject removed = ev.getJsonObject(1);
        assertThat(removed.getJsonObject("data").getBoolean("added")).isFalse();
        long cause = removed.getLong("causeSeq");
        JsonObject transition = new JsonObject(get("/replay/api/events?node=lb-a&type=VRRP_TRANSITION")).getJsonArray("rows").stream()
                .map(JsonObject.class::cast).filter(e -> e.getLong("seq") == cause).findFirst().orElseThrow();
        assertThat(transition.getString("cause")).isEqualTo("packet from 192.0.2.12 on eth0");
    }

    @Test
    void badTimeIsAClearError() throws Exception {
        var rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/replay/api/state?at=yesterday")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).isEqualTo(400);
        assertThat(rsp.body()).contains("at=yesterday: expected an ISO-8601 instant or epoch milliseconds");
        for (String q : new String[] {"events?limit=abc", "events?limit=-1", "events?from=99999999999999999999", "events?to=tomorrow",
                "state?at=+999999999-12-31T23:59:59Z"}) {
            var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/replay/api/" + q)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(r.body()).as(q).contains("\"status\":400");
        }
    }

    /** The UI in Debian's chromium via playwright-core (installed by .ci/setup into ui/test/node_modules). */
    @Test
    void browserShowsTheSplitBrainAndFollowsCauses() throws Exception {
        Path uiTest = Path.of("..", "ui", "test").toAbsolutePath().normalize();
        assertThat(uiTest.resolve("node_modules/playwright-core")).as("run .ci/setup (npm ci in ui/test)").isDirectory();
        Path shot = Path.of("target", "replay-ui.png").toAbsolutePath();
        Process p = new ProcessBuilder("node", uiTest.resolve("replay-e2e.mjs").toString(),
                "http://127.0.0.1:" + server.port() + "/replay/", shot.toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes());
        if (!done) p.destroyForcibly();
        assertThat(done).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ok: split split brain VI_1 [inferred] lb-a + lb-b MASTER", "ok: in window both MASTER", "ok: cause link shows the why tree",
                "ok: after heal: lb-a BACKUP, lb-b MASTER");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
