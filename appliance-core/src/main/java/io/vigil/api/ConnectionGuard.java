package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Enforces {@link ApiLimits} on one HTTP server: connection caps at accept, a deadline for the first request, and
 * request bodies refused (413) or cut off before any handler — authentication included — looks at them.
 *
 * <p>A connection over a cap is closed as soon as it is accepted, so it holds a file descriptor for microseconds.
 * Once the total cap is reached a newcomer displaces the longest-idle connection (HTTP lets a server close an idle
 * keep-alive connection at any time): a flood of idle sockets cannot lock an operator out.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long LOG_EVERY_NS = 10_000_000_000L;

    private final Vertx vertx;
    private final ApiLimits limits;
    private final String what;
    /** In accept order: the first idle one found is the longest-open idle one. */
    private final Map<HttpConnection, Conn> open = new LinkedHashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong displaced = new AtomicLong();
    private long refusedLogged, lastLogNs;

    private static final class Conn {
        final String address;
        int active;
        long requests;

        Conn(String address) { this.address = address; }
    }

    ConnectionGuard(Vertx vertx, ApiLimits limits, String what) {
        this.vertx = vertx;
        this.limits = limits;
        this.what = what;
    }

    ApiLimits limits() { return limits; }

    /** Connections closed at accept because a cap was reached. */
    long refused() { return refused.get(); }

    /** Idle connections closed to make room for a newcomer. */
    long displaced() { return displaced.get(); }

    synchronized int openConnections() { return open.size(); }

    void install(HttpServer server) { server.connectionHandler(this::accepted); }

    private void accepted(HttpConnection c) {
        if (gate == null && c instanceof io.vertx.core.net.impl.ConnectionBase base && base.channel().parent() != null) installGate(base.channel().parent());
        String address = c.remoteAddress() == null ? "?" : c.remoteAddress().hostAddress();
        HttpConnection evict = null;
        Conn conn = new Conn(address);
        synchronized (this) {
            if (perAddress.getOrDefault(address, 0) >= limits.maxConnectionsPerAddress()) {
                refuse(c, address, "per-address cap " + limits.maxConnectionsPerAddress());
                return;
            }
            if (open.size() >= limits.maxConnections()) {
                evict = longestIdle();
                if (evict == null) {
                    refuse(c, address, "total cap " + limits.maxConnections() + ", all busy");
                    return;
                }
                forget(evict);
                displaced.incrementAndGet();
            }
            open.put(c, conn);
            perAddress.merge(address, 1, Integer::sum);
        }
        if (evict != null) closeNow(evict);
        c.closeHandler(v -> { synchronized (this) { forget(c); } });
        vertx.setTimer(limits.firstRequestTimeout().toMillis(), id -> {
            boolean silent;
            synchronized (this) { silent = conn.requests == 0 && open.containsKey(c); }
            if (silent) c.close();
        });
    }

    /**
     * Closes the socket at once: Vert.x's close() is a graceful shutdown that lags behind a fast accept loop, and
     * every accepted socket not yet closed holds a descriptor.
     */
    private static void closeNow(HttpConnection c) {
        if (c instanceof io.vertx.core.net.impl.ConnectionBase base) base.channel().close();
        else c.close();
    }

    // ---------------------------------------------------------------- accept gate

    /** Sockets the gate let through beyond the total cap, for newcomers to displace idle connections with. */
    static final int GATE_SLACK = 64;
    private volatile AcceptGate gate;

    /**
     * Vert.x accepts on a thread of its own, ahead of the event loop that hands connections to {@link #accepted}: in a
     * flood thousands of sockets can be accepted (each a descriptor) before the first is refused. The gate sits in the
     * listening channel's pipeline, on the accepting thread, and closes a socket over the per-address cap or over the
     * total cap plus {@link #GATE_SLACK} before it is ever registered. Installed at the first connection.
     */
    private synchronized void installGate(io.netty.channel.Channel server) {
        if (gate != null) return;
        gate = new AcceptGate();
        server.pipeline().addFirst("vigil-accept-gate", gate);
    }

    @io.netty.channel.ChannelHandler.Sharable
    private final class AcceptGate extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.ConcurrentHashMap<String, Integer> byAddress = new java.util.concurrent.ConcurrentHashMap<>();

        @Override public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.channel.Channel child && child.remoteAddress() instanceof java.net.InetSocketAddress ra) {
                String address = ra.getAddress().getHostAddress();
                boolean[] admitted = {false};
                byAddress.compute(address, (k, n) -> {
                    int now = n == null ? 0 : n;
                    if (now >= limits.maxConnectionsPerAddress() || total.get() >= limits.maxConnections() + GATE_SLACK) return n;
                    admitted[0] = true;
                    total.incrementAndGet();
                    return now + 1;
                });
                if (!admitted[0]) {
                    child.unsafe().closeForcibly();
                    synchronized (ConnectionGuard.this) { refuse(null, address, "at accept: per-address cap " + limits.maxConnectionsPerAddress()
                            + ", total " + (limits.maxConnections() + GATE_SLACK)); }
                    return;
                }
                child.closeFuture().addListener(f -> {
                    total.decrementAndGet();
                    byAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
                });
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Under the lock. */
    private HttpConnection longestIdle() {
        for (var e : open.entrySet()) if (e.getValue().active == 0) return e.getKey();
        return null;
    }

    /** Under the lock. */
    private void forget(HttpConnection c) {
        Conn conn = open.remove(c);
        if (conn != null) perAddress.computeIfPresent(conn.address, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Under the lock. Rate-limited log: a flood must not flood the log too. */
    private void refuse(HttpConnection c, String address, String why) {
        refused.incrementAndGet();
        if (c != null) closeNow(c);
        long now = System.nanoTime();
        if (now - lastLogNs > LOG_EVERY_NS) {
            long n = refused.get() - refusedLogged;
            refusedLogged = refused.get();
            lastLogNs = now;
            LOG.warn("{}: refused {} connection(s) ({}; latest from {}); {} open", what, n, why, address, open.size());
        }
    }

    /**
     * The router's first handler: counts the request against its connection and applies the body limit. A body
     * declared larger than the limit is answered 413 at once; a chunked one is cut at the limit; and since no
     * endpoint reads a body, a connection whose body was not received in full when its response ends is closed
     * rather than read to the end.
     */
    void request(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpConnection c = req.connection();
        Conn conn;
        synchronized (this) { conn = open.get(c); }
        if (conn != null) {
            synchronized (this) { conn.requests++; conn.active++; }
            ctx.addEndHandler(v -> { synchronized (this) { conn.active--; } });
        }
        String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        long n = 0;
        if (declared != null) {
            try {
                n = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                reject(ctx, 400, "bad Content-Length");
                return;
            }
            if (n > limits.maxBodyBytes()) {
                reject(ctx, 413, "request body of " + n + " bytes; the limit is " + limits.maxBodyBytes());
                return;
            }
        }
        boolean body = n > 0 || req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (body && !req.isEnded()) {
            long[] received = {0};
            req.handler(buf -> {
                received[0] += buf.length();
                if (received[0] > limits.maxBodyBytes() && !ctx.response().ended() && !ctx.response().headWritten())
                    reject(ctx, 413, "request body over " + limits.maxBodyBytes() + " bytes");
            });
            // the client is told, so it does not send its next request on a connection about to close
            ctx.addHeadersEndHandler(v -> { if (!req.isEnded()) ctx.response().putHeader(HttpHeaders.CONNECTION, "close"); });
            ctx.addEndHandler(v -> { if (!req.isEnded()) c.close(); });
            req.resume();
        }
        ctx.next();
    }

    /** Answers and closes the connection: whatever body follows is never read. */
    private static void reject(RoutingContext ctx, int status, String message) {
        HttpConnection c = ctx.request().connection();
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new JsonObject().put("error", message).put("status", status).encode())
                .onComplete(ar -> c.close());
    }
}
