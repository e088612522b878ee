package io.vigil.plugin.nginx;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** One NGINX_CHECK: page probe, then (optionally) stub_status with drop detection between probes. */
final class NginxCheck implements Check {
    private final String path;
    private final int codeLo;
    private final int codeHi;
    private final Optional<String> vhost;
    private final Optional<String> statusUrl;
    private final Optional<Long> maxActive;
    private final long maxDropped;
    /** accepts - handled at the previous probe; -1 before the first. */
    private final AtomicLong lastDropped = new AtomicLong(-1);
    private volatile HttpClient client;
    private volatile Vertx clientVertx;

    NginxCheck(String path, int codeLo, int codeHi, Optional<String> vhost, Optional<String> statusUrl,
               Optional<Long> maxActive, long maxDropped) {
        this.path = path;
        this.codeLo = codeLo;
        this.codeHi = codeHi;
        this.vhost = vhost;
        this.statusUrl = statusUrl;
        this.maxActive = maxActive;
        this.maxDropped = maxDropped;
    }

    private HttpClient client(Vertx vertx) {
        HttpClient c = client;
        if (c == null || clientVertx != vertx) {
            synchronized (this) {
                if (client == null || clientVertx != vertx) {
                    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
                    clientVertx = vertx;
                }
                c = client;
            }
        }
        return c;
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        HttpClient c = client(ctx.vertx());
        return get(c, ctx, path).compose(page -> {
            if (page.status < codeLo || page.status > codeHi) {
                return Future.succeededFuture(CheckResult.down(CheckResult.since(start),
                        "GET " + path + ": status " + page.status));
            }
            if (statusUrl.isEmpty()) {
                return Future.succeededFuture(CheckResult.up(CheckResult.since(start), "GET " + path + ": status " + page.status));
            }
            return get(c, ctx, statusUrl.get()).map(st -> judge(st, start));
        }).otherwise(t -> CheckResult.down(CheckResult.since(start), "nginx at " + ctx.authority(80) + ": "
                + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage())));
    }

    private CheckResult judge(Page st, long start) {
        if (st.status != 200) {
            return CheckResult.down(CheckResult.since(start), "stub_status " + statusUrl.get() + ": status " + st.status);
        }
        Optional<StubStatus> s = StubStatus.parse(st.body);
        if (s.isEmpty()) {
            return CheckResult.down(CheckResult.since(start), "stub_status " + statusUrl.get() + ": not stub_status output");
        }
        StubStatus v = s.get();
        long prev = lastDropped.getAndSet(v.dropped());
        // counters restart with nginx: a smaller value is a restart, not negative drops
        long newDrops = prev < 0 || v.dropped() < prev ? 0 : v.dropped() - prev;
        if (newDrops > maxDropped) {
            return CheckResult.down(CheckResult.since(start), "dropping connections: " + newDrops
                    + " accepted but not handled since last probe (" + v + ")");
        }
        if (maxActive.isPresent() && v.active() > maxActive.get()) {
            return CheckResult.down(CheckResult.since(start), "active connections " + v.active() + " > max_active " + maxActive.get());
        }
        return CheckResult.up(CheckResult.since(start), v.toString());
    }

    private record Page(int status, String body) {}

    private Future<Page> get(HttpClient c, CheckContext ctx, String uri) {
        int port = ctx.portOr(80);
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(port, ctx.address()))
                .setHost(vhost.orElse(ctx.address())).setPort(port).setURI(uri)
                .setConnectTimeout(Math.max(1, ctx.connectTimeout().toMillis()))
                .setIdleTimeout(Math.max(1, ctx.timeout().toMillis()))
                .putHeader("Connection", "close");
        return c.request(ro).compose(req -> req.send())
                .compose(resp -> resp.body().map(b -> new Page(resp.statusCode(), b.toString()))
                        .andThen(ar -> resp.request().connection().close()));   // never leave it in CLOSE-WAIT
    }

    @Override public String describe(CheckContext ctx) { return "NGINX_CHECK http://" + ctx.authority(80) + path; }

    @Override public void close() {
        HttpClient c = client;
        if (c != null) c.close();
    }
}
