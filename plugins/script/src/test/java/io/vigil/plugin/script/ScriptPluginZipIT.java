package io.vigil.plugin.script;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built zip through PF4J, driving seed 002's vrrp_script tracker. */
class ScriptPluginZipIT {

    @Test void zipYieldsExtensionsAndTracksSeed002Script(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        try (var files = Files.list(Path.of(System.getProperty("vigil.plugin.zip.dir", "target")))) {
            Path zip = files.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).findFirst().orElseThrow();
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        Path flag = dir.resolve("nginx-running");
        Files.createFile(flag);
        // stands in for seed 002's check_nginx_status.sh: fails when "nginx" is gone
        Path script = dir.resolve("check_nginx_status.sh");
        Files.writeString(script, "#!/bin/sh\ntest -e " + flag + " || { echo nginx down; exit 1; }\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Vertx vertx = Vertx.vertx();
        try (CheckRegistry reg = CheckRegistry.load(plugins)) {
            assertThat(reg.warnings()).isEmpty();
            assertThat(reg.providers()).containsKeys("MISC_CHECK", "vrrp_script");
            // seed 002: vrrp_script check_nginx { script "/etc/keepalived/check_nginx_status.sh" interval 5 }
            var seed = block("vrrp_script", List.of("check_nginx"), leaf("script", script.toString()), leaf("interval", "5"));
            var fast = block("vrrp_script", List.of("check_fast"), leaf("script", script.toString()), leaf("interval", "0.2"),
                    leaf("weight", "-20"), leaf("fall", "2"), leaf("rise", "2"));
            CheckPlan plan = CheckPlanner.plan(List.of(seed, fast), reg);
            assertThat(plan.errors()).isEmpty();
            var events = new ConcurrentLinkedQueue<HealthEvent>();
            try (CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1))) {
                var trackers = new ConcurrentLinkedQueue<TrackerChanged>();
                s.addTrackerListener(trackers::add);
                s.addListener(events::add);
                s.start().await(5, TimeUnit.SECONDS);
                assertThat(trackers).hasSize(2).allMatch(TrackerChanged::ok);
                Thread.sleep(600);
                Files.delete(flag);
                long end = System.currentTimeMillis() + 8000;
                while (System.currentTimeMillis() < end && trackers.stream().noneMatch(t -> !t.ok())) Thread.sleep(50);
                TrackerChanged down = trackers.stream().filter(t -> !t.ok()).findFirst().orElseThrow();
                assertThat(down.tracker()).isEqualTo("check_fast");
                assertThat(down.priorityDelta()).isEqualTo(-20);
                assertThat(events).anyMatch(e -> e instanceof HealthEvent.ProbeCompleted p && !p.up()
                        && p.detail().equals("exit 1: nginx down"));
                assertThat(events).anyMatch(e -> e instanceof HealthEvent.ProbeCompleted p && p.up()
                        && p.checker().equals("check_nginx"));
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
