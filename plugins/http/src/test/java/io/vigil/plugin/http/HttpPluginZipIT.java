package io.vigil.plugin.http;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckScheduler;
import io.vigil.check.HealthEvent;
import io.vigil.check.HealthEvent.ProbeCompleted;
import io.vigil.check.HealthEvent.RealServerChanged;
import io.vigil.check.api.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the built plugin zip through PF4J like the daemon does and runs the seeds' HTTP checks with it. */
class HttpPluginZipIT {
    static final String PAGE = "<h1>RS1</h1>\n";
    static Vertx vertx;
    static int port;
    static int closedPort;

    @BeforeAll static void server() throws Exception {
        vertx = Vertx.vertx();
        port = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/checkRealServerHealth.28055dab3fc0a85271dddbeb0464bfdb") || req.path().equals("/")) {
                req.response().end(PAGE);
            } else {
                req.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { closedPort = s.getLocalPort(); }
    }

    @AfterAll static void stop() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    static CheckRegistry registry(Path dir) throws Exception {
        Path target = Path.of(System.getProperty("vigil.plugin.zip.dir", "target"));
        try (var files = Files.list(target)) {
            Path zip = files.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).findFirst().orElseThrow();
            Files.copy(zip, dir.resolve(zip.getFileName()));
        }
        return CheckRegistry.load(dir);
    }

    @Test void zipYieldsTheExtensions(@TempDir Path dir) throws Exception {
        try (CheckRegistry reg = registry(dir)) {
            assertThat(reg.warnings()).isEmpty();
            assertThat(reg.providers()).containsEntry("HTTP_GET", "plugin vigil-check-http 0.1.0-SNAPSHOT")
                    .containsEntry("SSL_GET", "plugin vigil-check-http 0.1.0-SNAPSHOT");
            // the extension comes from the plugin's class loader, not the test class path
            assertThat(reg.factory("HTTP_GET").orElseThrow().getClass().getClassLoader())
                    .isNotSameAs(HttpPluginZipIT.class.getClassLoader());
        }
    }

    /** Seed 000's real_server HTTP_GET block (digest + nb_get_retry), pointed at the test server. */
    static ConfigNode seed000(String vip, int port, String digest) {
        return block("virtual_server", List.of(vip, "80"), leaf("delay_loop", "3"), leaf("lb_algo", "wrr"),
                leaf("lb_kind", "DR"), leaf("persistence_timeout", "0"), leaf("protocol", "TCP"),
                block("real_server", List.of("127.0.0.1", String.valueOf(port)), leaf("weight", "1"),
                        block("HTTP_GET",
                                block("url", leaf("path", "/checkRealServerHealth.28055dab3fc0a85271dddbeb0464bfdb"),
                                        leaf("digest", digest)),
                                leaf("connect_timeout", "3"), leaf("nb_get_retry", "3"), leaf("delay_before_retry", "3"))));
    }

    /** Seed 003's HTTP_GET status_code 200 checks: one live server, one dead. */
    static ConfigNode seed003(int live, int dead) {
        java.util.function.IntFunction<ConfigNode> rs = p -> block("real_server", List.of("127.0.0.1", String.valueOf(p)),
                leaf("weight", "3"), block("HTTP_GET", block("url", leaf("path", "/"), leaf("status_code", "200")),
                        leaf("connect_timeout", "1")));
        return block("virtual_server", List.of("192.168.88.100", "80"), leaf("delay_loop", "6"), leaf("lb_algo", "wlc"),
                leaf("lb_kind", "DR"), leaf("protocol", "TCP"), leaf("nat_mask", "255.255.255.0"),
                rs.apply(live), rs.apply(dead));
    }

    @Test void seedChecksThroughTheScheduler(@TempDir Path dir) throws Exception {
        try (CheckRegistry reg = registry(dir)) {
            String good = HttpCheck.md5Hex(PAGE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            CheckPlan plan = CheckPlanner.plan(List.of(seed000("10.10.10.10", port, "26f11e326fc7c597355f213e5677ae75"),
                    seed000("10.10.10.11", port, good),
                    seed003(port, closedPort)), reg);
            assertThat(plan.errors()).isEmpty();
            var events = new ConcurrentLinkedQueue<HealthEvent>();
            try (CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1))) {
                s.addListener(events::add);
                s.start().await(5, TimeUnit.SECONDS);
                // first probes of a cold JVM on a loaded machine may hit the host deadline: wait for the retries
                long end = System.currentTimeMillis() + 25000;
                while (System.currentTimeMillis() < end && !(
                        events.stream().anyMatch(e -> e instanceof RealServerChanged r && !r.alive() && r.realServer().endsWith(":" + closedPort))
                        && events.stream().anyMatch(e -> e instanceof ProbeCompleted p && p.up() && p.checker().contains("(vs 192.168"))
                        && events.stream().anyMatch(e -> e instanceof ProbeCompleted p && p.up() && p.detail().contains("digest ok"))
                        && events.stream().anyMatch(e -> e instanceof ProbeCompleted p && p.detail().contains("!= expected")))) {
                    Thread.sleep(50);
                }
                List<ProbeCompleted> probes = events.stream().filter(e -> e instanceof ProbeCompleted)
                        .map(e -> (ProbeCompleted) e).toList();
                // seed 000 with the page's digest: up
                assertThat(probes).anyMatch(p -> p.up() && p.detail().contains("digest ok"));
                // seed 000's own digest: the probe is down, but nb_get_retry 3 keeps the server in for now
                assertThat(probes).anyMatch(p -> !p.up() && p.detail().contains("digest " + good + " != expected 26f11e32"));
                assertThat(events).noneMatch(e -> e instanceof RealServerChanged r && !r.alive()
                        && r.virtualServer().equals("10.10.10.10:80"));
                // seed 003: the dead server is removed after one retry (keepalived's default), the live one stays
                assertThat(events).anyMatch(e -> e instanceof RealServerChanged r && !r.alive()
                        && r.realServer().equals("127.0.0.1:" + closedPort) && r.weight() == 0);
                assertThat(probes).anyMatch(p -> p.up() && p.checker().contains("127.0.0.1:" + port + " (vs 192.168.88.100:80)"));
            }
        }
    }
}
