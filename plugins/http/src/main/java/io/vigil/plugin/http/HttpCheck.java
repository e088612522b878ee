package io.vigil.plugin.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Fetches each url in turn; the first failing url decides the verdict and its detail. */
final class HttpCheck implements Check {
    private final HttpCheckFactory factory;
    private final boolean ssl;
    private final List<UrlSpec> urls;
    private final Optional<String> virtualhost;
    private final boolean sni;

    HttpCheck(HttpCheckFactory factory, boolean ssl, List<UrlSpec> urls, Optional<String> virtualhost, boolean sni) {
        this.factory = factory;
        this.ssl = ssl;
        this.urls = urls;
        this.virtualhost = virtualhost;
        this.sni = sni;
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        HttpClient client = ctx.bindTo().isPresent()
                ? ctx.vertx().createHttpClient(HttpCheckFactory.options(ssl).setLocalAddress(ctx.bindTo().get()))
                : factory.client(ctx.vertx(), ssl);
        Future<String> chain = Future.succeededFuture(null);
        for (UrlSpec u : urls) {
            chain = chain.compose(failure -> failure != null ? Future.succeededFuture(failure) : fetch(client, ctx, u));
        }
        return chain.map(failure -> failure == null
                        ? CheckResult.up(CheckResult.since(start), okDetail())
                        : CheckResult.down(CheckResult.since(start), failure))
                .otherwise(t -> CheckResult.down(CheckResult.since(start), url(ctx, urls.getFirst()) + ": " + message(t)))
                .andThen(ar -> { if (ctx.bindTo().isPresent()) client.close(); });
    }

    private String okDetail() {
        return urls.size() == 1 ? "status ok" + (urls.getFirst().digest().isPresent() ? ", digest ok" : "")
                : urls.size() + " urls ok";
    }

    /** Completes with null when the url passes, else with the reason. */
    private Future<String> fetch(HttpClient client, CheckContext ctx, UrlSpec u) {
        int port = ctx.portOr(ssl ? 443 : 80);
        Optional<String> vhost = u.virtualhost().or(() -> virtualhost);
        RequestOptions ro = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(port, ctx.address()))
                .setHost(vhost.filter(h -> sni || !ssl).orElse(ctx.address()))
                .setPort(port)
                .setURI(u.path())
                .setSsl(ssl)
                .setConnectTimeout(Math.max(1, ctx.connectTimeout().toMillis()))
                .setIdleTimeout(Math.max(1, ctx.timeout().toMillis()))
                .putHeader("User-Agent", "Vigil health check")
                .putHeader("Connection", "close");
        vhost.ifPresent(h -> ro.putHeader("Host", port == (ssl ? 443 : 80) ? h : h + ":" + port));
        return client.request(ro)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> verdict(ctx, u, resp.statusCode(), body))
                        // close explicitly: otherwise a connection the server closed can linger in CLOSE-WAIT
                        // holding its pool slot, and probes queue behind it
                        .andThen(ar -> resp.request().connection().close()));
    }

    private String verdict(CheckContext ctx, UrlSpec u, int status, Buffer body) {
        if (!u.status().accepts(status)) {
            return url(ctx, u) + ": status " + status + " not in " + u.status();
        }
        if (u.digest().isPresent()) {
            String got = md5Hex(body.getBytes());
            if (!got.equals(u.digest().get())) {
                return url(ctx, u) + ": digest " + got + " != expected " + u.digest().get();
            }
        }
        if (u.regex().isPresent()) {
            boolean found = u.regex().get().matcher(body.toString(java.nio.charset.StandardCharsets.ISO_8859_1)).find();
            if (found == u.regexNoMatch()) {
                return url(ctx, u) + ": regex " + u.regex().get().pattern() + (found ? " matched" : " not found");
            }
        }
        return null;
    }

    private String url(CheckContext ctx, UrlSpec u) {
        return (ssl ? "https://" : "http://") + ctx.authority(ssl ? 443 : 80) + u.path();
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** MD5 of the body as lower-case hex, the form keepalived's {@code digest} and genhash use. */
    static String md5Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    @Override public String describe(CheckContext ctx) {
        return (ssl ? "SSL_GET " : "HTTP_GET ") + url(ctx, urls.getFirst());
    }
}
