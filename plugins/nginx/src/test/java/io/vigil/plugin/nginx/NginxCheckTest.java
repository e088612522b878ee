package io.vigil.plugin.nginx;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NGINX_CHECK against a private nginx, and stub_status drop detection against a scripted server. */
class NginxCheckTest {
    static Vertx vertx;
    final NginxCheckFactory factory = new NginxCheckFactory();

    @BeforeAll static void start() { vertx = Vertx.vertx(); }
    @AfterAll static void stop() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    static CheckResult run(Check c, int port) throws Exception {
        return c.run(CheckContext.of(vertx, "127.0.0.1", port, Duration.ofSeconds(3), Duration.ofSeconds(3))).await(10, TimeUnit.SECONDS);
    }

    @Test void realNginxWithStubStatus(@TempDir Path dir) throws Exception {
        try (PrivateNginx nginx = new PrivateNginx(dir)) {
            Check c = factory.create(block("NGINX_CHECK", leaf("status_url", "/nginx_status")));
            CheckResult r = run(c, nginx.port);
            assertThat(r.up()).as(r.detail()).isTrue();
            assertThat(r.detail()).matches("active=\\d+ accepts=\\d+ handled=\\d+ dropped=0 requests=\\d+");
            CheckResult broken = run(factory.create(block("NGINX_CHECK", leaf("path", "/broken"))), nginx.port);
            assertThat(broken.up()).isFalse();
            assertThat(broken.detail()).isEqualTo("GET /broken: status 503");
            CheckResult notStatus = run(factory.create(block("NGINX_CHECK", leaf("status_url", "/"))), nginx.port);
            assertThat(notStatus.detail()).contains("not stub_status output");
            // our own probe connection is active while nginx answers: max_active 0 trips
            CheckResult busy = run(factory.create(block("NGINX_CHECK", leaf("status_url", "/nginx_status"),
                    leaf("max_active", "0"))), nginx.port);
            assertThat(busy.up()).isFalse();
            assertThat(busy.detail()).startsWith("active connections 1 > max_active 0");
            int port = nginx.port;
            nginx.close();
            CheckResult gone = run(c, port);
            assertThat(gone.up()).isFalse();
            assertThat(gone.detail()).startsWith("nginx at 127.0.0.1:" + port);
        }
    }

    @Test void growingDropsAreDetected() throws Exception {
        AtomicReference<String> counters = new AtomicReference<>("10 10 12");
        int port = vertx.createHttpServer().requestHandler(req -> req.response().end(req.path().equals("/s")
                ? "Active connections: 3 \nserver accepts handled requests\n " + counters.get() + " \nReading: 0 Writing: 1 Waiting: 2 \n"
                : "ok")).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
        Check c = factory.create(block("NGINX_CHECK", leaf("status_url", "/s"), leaf("max_dropped", "2")));
        assertThat(run(c, port).up()).isTrue();
        counters.set("20 18 30");                         // 2 new drops: tolerated
        assertThat(run(c, port).up()).isTrue();
        counters.set("30 25 40");                         // 3 more: down
        CheckResult r = run(c, port);
        assertThat(r.up()).isFalse();
        assertThat(r.detail()).startsWith("dropping connections: 3 accepted but not handled");
        counters.set("31 26 41");                         // no new drops: up again
        assertThat(run(c, port).up()).isTrue();
    }

    @Test void parsesStubStatus() {
        StubStatus s = StubStatus.parse("Active connections: 291 \nserver accepts handled requests\n 16630948 16630946 31070465 \n"
                + "Reading: 6 Writing: 179 Waiting: 106 \n").orElseThrow();
        assertThat(s.active()).isEqualTo(291);
        assertThat(s.dropped()).isEqualTo(2);
        assertThat(s.requests()).isEqualTo(31070465);
        assertThat(s.waiting()).isEqualTo(106);
        assertThat(StubStatus.parse("<html>")).isEmpty();
    }

    @Test void configErrors() {
        ConfigNode bad = block("NGINX_CHECK", leaf("max_active", "many"));
        assertThatThrownBy(() -> factory.create(bad)).hasMessageContaining("max_active: 'many' is not an integer");
        assertThatThrownBy(() -> factory.create(block("NGINX_CHECK", leaf("stub", "/x")))).hasMessageContaining("unknown keyword 'stub'");
    }
}
