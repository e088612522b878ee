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
    private final String okDetail;
    /** Each url's expected MD5 as bytes (null without digest): compared as bytes, printed as hex only on a mismatch. */
    private final byte[][] expected;
    /** The requests of the last probe's target (see {@link #targets}); a probe reads it, a new target replaces it. */
    private volatile HttpGet.Target[] prepared;

    HttpCheck(boolean ssl, List<UrlSpec> urls, Optional<String> virtualhost, boolean sni, HttpProtocol protocol) {
        this.ssl = ssl;
        this.urls = urls;
        this.virtualhost = virtualhost;
        this.sni = sni;
        this.protocol = protocol;
        this.okDetail = urls.size() == 1 ? "status ok" + (urls.getFirst().digest().isPresent() ? ", digest ok" : "")
                : urls.size() + " urls ok";
        this.expected = urls.stream().map(u -> u.digest().map(HexFormat.of()::parseHex).orElse(null)).toArray(byte[][]::new);
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        HttpGet.Target[] t = targets(ctx);
        if (t.length == 1) {     // the usual single url: no chain
            return fetch(ctx, 0, t[0]).map(failure -> failure == null
                            ? CheckResult.up(CheckResult.since(start), okDetail)
                            : CheckResult.down(CheckResult.since(start), failure))
                    .otherwise(x -> CheckResult.down(CheckResult.since(start), url(ctx, urls.getFirst()) + ": " + message(x)));
        }
        Future<String> chain = Future.succeededFuture(null);
        for (int i = 0; i < t.length; i++) {
            int at = i;
            chain = chain.compose(failure -> failure != null ? Future.succeededFuture(failure) : fetch(ctx, at, t[at]));
        }
        return chain.map(failure -> failure == null
                        ? CheckResult.up(CheckResult.since(start), okDetail)
                        : CheckResult.down(CheckResult.since(start), failure))
                .otherwise(x -> CheckResult.down(CheckResult.since(start), url(ctx, urls.getFirst()) + ": " + message(x)));
    }

    /**
     * The prepared request of every url for this probe's target and timeouts: the host hands the same values on every
     * probe of a checker, so they are built once and rebuilt only when a value differs.
     */
    private HttpGet.Target[] targets(CheckContext ctx) {
        HttpGet.Target[] t = prepared;
        if (t != null) {
            HttpGet.Request r = t[0].request;
            if (r.address().equals(ctx.address()) && r.port() == ctx.portOr(ssl ? 443 : 80)
                    && r.connectTimeoutMs() == ctx.connectTimeout().toMillis() && r.timeoutMs() == ctx.timeout().toMillis()
                    && r.bindTo().equals(ctx.bindTo())) return t;
        }
        t = new HttpGet.Target[urls.size()];
        for (int i = 0; i < t.length; i++) {
            UrlSpec u = urls.get(i);
            t[i] = new HttpGet.Target(request(ctx, u), u.digest().isPresent(), u.regex().isPresent());
        }
        prepared = t;
        return t;
    }

    private HttpGet.Request request(CheckContext ctx, UrlSpec u) {
        int port = ctx.portOr(ssl ? 443 : 80);
        Optional<String> vhost = u.virtualhost().or(() -> virtualhost);
        // keepalived's Host header: the virtualhost, else the address; ":port" unless the scheme's default
        String host = vhost.orElse(ctx.address().indexOf(':') >= 0 ? "[" + ctx.address() + "]" : ctx.address());
        return new HttpGet.Request(ctx.address(), port, u.path(), port == (ssl ? 443 : 80) ? host : host + ":" + port,
                protocol.version(), protocol.connectionClose(), ssl, vhost.filter(h -> sni), ctx.connectTimeout().toMillis(),
                ctx.timeout().toMillis(), ctx.bindTo());
    }

    /** Completes with null when the url passes, else with the reason. */
    private Future<String> fetch(CheckContext ctx, int i, HttpGet.Target t) {
        return HttpGet.fetch(ctx.vertx(), t, ctx.abort()).map(resp -> verdict(ctx, i, resp));
    }

    private String verdict(CheckContext ctx, int i, HttpGet.Response resp) {
        UrlSpec u = urls.get(i);
        int status = resp.status();
        if (!u.status().accepts(status)) {
            return url(ctx, u) + ": status " + status + " not in " + u.status();
        }
        if (u.digest().isPresent() && !MessageDigest.isEqual(resp.md5(), expected[i])) {
            return url(ctx, u) + ": digest " + HexFormat.of().formatHex(resp.md5()) + " != expected " + u.digest().get();
        }
        if (u.regex().isPresent()) {
            boolean found = u.regex().get().matcher(resp.text()).find();
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
