package io.vigil.plugin.nginx;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckScheduler;
import io.vigil.check.HealthEvent;
import io.vigil.check.HealthEvent.TrackerChanged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built zip through PF4J: NGINX_CHECK as a vrrp_script tracker (seed 002) and as a real-server check. */
class NginxPluginZipIT {

    @Test void trackerAndRealServerCheckFollowNginx(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        try (var files = Files.list(Path.of(System.getProperty("vigil.plugin.zip.dir", "target")))) {
            Path zip = files.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).findFirst().orElseThrow();
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        Vertx vertx = Vertx.vertx();
        try (CheckRegistry reg = CheckRegistry.load(plugins); PrivateNginx nginx = new PrivateNginx(Files.createDirectory(dir.resolve("nginx")))) {
            assertThat(reg.warnings()).isEmpty();
            assertThat(reg.providers()).containsEntry("NGINX_CHECK", "plugin vigil-check-nginx 0.1.0-SNAPSHOT");
            var tracker = block("vrrp_script", List.of("check_nginx"), leaf("interval", "0.3"), leaf("weight", "-30"),
                    block("NGINX_CHECK", leaf("connect_port", String.valueOf(nginx.port)), leaf("status_url", "/nginx_status")));
            var vs = block("virtual_server", List.of("192.0.2.100", "80"), leaf("delay_loop", "0.3"),
                    block("real_server", List.of("127.0.0.1", String.valueOf(nginx.port)), leaf("weight", "3"),
                            block("NGINX_CHECK", leaf("status_url", "/nginx_status"), leaf("connect_timeout", "1"), leaf("retry", "0"))));
            CheckPlan plan = CheckPlanner.plan(List.of(tracker, vs), reg);
            assertThat(plan.errors()).isEmpty();
            var events = new ConcurrentLinkedQueue<HealthEvent>();
            try (CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1))) {
                s.addListener(events::add);
                s.start().await(5, TimeUnit.SECONDS);
                long end = System.currentTimeMillis() + 15000;
                while (System.currentTimeMillis() < end && events.stream().filter(e -> e instanceof HealthEvent.ProbeCompleted p && p.up()).count() < 2) {
                    Thread.sleep(50);
                }
                assertThat(events).filteredOn(e -> e instanceof HealthEvent.ProbeCompleted p && p.up()).isNotEmpty();
                nginx.close();   // seed 002: nginx dies, the tracker must lower the priority
                end = System.currentTimeMillis() + 15000;
                while (System.currentTimeMillis() < end && !(events.stream().anyMatch(e -> e instanceof TrackerChanged t && !t.ok())
                        && events.stream().anyMatch(e -> e instanceof HealthEvent.RealServerChanged r && !r.alive()))) {
                    Thread.sleep(50);
                }
                TrackerChanged t = events.stream().filter(e -> e instanceof TrackerChanged x && !x.ok())
                        .map(e -> (TrackerChanged) e).findFirst().orElseThrow();
                assertThat(t.priorityDelta()).isEqualTo(-30);
                assertThat(events).anyMatch(e -> e instanceof HealthEvent.RealServerChanged r && !r.alive()
                        && r.realServer().equals("127.0.0.1:" + nginx.port));
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
