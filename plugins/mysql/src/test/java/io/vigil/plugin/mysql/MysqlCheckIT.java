package io.vigil.plugin.mysql;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckScheduler;
import io.vigil.check.HealthEvent;
import io.vigil.check.HealthEvent.TrackerChanged;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MYSQL_CHECK against a private MariaDB, loaded from the built plugin zip (one server for all cases, to keep
 * the start-up cost once). Runs after package, as an IT.
 */
class MysqlCheckIT {
    static Path dir;
    static PrivateMariadb db;
    static Vertx vertx;
    static CheckRegistry registry;
    static CheckFactory factory;

    @BeforeAll static void start() throws Exception {
        dir = Files.createTempDirectory("vigil-mariadb");
        db = new PrivateMariadb(dir);
        vertx = Vertx.vertx();
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        try (var files = Files.list(Path.of(System.getProperty("vigil.plugin.zip.dir", "target")))) {
            Path zip = files.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).findFirst().orElseThrow();
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        registry = CheckRegistry.load(plugins);
        factory = registry.factory("MYSQL_CHECK").orElseThrow();
    }

    @AfterAll static void stop() throws Exception {
        if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
        if (registry != null) registry.close();
        if (db != null) db.close();
        try (var w = Files.walk(dir)) { w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }

    static CheckResult run(ConfigNode block, int port) throws Exception {
        Check c = factory.create(block);
        return c.run(CheckContext.of(vertx, "127.0.0.1", port, Duration.ofSeconds(5), Duration.ofSeconds(5))).await(20, TimeUnit.SECONDS);
    }

    static ConfigNode check(ConfigNode... extra) {
        return io.vigil.check.api.ConfigNodes.with(block("MYSQL_CHECK", leaf("user", "vigil"), leaf("password", "secret")), extra);
    }

    @Test void zipYieldsTheExtension() {
        assertThat(registry.warnings()).isEmpty();
        assertThat(registry.providers()).containsEntry("MYSQL_CHECK", "plugin vigil-check-mysql 0.1.0-SNAPSHOT");
    }

    @Test void connectQueryAndRole() throws Exception {
        CheckResult ok = run(check(), db.port);
        assertThat(ok.up()).as(ok.detail()).isTrue();
        assertThat(run(check(leaf("query", "SELECT 1 FROM DUAL WHERE 1 = 0")), db.port).detail()).startsWith("query returned no rows");
        CheckResult writable = run(check(leaf("read_only", "off")), db.port);
        assertThat(writable.up()).as(writable.detail()).isTrue();
        assertThat(writable.detail()).contains("read_only=OFF");
        CheckResult wantReplica = run(check(leaf("read_only", "on")), db.port);
        assertThat(wantReplica.up()).isFalse();
        assertThat(wantReplica.detail()).isEqualTo("read_only is OFF, expected ON");
        CheckResult notReplica = run(check(leaf("replica_running")), db.port);
        assertThat(notReplica.up()).isFalse();
        assertThat(notReplica.detail()).startsWith("not a replica");
        CheckResult badSql = run(check(leaf("query", "SELECT * FROM mysql.no_such_table")), db.port);
        assertThat(badSql.up()).isFalse();
        assertThat(badSql.detail()).contains("SQLState 42S02");
    }

    @Test void wrongPasswordAndCredentialsFile() throws Exception {
        CheckResult denied = run(block("MYSQL_CHECK", leaf("user", "vigil"), leaf("password", "wrong")), db.port);
        assertThat(denied.up()).isFalse();
        assertThat(denied.detail()).contains("Access denied");
        Path creds = dir.resolve("mysql.cnf");
        Files.writeString(creds, "[client]\nuser=vigil\npassword=\"secret\"\n");
        assertThat(run(block("MYSQL_CHECK", leaf("credentials_file", creds.toString())), db.port).up()).isTrue();
        assertThatThrownBy(() -> factory.create(block("MYSQL_CHECK", leaf("password", "x"))))
                .hasMessageContaining("needs 'user'");
    }

    @Test void trackerFollowsTheServer() throws Exception {
        // seed 002 (MySQL + keepalived): a vrrp_script that fails when MySQL is unreachable, here without a shell
        try (var s2 = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int dead = s2.getLocalPort();
            s2.close();
            var live = block("vrrp_script", List.of("check_run"), leaf("interval", "0.5"), leaf("weight", "-50"),
                    check(leaf("connect_port", String.valueOf(db.port))));
            var down = block("vrrp_script", List.of("check_dead"), leaf("interval", "0.5"), leaf("weight", "-50"),
                    check(leaf("connect_port", String.valueOf(dead)), leaf("connect_timeout", "1")));
            CheckPlan plan = CheckPlanner.plan(List.of(live, down), registry);
            assertThat(plan.errors()).isEmpty();
            var trackers = new ConcurrentLinkedQueue<TrackerChanged>();
            var events = new ConcurrentLinkedQueue<HealthEvent>();
            try (CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1))) {
                s.addTrackerListener(trackers::add);
                s.addListener(events::add);
                s.start().await(5, TimeUnit.SECONDS);
                long end = System.currentTimeMillis() + 20000;
                while (System.currentTimeMillis() < end && (trackers.stream().noneMatch(t -> !t.ok())
                        || events.stream().noneMatch(e -> e instanceof HealthEvent.ProbeCompleted p && p.up()))) {
                    Thread.sleep(50);
                }
            }
            assertThat(trackers).anyMatch(t -> !t.ok() && t.tracker().equals("check_dead") && t.priorityDelta() == -50);
            assertThat(trackers).noneMatch(t -> !t.ok() && t.tracker().equals("check_run"));
            assertThat(events).anyMatch(e -> e instanceof HealthEvent.ProbeCompleted p && p.up() && p.checker().equals("check_run"));
        }
    }
}
