package io.vigil.plugin.http;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP_GET / SSL_GET against Vert.x servers on loopback serving pages with known digests. */
class HttpCheckTest {
    static final String PAGE = "<h1>node-1</h1>\n";
    static Vertx vertx;
    static int port;
    static int tlsPort;
    static final Map<String, String> seenHost = new ConcurrentHashMap<>();
    static final Map<String, String> seenSni = new ConcurrentHashMap<>();
    static final Map<String, String> seenVersion = new ConcurrentHashMap<>();
    final HttpCheckFactory factory = new HttpCheckFactory();

    @BeforeAll static void servers() throws Exception {
        vertx = Vertx.vertx();
        HttpServer http = vertx.createHttpServer().requestHandler(req -> {
            seenHost.put(req.path(), String.valueOf(req.headers().get("Host")));
            seenVersion.put(req.path(), req.version() + " " + req.headers().get("Connection"));
            switch (req.path()) {
                case "/index.html", "/test.html" -> req.response().end(PAGE);
                case "/created" -> req.response().setStatusCode(201).end("made");
                case "/slow" -> vertx.setTimer(1500, t -> req.response().end("late"));
                default -> req.response().setStatusCode(404).end("no");
            }
        });
        port = http.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
        SelfSignedCertificate cert = SelfSignedCertificate.create("www.example.test");
        HttpServer https = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true)
                .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(cert.privateKeyPath()).setCertPath(cert.certificatePath())))
                .requestHandler(req -> {
                    seenSni.put(req.path(), String.valueOf(req.connection().indicatedServerName()));
                    req.response().end(PAGE);
                });
        tlsPort = https.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
    }

    @AfterAll static void stop() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    static String md5(String s) { return HttpCheck.md5Hex(s.getBytes(StandardCharsets.UTF_8)); }

    CheckResult run(ConfigNode block, int targetPort) throws Exception {
        // generous: the first TLS connection of a JVM spends seconds initialising the SSL engine on a busy machine
        CheckContext ctx = CheckContext.of(vertx, "127.0.0.1", targetPort, Duration.ofSeconds(8), Duration.ofSeconds(8));
        return factory.create(block).run(ctx).await(10, TimeUnit.SECONDS);
    }

    @Test void digestMatchesLikeKeepalivedAndGenhash() throws Exception {
        // the seed 000 layout: url { path; digest } with connect_timeout / nb_get_retry / delay_before_retry
        CheckResult ok = run(block("HTTP_GET", block("url", leaf("path", "/index.html"), leaf("digest", md5(PAGE))),
                leaf("connect_timeout", "3"), leaf("nb_get_retry", "3"), leaf("delay_before_retry", "3")), port);
        assertThat(ok.up()).as(ok.detail()).isTrue();
        assertThat(ok.detail()).contains("digest ok");
        // the digest from seed 000 does not match our page: down, with both digests in the detail
        CheckResult bad = run(block("HTTP_GET", block("url", leaf("path", "/index.html"),
                leaf("digest", "26f11e326fc7c597355f213e5677ae75"))), port);
        assertThat(bad.up()).isFalse();
        assertThat(bad.detail()).contains(md5(PAGE)).contains("26f11e326fc7c597355f213e5677ae75");
    }

    @Test void md5IsTheBodyDigest() {
        assertThat(md5("")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(md5("test\n")).isEqualTo("d8e8fca2dc0f896fd7cb4cb0031ba249");
    }

    @Test void statusCodesAndRanges() throws Exception {
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/"), leaf("status_code", "200"))), port).up()).isFalse();
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/nothing"), leaf("status_code", "404"))), port).up()).isTrue();
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/created"), leaf("status_code", "200-299"))), port).up()).isTrue();
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/created"))), port).up()).isTrue();   // default 2xx
        CheckResult r = run(block("HTTP_GET", block("url", leaf("path", "/created"), leaf("status_code", "200", "300-399"))), port);
        assertThat(r.up()).isFalse();
        assertThat(r.detail()).contains("status 201 not in 200,300-399");
    }

    @Test void regexAndEveryUrlMustPass() throws Exception {
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/test.html"), leaf("regex", "node-\\d"))), port).up()).isTrue();
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/test.html"), leaf("regex", "sorry"))), port).up()).isFalse();
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/test.html"), leaf("regex", "sorry"),
                leaf("regex_no_match"))), port).up()).isTrue();
        CheckResult two = run(block("HTTP_GET", block("url", leaf("path", "/index.html")), block("url", leaf("path", "/gone"))), port);
        assertThat(two.up()).isFalse();
        assertThat(two.detail()).contains("/gone").contains("404");
    }

    @Test void virtualhostIsSentAsHost() throws Exception {
        run(block("HTTP_GET", leaf("virtualhost", "www.example.test"), block("url", leaf("path", "/index.html"))), port);
        assertThat(seenHost.get("/index.html")).isEqualTo("www.example.test:" + port);
        run(block("HTTP_GET", block("url", leaf("path", "/test.html"), leaf("virtualhost", "other.test"))), port);
        assertThat(seenHost.get("/test.html")).isEqualTo("other.test:" + port);
    }

    @Test void httpProtocolSetsTheRequestVersionAndConnectionHeaderAsKeepalivedDoes() throws Exception {
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/index.html"))), port).up()).isTrue();
        assertThat(seenVersion.get("/index.html")).isEqualTo("HTTP_1_0 null");
        assertThat(run(block("HTTP_GET", leaf("http_protocol", "1.0C"), block("url", leaf("path", "/test.html"))), port).up()).isTrue();
        assertThat(seenVersion.get("/test.html")).isEqualTo("HTTP_1_0 close");
        assertThat(run(block("HTTP_GET", leaf("http_protocol", "1.1"), block("url", leaf("path", "/created"),
                leaf("status_code", "201"))), port).up()).isTrue();
        assertThat(seenVersion.get("/created")).isEqualTo("HTTP_1_1 close");
        SourceLocation at = new SourceLocation("keepalived.conf", 12, 9);
        ConfigNode bad = new ConfigNode("HTTP_GET", List.of(), List.of(new ConfigNode("http_protocol", List.of("2"), List.of(), at),
                block("url", leaf("path", "/"))), at);
        assertThatThrownBy(() -> factory.create(bad)).isInstanceOf(CheckConfigException.class)
                .satisfies(e -> assertThat(e.toString()).startsWith("keepalived.conf:12:9: http_protocol: '2' is not 1.0, 1.0C or 1.1"));
    }

    @Test void sslGetWithSni() throws Exception {
        CheckResult r = run(block("SSL_GET", leaf("virtualhost", "www.example.test"), leaf("enable_sni"),
                block("url", leaf("path", "/sni"), leaf("digest", md5(PAGE)))), tlsPort);
        assertThat(r.up()).as(r.detail()).isTrue();
        assertThat(seenSni.get("/sni")).isEqualTo("www.example.test");
        assertThat(run(block("SSL_GET", block("url", leaf("path", "/plain"))), tlsPort).up()).isTrue();
        // plain HTTP against the TLS port fails
        assertThat(run(block("HTTP_GET", block("url", leaf("path", "/x"))), tlsPort).up()).isFalse();
    }

    @Test void refusedAndTimedOut() throws Exception {
        var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        int closed = s.getLocalPort();
        s.close();
        CheckResult refused = run(block("HTTP_GET", block("url", leaf("path", "/"))), closed);
        assertThat(refused.up()).isFalse();
        assertThat(refused.detail()).contains("http://127.0.0.1:" + closed + "/");
        CheckContext ctx = CheckContext.of(vertx, "127.0.0.1", port, Duration.ofSeconds(1), Duration.ofMillis(300));
        CheckResult slow = factory.create(block("HTTP_GET", block("url", leaf("path", "/slow")))).run(ctx).await(10, TimeUnit.SECONDS);
        assertThat(slow.up()).isFalse();
        assertThat(slow.latency()).isLessThan(Duration.ofSeconds(3));
    }

    @Test void configErrorsNameTheLine() {
        SourceLocation at = new SourceLocation("keepalived.conf", 41, 22);
        ConfigNode badDigest = new ConfigNode("digest", List.of("xyz"), List.of(), at);
        assertThatThrownBy(() -> factory.create(block("HTTP_GET", block("url", leaf("path", "/"), badDigest))))
                .isInstanceOf(CheckConfigException.class)
                .satisfies(e -> assertThat(e.toString()).startsWith("keepalived.conf:41:22: digest"));
        assertThatThrownBy(() -> factory.create(block("HTTP_GET", leaf("connect_timeout", "3"))))
                .hasMessageContaining("needs at least one url");
        assertThatThrownBy(() -> factory.create(block("HTTP_GET", block("url", leaf("path", "/"), leaf("status_code", "2xx")))))
                .hasMessageContaining("status_code: '2xx'");
        assertThatThrownBy(() -> factory.create(block("HTTP_GET", leaf("nb_get_retri", "3"), block("url", leaf("path", "/")))))
                .hasMessageContaining("unknown keyword 'nb_get_retri'");
    }
}
