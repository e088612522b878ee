package io.vigil.plugin.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One GET over a connection of its own, as keepalived's checker does: Netty's HTTP/1 codec on the event loop of the
 * calling Vert.x context, with no connection pool. A probe is a few Netty objects; Vert.x's HTTP client costs several
 * times that per connection (a pool entry, a connection object, an outbound message queue), which at 10,000 probes a
 * second is most of the checker's garbage. Uses Vert.x's internal API to borrow its event loops and transport (epoll
 * where it is loaded), so the checks add no threads.
 */
final class HttpGet {
    /** Larger bodies fail the probe rather than buffering without bound (keepalived digests stream; 16 MB is ample for health pages). */
    static final int MAX_BODY = 16 << 20;

    /** {@code connectionClose}: send {@code Connection: close} (http_protocol 1.0C and 1.1). */
    record Request(String address, int port, String path, String hostHeader, HttpVersion version, boolean connectionClose,
                   boolean ssl, Optional<String> sniHost, long connectTimeoutMs, long timeoutMs, Optional<String> bindTo) {}

    record Response(int status, byte[] body) {}

    private HttpGet() {}

    /** Loads the codec's classes on the calling (config-loading) thread, so the first probe on a loop does not. */
    static void preload() {
        new io.netty.channel.embedded.EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY)).finishAndReleaseAll();
    }

    static Future<Response> fetch(Vertx vertx, Request r) {
        ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
        PromiseInternal<Response> done = ctx.promise();
        Bootstrap b = new Bootstrap()
                .group(ctx.nettyEventLoop())
                .channelFactory(((VertxInternal) vertx).transport().channelFactory(false))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, r.connectTimeoutMs()))
                .handler(new ChannelInitializer<>() {
                    @Override protected void initChannel(Channel ch) {
                        if (r.ssl()) {
                            // a host name sends SNI; an IP literal (no enable_sni) sends none, like keepalived
                            ch.pipeline().addLast(Tls.CONTEXT.newHandler(ch.alloc(), r.sniHost().orElse(r.address()), r.port()));
                        }
                        ch.pipeline().addLast(new ReadTimeoutHandler(Math.max(1, r.timeoutMs()), TimeUnit.MILLISECONDS),
                                new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY), new Reply(done));
                    }
                });
        r.bindTo().ifPresent(a -> b.localAddress(new InetSocketAddress(a, 0)));
        b.connect(r.address(), r.port()).addListener(f -> {
            if (!f.isSuccess()) {
                done.tryFail(f.cause());
                return;
            }
            Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
            var req = new DefaultFullHttpRequest(r.version(), HttpMethod.GET, r.path(), Unpooled.EMPTY_BUFFER);
            req.headers().set(HttpHeaderNames.HOST, r.hostHeader()).set(HttpHeaderNames.USER_AGENT, "Vigil health check");
            if (r.connectionClose()) req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ch.writeAndFlush(req).addListener(w -> {
                if (!w.isSuccess()) {
                    done.tryFail(w.cause());
                    ch.close();
                }
            });
        });
        return done.future();
    }

    /** Completes the probe with the first whole response (or the failure) and closes the connection. */
    private static final class Reply extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final PromiseInternal<Response> done;

        Reply(PromiseInternal<Response> done) { this.done = done; }

        @Override protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            done.tryComplete(new Response(msg.status().code(), ByteBufUtil.getBytes(msg.content())));
            ctx.close();
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.tryFail(cause instanceof io.netty.handler.timeout.ReadTimeoutException
                    ? new IOException("no response within the timeout") : cause);
            ctx.close();
        }

        @Override public void channelInactive(ChannelHandlerContext ctx) {
            done.tryFail(new IOException("connection closed before a complete response"));
        }
    }

    /**
     * The TLS client context, built on first use: the JDK's SSL set-up reads the trust store, hundreds of
     * milliseconds (seconds on a slow box), so the factory touches it while loading an SSL_GET, never an event loop.
     */
    static final class Tls {
        static final SslContext CONTEXT = build();

        private Tls() {}

        static void init() { /* class initialisation does the work */ }

        private static SslContext build() {
            try {
                // certificates are not verified, as in keepalived: the check is about health, not identity
                return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            } catch (SSLException e) {
                throw new IllegalStateException("TLS client context: " + e.getMessage(), e);
            }
        }
    }
}
