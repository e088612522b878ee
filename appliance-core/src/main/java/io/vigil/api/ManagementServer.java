package io.vigil.api;

import static io.vigil.api.HttpHelper.*;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The management HTTP server: read-only REST over the node's projection, an SSE event stream, journal export,
 * Prometheus {@code /metrics}, the OpenAPI document, and token-guarded control actions.
 *
 * <p>Runs on its own Vert.x event loop; journal reads go to worker threads, so a slow client or a large export
 * never touches the VRRP thread.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    static final String API = "/api/v1";
    private static final int DEFAULT_EVENT_LIMIT = 1000;
    private static final int MAX_EVENT_LIMIT = 100_000;
    /** Frames queued for one event-stream client beyond its connection's write queue; past this its subscription waits. */
    static final long MAX_PENDING_BYTES = 4L << 20;
    /** A client that takes in nothing for this long while frames wait is cut off (it resumes with Last-Event-ID). */
    static final long STALL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final int WRITE_CHUNK = 64 * 1024;
    /** What answers without a token when the API listens beyond loopback: scrapes, the contract, liveness. */
    static final Set<String> OPEN_BEYOND_LOOPBACK = Set.of("/metrics", "/openapi.json", "/health");
    static final String HOW_TO_CONFIGURE_TOKEN = "give the node a token with --api-token-file FILE"
            + " (the appliance: an api-token file beside keepalived.conf) or listen on loopback";

    private final Vertx vertx;
    private final NodeView node;
    private final VigilMetrics metrics;
    private final ManagementOptions options;
    private final Router router;
    private final Buffered openApi;
    private final ConnectionGuard guard;
    /** Listening beyond loopback: reads need the token too (only {@link #OPEN_BEYOND_LOOPBACK} stays open). */
    private final boolean readsNeedToken;
    private HttpServer server;

    private ManagementServer(Vertx vertx, NodeView node, VigilMetrics metrics, ManagementOptions options, ApiLimits limits) {
        this.vertx = vertx;
        this.node = node;
        this.metrics = metrics;
        this.options = options;
        this.readsNeedToken = !options.loopbackOnly();
        this.guard = new ConnectionGuard(vertx, limits, "management API");
        this.openApi = new Buffered(loadOpenApi());
        this.router = routes();
    }

    /** Starts listening; the future completes once the port is bound. */
    public static Future<ManagementServer> start(Vertx vertx, NodeView node, VigilMetrics metrics, ManagementOptions options) {
        return start(vertx, node, metrics, options, ApiLimits.defaults());
    }

    public static Future<ManagementServer> start(Vertx vertx, NodeView node, VigilMetrics metrics, ManagementOptions options,
                                                 ApiLimits limits) {
        var s = new ManagementServer(vertx, node, metrics, options, limits);
        HttpServer http = vertx.createHttpServer(httpOptions(limits));
        s.guard.install(http);
        return http.requestHandler(s.router).listen(options.port(), options.host())
                .map(bound -> {
                    s.server = bound;
                    LOG.info("management API on http://{}:{}/ ({}; control actions {}; at most {} connections, {} per address)",
                            options.host(), bound.actualPort(),
                            s.readsNeedToken ? "beyond loopback: every route but " + String.join(", ", openRoutes()) + " needs the bearer token"
                                    : "loopback: reads open",
                            options.token().isPresent() ? "enabled with bearer token" : "disabled: no token",
                            limits.maxConnections(), limits.maxConnectionsPerAddress());
                    if (s.readsNeedToken && options.token().isEmpty()) {
                        LOG.warn("management API listens beyond loopback ({}) without an API token: only {} answer; {}",
                                options.host(), String.join(", ", openRoutes()), HOW_TO_CONFIGURE_TOKEN);
                    }
                    return s;
                });
    }

    /**
     * Idle timeout and header bounds shared by the management and replay servers. HTTP/1.1 only: with h2c on, Vert.x
     * sees a connection only once its first bytes arrive, so a silent socket would escape the connection caps.
     */
    static io.vertx.core.http.HttpServerOptions httpOptions(ApiLimits limits) {
        return new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16 * 1024);
    }

    /** Connections refused at accept by the caps, and idle ones closed for a newcomer (for /metrics and tests). */
    public long connectionsRefused() { return guard.refused(); }

    public long connectionsDisplaced() { return guard.displaced(); }

    private static List<String> openRoutes() { return OPEN_BEYOND_LOOPBACK.stream().sorted().toList(); }

    /** Whether reads need the token: the API listens beyond loopback. */
    public boolean readsNeedToken() { return readsNeedToken; }

    public static Future<ManagementServer> start(Vertx vertx, NodeView node, ManagementOptions options) {
        return start(vertx, node, new VigilMetrics(node), options);
    }

    public int port() { return server.actualPort(); }

    public String url() { return "http://" + options.host() + ":" + port() + "/"; }

    public VigilMetrics metrics() { return metrics; }

    Router router() { return router; }

    public Future<Void> stop() { return server == null ? Future.succeededFuture() : server.close(); }

    @Override public void close() { stop().await(); }

    // ---------------------------------------------------------------- routes

    private Router routes() {
        Router r = Router.router(vertx);
        r.route().handler(guard::request);
        // a request that is not a stream answers 503 after the request timeout instead of holding its connection
        var timeout = io.vertx.ext.web.handler.TimeoutHandler.create(guard.limits().requestTimeout().toMillis(), 503);
        r.route().handler(ctx -> {
            String p = ctx.request().path();
            if (p.equals(API + "/events/stream") || p.equals(API + "/journal/export") || p.equals(API + "/reload")) ctx.next();
            else timeout.handle(ctx);
        });
        if (readsNeedToken) r.route().handler(this::authorizeBeyondLoopback);
        r.get("/health").handler(ctx -> json(ctx, new JsonObject().put("status", "ok")));
        r.get("/openapi.json").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(openApi.text()));
        r.get("/metrics").handler(ctx -> blocking(ctx, metrics::scrape, text ->
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(text)));
        // these read the kernel's IPVS counters (a netlink dump): on a worker, never on the event loop
        r.get(API + "/node").handler(ctx -> blocking(ctx, () -> new JsonObject().put("name", node.nodeName())
                .put("time", Instant.now().toString()).put("lastSeq", node.lastSeq())
                .put("ipvs", node.ipvsUnavailable().map(why -> "unavailable: " + why).orElse("kernel"))
                .put("control", options.token().isPresent()), body -> json(ctx, body)));
        // off the event loop: the live view may wait for the journal's writer to copy it (Journal.view)
        r.get(API + "/instances").handler(ctx -> blocking(ctx,
                () -> array(node.instances().stream().map(ApiJson::instance).toList()), body -> json(ctx, body)));
        r.get(API + "/instances/:name").handler(ctx -> blocking(ctx,
                () -> ApiJson.instance(instance(ctx.pathParam("name"))), body -> json(ctx, body)));
        r.get(API + "/virtual-servers").handler(ctx -> blocking(ctx,
                () -> array(node.virtualServers().stream().map(ApiJson::virtualServer).toList()), body -> json(ctx, body)));
        r.get(API + "/virtual-servers/:vs").handler(ctx -> blocking(ctx,
                () -> ApiJson.virtualServer(virtualServer(ctx.pathParam("vs"))), body -> json(ctx, body)));
        r.get(API + "/virtual-servers/:vs/real-servers").handler(ctx -> blocking(ctx,
                () -> array(virtualServer(ctx.pathParam("vs")).reals().stream().map(ApiJson::realServer).toList()), body -> json(ctx, body)));
        r.get(API + "/checks").handler(ctx -> blocking(ctx,
                () -> array(node.checks().stream().map(ApiJson::check).toList()), body -> json(ctx, visible(ctx, body))));
        r.get(API + "/state").handler(ctx -> {
            Instant at = instantParam(ctx, "at", Instant.now());
            blocking(ctx, () -> node.stateAt(at), state ->
                    json(ctx, visible(ctx, new JsonObject().put("at", at.toString()).put("state", state))));
        });
        r.get(API + "/events").handler(this::events);
        r.get(API + "/events/stream").handler(this::stream);
        r.get(API + "/journal/export").handler(this::export);

        Handler<RoutingContext> guard = this::authorize;
        r.post(API + "/virtual-servers/:vs/real-servers/:rs/drain").handler(guard).handler(ctx ->
                control(ctx, () -> node.drain(ctx.pathParam("vs"), ctx.pathParam("rs"), true)));
        r.post(API + "/virtual-servers/:vs/real-servers/:rs/undrain").handler(guard).handler(ctx ->
                control(ctx, () -> node.drain(ctx.pathParam("vs"), ctx.pathParam("rs"), false)));
        r.post(API + "/instances/:name/maintenance").handler(guard).handler(ctx ->
                control(ctx, () -> node.maintenance(ctx.pathParam("name"), true)));
        r.delete(API + "/instances/:name/maintenance").handler(guard).handler(ctx ->
                control(ctx, () -> node.maintenance(ctx.pathParam("name"), false)));
        r.post(API + "/reload").handler(guard).handler(this::reload);

        r.route().failureHandler(this::failure);
        return r;
    }

    /** Routes as "METHOD /path/{param}" in OpenAPI spelling; the contract test compares them with the document. */
    public Set<String> routeSignatures() {
        Set<String> out = new LinkedHashSet<>();
        for (var route : router.getRoutes()) {
            if (route.getPath() == null) continue; // the catch-all failure route
            String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            for (HttpMethod m : route.methods()) out.add(m.name() + " " + path);
        }
        return out;
    }

    private Views.Instance instance(String name) {
        return node.instances().stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new NodeView.NotFound("no vrrp_instance " + name));
    }

    private Views.VirtualServer virtualServer(String id) {
        return node.virtualServers().stream().filter(v -> v.id().equals(id)).findFirst()
                .orElseThrow(() -> new NodeView.NotFound("no virtual_server " + id));
    }

    // ---------------------------------------------------------------- events

    private void events(RoutingContext ctx) {
        Instant from = instantParam(ctx, "from", Instant.EPOCH);
        Instant to = instantParam(ctx, "to", Instant.now().plusSeconds(1));
        Set<String> types = types(ctx);
        int limit = intParam(ctx, "limit", DEFAULT_EVENT_LIMIT);
        if (limit < 1 || limit > MAX_EVENT_LIMIT) throw new BadRequest("limit must be 1.." + MAX_EVENT_LIMIT);
        blocking(ctx, () -> node.events(from, to, types, limit), list ->
                json(ctx, visible(ctx, array(list.stream().map(e -> e.json().copy()).toList()))));   // copies: redaction edits in place
    }

    /**
     * Server-sent events: every journal event after {@code after} (or the Last-Event-ID a reconnecting client
     * sends), then live ones, in sequence order. A client that cannot keep up is disconnected rather than
     * buffered without bound; it resumes from its Last-Event-ID.
     */
    private void stream(RoutingContext ctx) {
        String lastId = ctx.request().getHeader("Last-Event-ID");
        long after = lastId != null ? parseLong(lastId, "Last-Event-ID") : longParam(ctx, "after", node.lastSeq());
        Set<String> types = types(ctx);
        boolean redact = !hasToken(ctx);
        HttpServerResponse res = ctx.response();
        res.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        res.write(": vigil event stream from seq " + after + "\n\n");
        Context context = vertx.getOrCreateContext();
        AtomicBoolean closed = new AtomicBoolean();
        // Frames are queued by the subscription's thread and written in chunks on this connection's event loop, only
        // while the connection's write queue has room. Past MAX_PENDING_BYTES the subscription's thread waits (a replay
        // to a fast client is paced by its socket, nothing dropped); a client that takes nothing in for STALL_NANOS is
        // cut off, so memory stays bounded and the journal never waits for a reader.
        var pending = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var pendingBytes = new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean scheduled = new AtomicBoolean();
        Runnable drain = () -> {
            scheduled.set(false);
            if (closed.get()) return;
            var sb = new StringBuilder();
            for (String f; !res.writeQueueFull() && (f = pending.poll()) != null; ) {
                pendingBytes.addAndGet(-f.length());
                sb.append(f);
                if (sb.length() >= WRITE_CHUNK) {
                    res.write(sb.toString());
                    sb.setLength(0);
                }
            }
            if (!sb.isEmpty()) res.write(sb.toString());
        };
        Runnable schedule = () -> { if (scheduled.compareAndSet(false, true)) context.runOnContext(v -> drain.run()); };
        res.drainHandler(v -> schedule.run());
        var subscription = new java.util.concurrent.atomic.AtomicReference<AutoCloseable>();
        var ping = new java.util.concurrent.atomic.AtomicLong(-1);
        Runnable end = () -> { // on close, or when we cut the client off (a reset connection may not report its close)
            vertx.cancelTimer(ping.get());
            AutoCloseable sub = subscription.getAndSet(null);
            if (sub == null) return;
            try {
                sub.close();
            } catch (Exception ex) {
                LOG.debug("closing event subscription", ex);
            }
        };
        subscription.set(node.subscribe(after, e -> {
            if (closed.get() || (!types.isEmpty() && !types.contains(e.type()))) return;
            JsonObject data = e.json().copy();   // redaction edits in place
            String frame = "id: " + e.seq() + "\nevent: " + e.type() + "\ndata: " + (redact ? Redaction.apply(data) : data).encode() + "\n\n";
            if (pendingBytes.get() > MAX_PENDING_BYTES && !awaitRoom(pendingBytes, closed)) {
                context.runOnContext(v -> { if (slowClient(res, closed, pending)) end.run(); });
                return;
            }
            pendingBytes.addAndGet(frame.length());
            pending.add(frame);
            schedule.run();
        }));
        ping.set(vertx.setPeriodic(15_000, id -> { if (!closed.get()) res.write(": keep-alive\n\n"); }));
        res.closeHandler(v -> {
            closed.set(true);
            end.run();
        });
    }

    /**
     * Blocks the subscription's thread until the client has taken in enough to bring the queue under the limit;
     * false if it stalled for {@link #STALL_NANOS} or the stream closed. Never blocks an event loop: there (a node
     * that delivers on one) a full queue means cut-off at once.
     */
    private static boolean awaitRoom(java.util.concurrent.atomic.AtomicLong pendingBytes, AtomicBoolean closed) {
        if (Context.isOnEventLoopThread()) return false;
        long deadline = System.nanoTime() + STALL_NANOS;
        while (pendingBytes.get() > MAX_PENDING_BYTES) {
            if (closed.get() || System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) return false;
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        return !closed.get();
    }

    /** A client that does not read is cut off rather than buffered without bound; it resumes with Last-Event-ID. */
    private static boolean slowClient(HttpServerResponse res, AtomicBoolean closed, java.util.Queue<String> pending) {
        if (!closed.compareAndSet(false, true)) return false;
        LOG.info("event stream client took nothing in for {} s with {} MB waiting: disconnecting (it can resume with Last-Event-ID)",
                STALL_NANOS / 1_000_000_000L, MAX_PENDING_BYTES >> 20);
        pending.clear();
        res.reset();
        return true;
    }

    /** Streamed in chunks as the journal is read, paced by the client's socket: memory stays bounded whatever the range. */
    private void export(RoutingContext ctx) {
        Instant from = instantParam(ctx, "from", Instant.EPOCH);
        Instant to = instantParam(ctx, "to", Instant.now().plusSeconds(1));
        Set<String> types = types(ctx);
        HttpServerResponse res = ctx.response();
        boolean redact = !hasToken(ctx);
        // redacted lines no longer match their hashes: a verifiable export needs the token
        if (redact) res.putHeader("X-Vigil-Redacted", "notify command lines and script output; send the API token for a verifiable export");
        res.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-ndjson")
                .putHeader("Content-Disposition", "attachment; filename=\"vigil-journal-" + node.nodeName().replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl\"");
        AtomicBoolean closed = new AtomicBoolean();
        res.closeHandler(v -> closed.set(true));
        vertx.executeBlocking(() -> {
            var sb = new StringBuilder();
            node.export(from, to, types, line -> {
                sb.append(redact && (line.contains("\"script\"") || line.contains("\"checker\"")) ? Redaction.apply(new JsonObject(line)).encode() : line).append('\n');
                if (sb.length() >= WRITE_CHUNK) {
                    awaitWritable(res, closed);
                    res.write(sb.toString());
                    sb.setLength(0);
                }
            });
            if (!sb.isEmpty()) res.write(sb.toString());
            return null;
        }, false).onComplete(ar -> {
            if (ar.succeeded()) res.end();
            else if (!res.headWritten()) ctx.fail(ar.cause());
            else res.reset(); // mid-stream: the client sees a cut transfer, not a truncated file that looks whole
        });
    }

    /** On a worker: waits while the client's socket is full; gives up (ending the export) on close or a stall. */
    private static void awaitWritable(HttpServerResponse res, AtomicBoolean closed) {
        long deadline = System.nanoTime() + STALL_NANOS;
        while (res.writeQueueFull()) {
            if (closed.get() || System.nanoTime() > deadline) throw new java.util.concurrent.CancellationException("export client gone or stalled");
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        if (closed.get()) throw new java.util.concurrent.CancellationException("export client gone");
    }

    // ---------------------------------------------------------------- control

    /** True when the request carries the node's token (readers without it see {@link Redaction redacted} script fields). */
    private boolean hasToken(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && options.token().isPresent()
                && MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8), options.token().get().getBytes(StandardCharsets.UTF_8));
    }

    private <T> T visible(RoutingContext ctx, T json) { return hasToken(ctx) ? json : Redaction.apply(json); }

    /** 401 without a bearer token, 403 with a wrong one (or when the node was started without a token). */
    private void authorize(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vigil\"");
            error(ctx, 401, "control actions need 'Authorization: Bearer <token>'");
            return;
        }
        Optional<String> token = options.token();
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        if (token.isEmpty()) {
            error(ctx, 403, "control actions are disabled: the node was started without an API token");
        } else if (!MessageDigest.isEqual(given, token.get().getBytes(StandardCharsets.UTF_8))) {
            error(ctx, 403, "wrong API token");
        } else {
            ctx.next();
        }
    }

    /**
     * Beyond loopback every route but {@link #OPEN_BEYOND_LOOPBACK} needs the token: 401 without a bearer token, 403
     * with a wrong one; without a token configured, 401/403 saying how to configure one. Matched on the normalized
     * path, the one the router dispatches on, so {@code /metrics/../api/v1/instances} is not a way round.
     */
    private void authorizeBeyondLoopback(RoutingContext ctx) {
        if (OPEN_BEYOND_LOOPBACK.contains(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
        if (!bearer) ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vigil\"");
        if (options.token().isEmpty()) {
            error(ctx, bearer ? 403 : 401, "the API listens beyond loopback (" + options.host() + ") and the node was started without an"
                    + " API token: only " + String.join(", ", openRoutes()) + " answer; " + HOW_TO_CONFIGURE_TOKEN);
        } else if (!bearer) {
            error(ctx, 401, "the API listens beyond loopback: every route but " + String.join(", ", openRoutes())
                    + " needs 'Authorization: Bearer <token>'");
        } else if (!hasToken(ctx)) {
            error(ctx, 403, "wrong API token");
        } else {
            ctx.next();
        }
    }

    /** 200 when the new configuration runs, 422 with the errors when it was rejected (the old one runs on). */
    private void reload(RoutingContext ctx) {
        String f = ctx.queryParams().get("force");
        if (f != null && !f.equals("true") && !f.equals("false")) throw new BadRequest("force must be true or false, got '" + f + "'");
        boolean force = "true".equals(f);
        blocking(ctx, () -> node.reload(force), r -> ctx.response().setStatusCode(r.applied() ? 200 : 422)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("applied", r.applied()).put("seq", r.seq()).put("summary", r.summary())
                        .put("errors", new JsonArray(List.copyOf(r.errors()))).encode()));
    }

    private void control(RoutingContext ctx, Callable<Long> action) {
        blocking(ctx, action, seq -> ctx.response().setStatusCode(202)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("accepted", true).put("seq", seq).encode()));
    }

    // ---------------------------------------------------------------- plumbing

    private <T> void blocking(RoutingContext ctx, Callable<T> work, java.util.function.Consumer<T> then) {
        vertx.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                try {
                    then.accept(ar.result());
                } catch (RuntimeException e) {
                    ctx.fail(e);
                }
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    private void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (ctx.response().ended()) return;
        if (t instanceof NodeView.NotFound nf) error(ctx, 404, nf.getMessage());
        else if (t instanceof IllegalArgumentException) error(ctx, 400, t.getMessage());
        else if (t instanceof IllegalStateException) error(ctx, 409, t.getMessage());
        else if (t == null) error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "request failed");
        else {
            LOG.warn("management API: {} {} failed", ctx.request().method(), ctx.request().path(), t);
            error(ctx, 500, "internal error: " + t.getClass().getSimpleName());
        }
    }

    private static JsonArray array(List<JsonObject> items) { return new JsonArray(List.copyOf(items)); }

    private static Set<String> types(RoutingContext ctx) {
        Set<String> types = new LinkedHashSet<>();
        for (String t : ctx.queryParam("type")) for (String s : t.split(",")) if (!s.isBlank()) types.add(s.strip());
        return types;
    }

    private static String loadOpenApi() {
        try (InputStream in = ManagementServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Buffered(String text) {}

}
