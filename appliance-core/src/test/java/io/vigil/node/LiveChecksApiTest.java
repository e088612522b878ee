package io.vigil.node;

import io.vigil.check.runtime.CheckStatusBoard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vigil.api.ConfiguredNodeView;
import io.vigil.api.JournalAccess;
import io.vigil.api.ManagementOptions;
import io.vigil.api.ManagementServer;
import io.vigil.api.Views;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.linux.NetnsExecutor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/checks} of a running checker through a real management server: each configured checker shows the
 * live checker's state, last run, latency, detail and failure count (it showed UNKNOWN / null / 0 before, while the
 * journal recorded the probes). The checker runs in a namespace of its own, so its IPVS programming stays there.
 */
class LiveChecksApiTest {
    @TempDir Path dir;

    @Test void checksComeFromTheRunningChecker() throws Exception {
        String ns = "vgchk" + Long.toString(ProcessHandle.current().pid() % 100000, 36) + Integer.toString((int) (Math.random() * 1296), 36);
        assertThat(new ProcessBuilder("ip", "netns", "add", ns).start().waitFor()).isZero();
        try (NetnsExecutor inNs = NetnsExecutor.enter(ns)) {
            assertThat(new ProcessBuilder("ip", "-n", ns, "link", "set", "lo", "up").start().waitFor()).isZero();
            // everything (servers, checker, its event loops and IPVS thread, the API and its client) lives in the namespace
            inNs.call(() -> { run(); return null; });
        } finally {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
        }
    }

    private void run() throws Exception {
        Vertx vertx = Vertx.vertx();
        NetServer alive = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await();
        int dead;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { dead = s.getLocalPort(); }
        String conf = """
                virtual_server 192.0.2.101 80 {
                    delay_loop 0.2
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.1 %1$d {
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                    real_server 127.0.0.1 %2$d {
                        TCP_CHECK {
                            connect_timeout 1
                            retry 0
                        }
                        TCP_CHECK {
                            connect_port %1$d
                        }
                    }
                }
                """.formatted(alive.actualPort(), dead);
        LoadResult r = ConfigLoader.loadText("test.conf", conf, dir, LoadOptions.defaults());
        assertThat(r.errors()).isEmpty();
        var cfg = r.config().orElseThrow();
        ManagementServer server = null;
        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "lb1"));
             CheckerNode node = CheckerNode.start(vertx, cfg, r.statements(), CheckRegistry.builtins(), journal,
                     Set.of(), CheckerNode.ProbeObserver.NONE, CheckerNode.TrackerSink.NONE)) {
            var runtime = new ConfiguredNodeView.Runtime() {
                @Override public Views.VrrpStats vrrpStats(String i) { return Views.VrrpStats.ZERO; }
                @Override public boolean maintenance(String i) { return false; }
                @Override public boolean drained(String v, String rs) { return false; }
                @Override public long drain(String v, String rs, boolean d) { return 0; }
                @Override public long maintenance(String i, boolean on) { return 0; }
                @Override public io.vigil.api.Views.Reload reload(boolean force) {
                return new io.vigil.api.Views.Reload(-1, false, "", java.util.List.of("not in this test"));
            }
                @Override public Optional<List<io.vigil.check.runtime.CheckStatusBoard.Status>> liveChecks() { return Optional.of(node.checks()); }
            };
            var view = new ConfiguredNodeView("lb1", () -> cfg, new JournalAccess(journal), runtime);
            server = ManagementServer.start(vertx, view, new ManagementOptions("127.0.0.1", 0, Optional.empty())).await();
            String url = server.url() + "api/v1/checks";
            String deadRs = "127.0.0.1-" + dead, aliveRs = "127.0.0.1-" + alive.actualPort();
            JsonArray checks = await(url, a -> find(a, "TCP_CHECK-" + deadRs).getString("status").equals("DOWN")
                    && find(a, "TCP_CHECK-" + aliveRs).getString("lastRun") != null
                    && find(a, "TCP_CHECK-" + deadRs + "-1").getString("lastRun") != null);
            assertThat(checks).hasSize(3);
            JsonObject up = find(checks, "TCP_CHECK-" + aliveRs);
            assertThat(up.getString("status")).isEqualTo("UP");
            assertThat(up.getString("virtualServer")).isEqualTo("TCP-192.0.2.101-80");
            assertThat(up.getString("lastMessage")).isEqualTo("connected");
            assertThat(up.getLong("failures")).isZero();
            assertThat(up.getDouble("lastLatencySeconds")).isPositive().isLessThan(1.0);
            JsonObject down = find(checks, "TCP_CHECK-" + deadRs);
            assertThat(down.getString("lastMessage")).startsWith("connect failed: ");
            assertThat(down.getLong("failures")).isPositive();
            // the real server's second TCP_CHECK (connect_port to the live one) is told apart and UP
            assertThat(find(checks, "TCP_CHECK-" + deadRs + "-1").getString("status")).isEqualTo("UP");
            // failures keep counting while the server stays dead, and the journal has the same probes
            long before = down.getLong("failures");
            JsonArray later = await(url, a -> find(a, "TCP_CHECK-" + deadRs).getLong("failures") > before);
            assertThat(java.time.Instant.parse(find(later, "TCP_CHECK-" + deadRs).getString("lastRun"))).isAfter(java.time.Instant.parse(down.getString("lastRun")));
            try (var reader = journal.reader()) {
                assertThat(reader.readAll()).anyMatch(e -> e.event() instanceof Event.CheckResult c && !c.up()
                        && c.target().equals("127.0.0.1:" + dead) && c.detail().equals(down.getString("lastMessage")));
            }
        } finally {
            if (server != null) server.stop().await();
            vertx.close().await();
        }
    }

    private static JsonObject find(JsonArray a, String id) {
        for (int i = 0; i < a.size(); i++) if (a.getJsonObject(i).getString("id").equals(id)) return a.getJsonObject(i);
        throw new AssertionError("no check " + id + " in " + a.encode());
    }

    private static JsonArray await(String url, Predicate<JsonArray> ok) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        JsonArray last = null;
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(200);
            last = new JsonArray(resp.body());
            try {
                if (ok.test(last)) return last;
            } catch (AssertionError notYet) {
                // a checker not listed yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met; last " + (last == null ? null : last.encode()));
    }
}
