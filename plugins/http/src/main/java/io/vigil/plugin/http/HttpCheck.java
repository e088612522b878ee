package io.vigil.plugin.http;

import io.vertx.core.Future;
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
    private final boolean ssl;
    private final List<UrlSpec> urls;
    private final Optional<String> virtualhost;
    private final boolean sni;
    private final HttpProtocol protocol;

    HttpCheck(boolean ssl, List<UrlSpec> urls, Optional<String> virtualhost, boolean sni, HttpProtocol protocol) {
        this.ssl = ssl;
        this.urls = urls;
        this.virtualhost = virtualhost;
        this.sni = sni;
        this.protocol = protocol;
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        Future<String> chain = Future.succeededFuture(null);
        for (UrlSpec u : urls) {
            chain = chain.compose(failure -> failure != null ? Future.succeededFuture(failure) : fetch(ctx, u));
        }
        return chain.map(failure -> failure == null
                        ? CheckResult.up(CheckResult.since(start), okDetail())
                        : CheckResult.down(CheckResult.since(start), failure))
                .otherwise(t -> CheckResult.down(CheckResult.since(start), url(ctx, urls.getFirst()) + ": " + message(t)));
    }

    private String okDetail() {
        return urls.size() == 1 ? "status ok" + (urls.getFirst().digest().isPresent() ? ", digest ok" : "")
                : urls.size() + " urls ok";
    }

    /** Completes with null when the url passes, else with the reason. */
    private Future<String> fetch(CheckContext ctx, UrlSpec u) {
        int port = ctx.portOr(ssl ? 443 : 80);
        Optional<String> vhost = u.virtualhost().or(() -> virtualhost);
        // keepalived's Host header: the virtualhost, else the address; ":port" unless the scheme's default
        String host = vhost.orElse(ctx.address().indexOf(':') >= 0 ? "[" + ctx.address() + "]" : ctx.address());
        var req = new HttpGet.Request(ctx.address(), port, u.path(), port == (ssl ? 443 : 80) ? host : host + ":" + port,
                protocol.version(), protocol.connectionClose(), ssl, vhost.filter(h -> sni), ctx.connectTimeout().toMillis(),
                ctx.timeout().toMillis(), ctx.bindTo());
        return HttpGet.fetch(ctx.vertx(), req).map(resp -> verdict(ctx, u, resp.status(), resp.body()));
    }

    private String verdict(CheckContext ctx, UrlSpec u, int status, byte[] body) {
        if (!u.status().accepts(status)) {
            return url(ctx, u) + ": status " + status + " not in " + u.status();
        }
        if (u.digest().isPresent()) {
            String got = md5Hex(body);
            if (!got.equals(u.digest().get())) {
                return url(ctx, u) + ": digest " + got + " != expected " + u.digest().get();
            }
        }
        if (u.regex().isPresent()) {
            boolean found = u.regex().get().matcher(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)).find();
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

    /** Only Vert.x client calls: run() returns at once, so the host may call it on an event loop. */
    @Override public boolean nonBlocking() { return true; }

    @Override public String describe(CheckContext ctx) {
        return (ssl ? "SSL_GET " : "HTTP_GET ") + url(ctx, urls.getFirst());
    }
}
