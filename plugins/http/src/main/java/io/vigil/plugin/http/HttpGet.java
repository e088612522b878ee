package io.vigil.plugin.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vigil.check.api.Abort;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One GET over a connection of its own, as keepalived's checker does: connect, send the request, read the whole
 * response, close. Netty's HTTP/1 response decoder on the event loop of the calling Vert.x context, with no pool and
 * no reuse of connections. What does not change between probes of one target is built once ({@link Target}): the
 * request's bytes, the bootstrap and its initializer; a probe is then the channel, its decoder and one small handler
 * that digests the body as it arrives (keepalived's {@code digest} streams too) instead of aggregating and copying it.
 * Uses Vert.x's internal API to borrow its event loops and transport (epoll where it is loaded), so the checks add no
 * threads.
 */
final class HttpGet {
    /** Larger bodies fail the probe rather than buffering without bound (keepalived digests stream; 16 MB is ample for health pages). */
    static final int MAX_BODY = 16 << 20;

    /** {@code connectionClose}: send {@code Connection: close} (http_protocol 1.0C and 1.1). */
    record Request(String address, int port, String path, String hostHeader, HttpVersion version, boolean connectionClose,
                   boolean ssl, Optional<String> sniHost, long connectTimeoutMs, long timeoutMs, Optional<String> bindTo) {}

    /**
     * The answer: its status, the MD5 of its body when {@link Target#digest} asked for it, the body as ISO-8859-1 text
     * when {@link Target#text} asked for it (else null).
     */
    record Response(int status, byte[] md5, String text) {}

    private HttpGet() {}

    /** Loads the decoder's classes on the calling (config-loading) thread, so the first probe on a loop does not. */
    static void preload() {
        new io.netty.channel.embedded.EmbeddedChannel(new HttpResponseDecoder()).finishAndReleaseAll();
        md5();
    }

    /**
     * The request line and headers keepalived's checker sends: Host, User-Agent, and Connection: close for 1.0C/1.1,
     * byte for byte as Netty's encoder wrote them before (its header names are lower case).
     */
    static byte[] requestBytes(Request r) {
        StringBuilder s = new StringBuilder(96).append("GET ").append(r.path()).append(' ').append(r.version().text()).append("\r\n")
                .append("host: ").append(r.hostHeader()).append("\r\n")
                .append("user-agent: Vigil health check\r\n");
        if (r.connectionClose()) s.append("connection: close\r\n");
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Everything about one url at one target that stays the same from probe to probe: the request's bytes (shared,
     * read-only, written as a duplicate), and per event loop a bootstrap with its initializer. Used on event loops only.
     */
    static final class Target {
        final Request request;
        final boolean digest, text;
        private final ByteBuf bytes;
        /** An IP literal resolved once (the resolver then has nothing to do); a name is resolved per connect, as before. */
        private final SocketAddress remote;
        private final ChannelHandler initializer;
        private EventLoop loop;
        private Bootstrap bootstrap;

        Target(Request r, boolean digest, boolean text) {
            this.request = r;
            this.digest = digest;
            this.text = text;
            this.bytes = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(requestBytes(r)).asReadOnly());
            SocketAddress a;
            try {
                a = new InetSocketAddress(InetAddress.ofLiteral(r.address()), r.port());
            } catch (IllegalArgumentException name) {
                a = InetSocketAddress.createUnresolved(r.address(), r.port());
            }
            this.remote = a;
            this.initializer = new ChannelInitializer<>() {
                @Override protected void initChannel(Channel ch) {
                    // at the front, in reverse: ahead of the probe's Reply whether connect() added it before or after this ran
                    ch.pipeline().addFirst(new HttpResponseDecoder());
                    ch.pipeline().addFirst(new ReadTimeoutHandler(Math.max(1, r.timeoutMs()), TimeUnit.MILLISECONDS));
                    if (r.ssl()) {
                        // a host name sends SNI; an IP literal (no enable_sni) sends none, like keepalived
                        ch.pipeline().addFirst(Tls.CONTEXT.newHandler(ch.alloc(), r.sniHost().orElse(r.address()), r.port()));
                    }
                }
            };
        }

        /** This target's bootstrap on {@code loop} (a probe's checker stays on one loop, so this is built once). */
        private Bootstrap bootstrap(Vertx vertx, EventLoop on) {
            synchronized (this) {
                if (on != loop) {
                    Bootstrap b = new Bootstrap().group(on)
                            .channelFactory(((VertxInternal) vertx).transport().channelFactory(false))
                            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, request.connectTimeoutMs()))
                            .handler(initializer);
                    request.bindTo().ifPresent(a -> b.localAddress(new InetSocketAddress(a, 0)));
                    bootstrap = b;
                    loop = on;
                }
                return bootstrap;
            }
        }
    }

    static Future<Response> fetch(Vertx vertx, Target t) { return fetch(vertx, t, Abort.NEVER); }

    /** One request; if the host gives up on the probe ({@code abort}), the connection is closed there and then. */
    static Future<Response> fetch(Vertx vertx, Target t, Abort abort) {
        ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
        PromiseInternal<Response> done = ctx.promise();
        EventLoop loop = ctx.nettyEventLoop();
        if (loop.inEventLoop()) connect(vertx, loop, t, done, abort);
        else loop.execute(() -> connect(vertx, loop, t, done, abort));
        return done.future();
    }

    /** On {@code loop}: the reply handler goes in after connect() returns, before the loop can read anything. */
    private static void connect(Vertx vertx, EventLoop loop, Target t, PromiseInternal<Response> done, Abort abort) {
        ChannelFuture cf = t.bootstrap(vertx, loop).connect(t.remote);
        Channel ch = cf.channel();
        ch.pipeline().addLast(new Reply(done, t.digest, t.text));
        // a close fails the connect or ends the reply (channelInactive): the probe's future completes, late and ignored
        if (abort != Abort.NEVER) abort.onAbort(ch::close);
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                done.tryFail(f.cause());
                return;
            }
            ch.writeAndFlush(t.bytes.duplicate()).addListener(w -> {
                if (!w.isSuccess()) {
                    done.tryFail(w.cause());
                    ch.close();
                }
            });
        });
    }

    /**
     * Completes the probe with the first whole response (or the failure) and closes the connection. What
     * HttpObjectAggregator did before, without the aggregate: the status from the head, the body digested (and kept
     * as text only for a regex) as it arrives, at most {@link #MAX_BODY} bytes, the same exception past it; a head or
     * chunk the decoder marks as failed ends the response there, as the aggregator ended it.
     */
    private static final class Reply extends ChannelInboundHandlerAdapter {
        private final PromiseInternal<Response> done;
        private final boolean digest, text;
        private HttpResponse head;
        private long length;
        /** Digest across chunks: only made when the body comes in more than one piece. */
        private MessageDigest md;
        private ByteBuf kept;

        Reply(PromiseInternal<Response> done, boolean digest, boolean text) {
            this.done = done;
            this.digest = digest;
            this.text = text;
        }

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (done.isComplete() || !(msg instanceof HttpObject o)) return;
                if (msg instanceof HttpResponse r && head == null) {
                    head = r;
                    if (declaredTooLarge(r)) {
                        tooLarge(ctx);
                        return;
                    }
                }
                if (head == null) return;
                // a head the decoder failed on ends the response with what it holds (the aggregator's rule)
                ByteBuf content = msg instanceof HttpContent c ? c.content() : Unpooled.EMPTY_BUFFER;
                boolean last = msg instanceof LastHttpContent || o.decoderResult().isFailure();
                if (!(msg instanceof HttpContent) && !last) return;
                length += content.readableBytes();
                if (length > MAX_BODY) {
                    tooLarge(ctx);
                    return;
                }
                if (text && content.isReadable()) {
                    if (kept == null) kept = ctx.alloc().heapBuffer(content.readableBytes());
                    kept.writeBytes(content, content.readerIndex(), content.readableBytes());
                }
                byte[] sum = null;
                if (digest) {
                    if (last && md == null) {
                        sum = digestOf(md5(), content);             // the whole body in one piece (the usual case)
                    } else {
                        if (md == null) md = newMd5();
                        md.update(content.nioBuffer());
                        if (last) sum = md.digest();
                    }
                }
                if (last) {
                    String body = text ? (kept == null ? "" : kept.toString(StandardCharsets.ISO_8859_1)) : null;
                    done.tryComplete(new Response(head.status().code(), sum, body));
                    release();
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private static boolean declaredTooLarge(HttpResponse r) {
            try {
                return HttpUtil.getContentLength(r, -1L) > MAX_BODY;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        private void tooLarge(ChannelHandlerContext ctx) {
            ctx.close();
            done.tryFail(new TooLongHttpContentException("Response entity too large: " + head));
            release();
        }

        private void release() {
            if (kept != null) {
                kept.release();
                kept = null;
            }
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.tryFail(cause instanceof io.netty.handler.timeout.ReadTimeoutException
                    ? new IOException("no response within the timeout") : cause);
            release();
            ctx.close();
        }

        @Override public void channelInactive(ChannelHandlerContext ctx) {
            release();
            // a completed probe's connection closes too: no exception (and its stack trace) for that
            if (!done.isComplete()) done.tryFail(new IOException("connection closed before a complete response"));
        }
    }

    /** The event loop's own MD5, for a body that arrives whole (reset by {@code digest}). */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(HttpGet::newMd5);

    private static MessageDigest md5() { return MD5.get(); }

    private static byte[] digestOf(MessageDigest md, ByteBuf content) {
        md.update(content.nioBuffer());
        return md.digest();
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
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
