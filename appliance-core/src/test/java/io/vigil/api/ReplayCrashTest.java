package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.Event.NodeAlive.Beat;
import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.vigil.api.ReplayServerTest.ms;
import static org.assertj.core.api.Assertions.assertThat;

/** A killed MASTER in the replay: drawn as a crash and UNKNOWN after its last evidence, never as MASTER. */
class ReplayCrashTest {
    @TempDir static Path tmp;
    static Vertx vertx;
    static ReplayServer server;
    static long takeoverSeq;

    @BeforeAll
    static void journals() {
        var ca = new ReplayServerTest.Clock();
        var cb = new ReplayServerTest.Clock();
        try (Journal a = Journal.open(JournalConfig.defaults(tmp.resolve("a"), "lb-a").withClock(ca));
             Journal b = Journal.open(JournalConfig.defaults(tmp.resolve("b"), "lb-b").withClock(cb))) {
            ca.at(0); a.append(Cause.NONE, new Event.NodeStarted("0.1.0", 100, Event.NodeStarted.FIRST_RUN, 0, 0));
            cb.at(0); b.append(Cause.NONE, new Event.NodeStarted("0.1.0", 200, Event.NodeStarted.FIRST_RUN, 0, 0));
            ca.at(0.01); a.append(Cause.configReload("h"), new Event.VrrpTransition("VI_1", VrrpState.INIT, VrrpState.MASTER, "startup", 150));
            cb.at(0.01); b.append(Cause.configReload("h"), new Event.VrrpTransition("VI_1", VrrpState.INIT, VrrpState.BACKUP, "startup", 100));
            cb.at(0.02); b.append(Cause.packet("192.0.2.11", "eth0"), new Event.MasterSeen("VI_1", "192.0.2.11", 150, false));
            for (int s = 1; s <= 30; s++) {
                if (s <= 10) { ca.at(s); a.append(Cause.NONE, Event.NodeAlive.of(1000, List.of(new Beat("VI_1", 51, "192.0.2.11", VrrpState.MASTER, 150, 1000)))); }
                cb.at(s); b.append(Cause.NONE, Event.NodeAlive.of(1000, List.of(new Beat("VI_1", 51, "192.0.2.12",
                        s < 14 ? VrrpState.BACKUP : VrrpState.MASTER, 100, 1000))));
                if (s == 13) {  // a was killed -9 at ~10.5 s: b's master_down runs out
                    cb.at(13.6); takeoverSeq = b.append(new Cause.Vrrp(Cause.Vrrp.MASTER_DOWN, "192.0.2.11", "eth0", 150,
                            ReplayServerTest.T0.getEpochSecond() * 1_000_000_000L + 9_990_000_000L, ""),
                            new Event.VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down", 100));
                }
            }
            a.flush(Duration.ofSeconds(10));
            b.flush(Duration.ofSeconds(10));
        }
        vertx = Vertx.vertx();
        server = ReplayServer.start(vertx, List.of(tmp.resolve("a"), tmp.resolve("b")), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (vertx != null) vertx.close().await();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void crashedMasterIsACrashAndUnknownNotASplitBrain() throws Exception {
        JsonObject tl = new JsonObject(get("/replay/api/timeline").body());
        assertThat(tl.getJsonArray("splitBrains")).isEmpty();
        assertThat(tl.getJsonArray("crashes")).hasSize(1);
        assertThat(tl.getJsonArray("crashes").getJsonObject(0).getString("node")).isEqualTo("lb-a");
        assertThat(tl.getJsonArray("crashes").getJsonObject(0).getLong("lastEntry")).isEqualTo(ms(10));

        JsonObject at20 = new JsonObject(get("/replay/api/state?at=" + ms(20)).body());
        JsonObject a = at20.getJsonObject("lb-a").getJsonObject("instances").getJsonObject("VI_1");
        assertThat(a.getString("state")).isEqualTo("UNKNOWN");
        assertThat(a.getString("lastKnownState")).isEqualTo("MASTER");
        assertThat(at20.getJsonObject("lb-b").getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("MASTER");
        JsonObject at5 = new JsonObject(get("/replay/api/state?at=" + ms(5)).body());
        assertThat(at5.getJsonObject("lb-a").getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("MASTER");
    }

    @Test
    void incidentsAndWhyAreServed() throws Exception {
        JsonArray inc = new JsonArray(get("/replay/api/incidents").body());
        assertThat(inc.stream().map(o -> ((JsonObject) o).getString("type"))).contains("crash", "failover");
        JsonObject why = new JsonObject(get("/replay/api/why?event=lb-b%23" + takeoverSeq).body());
        assertThat(why.getJsonArray("why").getJsonObject(0).getString("text")).contains("192.0.2.11").contains("lb-a");
        assertThat(why.getJsonArray("why").encode()).contains("lb-a crashed: last evidence");
    }

    @Test
    void badParametersAre400() throws Exception {
        assertThat(get("/replay/api/why?event=nope").statusCode()).isEqualTo(400);
        assertThat(get("/replay/api/why?event=lb-b%23x").statusCode()).isEqualTo(400);
        assertThat(get("/replay/api/state?at=yesterday").statusCode()).isEqualTo(400);
    }
}
