package io.vigil.plugin.http;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the prepared, reused parts of a probe (request bytes, bootstrap, streaming digest) must not change: one
 * checker instance runs a sequence of probes against a server whose answer changes from probe to probe (status,
 * body and so digest, chunked bodies in many pieces, a regex across pieces, a malformed answer, silence until the
 * timeout, a close without answer), and every result equals what the former implementation (HttpClientCodec +
 * HttpObjectAggregator + a copied body, kept below as the reference) gives for the same answer; each probe opens a
 * connection of its own and sends the former implementation's exact bytes.
 */
class HttpReuseTest {
    static final String PAGE = "<h1>node-1</h1>\n";
    static Vertx vertx;
    static ServerSocket server;
    /** What the server answers to the next connection. */
    static final AtomicReference<String> answer = new AtomicReference<>("");
    static final AtomicInteger connections = new AtomicInteger();
    static final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeAll static void start() throws IOException {
        vertx = Vertx.vertx();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    String a = answer.get();
                    Thread.ofPlatform().daemon().start(() -> serve(s, a));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterAll static void stop() throws Exception {
        server.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Reads the request head, then writes {@code a} ("SILENT" writes nothing for 2 s; "CLOSE" closes at once). */
    static void serve(Socket s, String a) {
        try (s) {
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) return;
                head.append((char) c);
            }
            requests.add(head.toString());
            if (a.equals("SILENT")) {
                Thread.sleep(2000);
                return;
            }
            if (a.equals("CLOSE")) return;
            OutputStream out = s.getOutputStream();
            byte[] b = a.getBytes(StandardCharsets.ISO_8859_1);
            // in small writes, so the client's decoder sees a body in several pieces
            for (int i = 0; i < b.length; i += 700) {
                out.write(b, i, Math.min(700, b.length - i));
                out.flush();
            }
        } catch (IOException | InterruptedException ignored) {
            // the client went away
        }
    }

    static String response(int status, String body) {
        return "HTTP/1.0 " + status + " X\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    static String chunked(int status, String body, int piece) {
        StringBuilder b = new StringBuilder("HTTP/1.1 " + status + " X\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < body.length(); i += piece) {
            String c = body.substring(i, Math.min(body.length(), i + piece));
            b.append(Integer.toHexString(c.length())).append("\r\n").append(c).append("\r\n");
        }
        return b.append("0\r\n\r\n").toString();
    }

    @Test void aSequenceOfAnswersGivesTheFormerResultsWithAConnectionAndTheSameBytesPerProbe() throws Exception {
        String big = "node-1 ".repeat(3000);   // 21 KB: many reads and chunks
        List<String> sequence = List.of(
                response(200, PAGE), response(503, PAGE), response(200, "other page\n"), response(200, PAGE),
                chunked(200, PAGE, 5), chunked(200, big, 1000), response(200, big), "SILENT", response(200, PAGE),
                "CLOSE", "HELLO\r\n\r\n", "HTTP/1.0 200 X\r\n\r\n" + PAGE, response(200, ""), response(404, "no"),
                chunked(200, "x".repeat(100), 7) + "garbage", response(200, PAGE));
        List<ConfigNode> blocks = List.of(
                block("HTTP_GET", block("url", leaf("path", "/index.html"), leaf("digest", md5(PAGE)))),
                block("HTTP_GET", leaf("http_protocol", "1.1"), leaf("virtualhost", "www.example.test"),
                        block("url", leaf("path", "/r"), leaf("regex", "node-1 node-1"), leaf("status_code", "200", "404"))),
                block("HTTP_GET", leaf("http_protocol", "1.0C"), block("url", leaf("path", "/a"), leaf("digest", md5(big))),
                        block("url", leaf("path", "/b"), leaf("regex", "node-2"), leaf("regex_no_match"))));
        int port = server.getLocalPort();
        for (ConfigNode b : blocks) {
            Check check = new HttpCheckFactory().create(b);
            Former former = new Former(b);
            for (String a : sequence) {
                answer.set(a);
                // the host builds a fresh context for every probe, with the same values
                CheckContext ctx = CheckContext.of(vertx, "127.0.0.1", port, Duration.ofSeconds(1), Duration.ofMillis(400));
                int before = connections.get();
                int sent = requests.size();
                CheckResult now = onLoop(() -> check.run(ctx));
                int opened = connections.get() - before;
                List<String> nowRequests = List.copyOf(requests.subList(sent, requests.size()));
                CheckResult then = onLoop(() -> former.run(ctx));
                assertThat(now.up()).as(a + " -> " + now.detail() + " vs " + then.detail()).isEqualTo(then.up());
                assertThat(now.detail()).as(a).isEqualTo(then.detail());
                assertThat(opened).as("a connection per url per probe: " + a).isEqualTo(nowRequests.size()).isPositive();
                assertThat(nowRequests).as("the former bytes").isEqualTo(List.copyOf(requests.subList(sent + nowRequests.size(), requests.size())));
            }
        }
    }

    @Test void theRequestBytesAreWhatTheFormerEncoderWrote() {
        for (var v : List.of(HttpProtocol.HTTP_1_0, HttpProtocol.HTTP_1_0C, HttpProtocol.HTTP_1_1)) {
            var r = new HttpGet.Request("10.0.0.1", 8080, "/health?x=1", "www.example.test:8080", v.version(), v.connectionClose(),
                    false, Optional.empty(), 1000, 1000, Optional.empty());
            EmbeddedChannel ch = new EmbeddedChannel(new HttpClientCodec());
            ch.writeOutbound(Former.request(r));
            ByteBuf out = Unpooled.buffer();
            for (Object o; (o = ch.readOutbound()) != null; ) {
                out.writeBytes((ByteBuf) o);
                ((ByteBuf) o).release();
            }
            assertThat(HttpGet.requestBytes(r)).isEqualTo(ByteBufUtil.getBytes(out));
            ch.finishAndReleaseAll();
        }
    }

    static String md5(String s) { return HttpCheck.md5Hex(s.getBytes(StandardCharsets.ISO_8859_1)); }

    /** Calls {@code run} on an event loop, as the host calls a nonBlocking check. */
    static CheckResult onLoop(java.util.concurrent.Callable<Future<CheckResult>> run) throws Exception {
        Promise<CheckResult> p = Promise.promise();
        vertx.getOrCreateContext().runOnContext(x -> {
            try {
                run.call().onComplete(p);
            } catch (Exception e) {
                p.fail(e);
            }
        });
        return p.future().await(10, TimeUnit.SECONDS);
    }

    /** The implementation before the prepared requests, as it was: the reference for what a probe decides. */
    static final class Former {
        final List<UrlSpec> urls = new ArrayList<>();
        final Optional<String> virtualhost;
        final HttpProtocol protocol;

        Former(ConfigNode block) throws Exception {
            for (ConfigNode u : block.childrenNamed("url")) urls.add(UrlSpec.parse(u));
            virtualhost = block.value("virtualhost");
            protocol = block.child("http_protocol").isPresent() ? HttpProtocol.parse(block.child("http_protocol").get()) : HttpProtocol.HTTP_1_0;
        }

        Future<CheckResult> run(CheckContext ctx) {
            long start = System.nanoTime();
            Future<String> chain = Future.succeededFuture(null);
            for (UrlSpec u : urls) chain = chain.compose(f -> f != null ? Future.succeededFuture(f) : fetch(ctx, u));
            return chain.map(f -> f == null
                            ? CheckResult.up(CheckResult.since(start), urls.size() == 1 ? "status ok" + (urls.getFirst().digest().isPresent() ? ", digest ok" : "") : urls.size() + " urls ok")
                            : CheckResult.down(CheckResult.since(start), f))
                    .otherwise(t -> CheckResult.down(CheckResult.since(start), url(ctx, urls.getFirst()) + ": " + HttpCheck.message(t)));
        }

        String url(CheckContext ctx, UrlSpec u) { return "http://" + ctx.authority(80) + u.path(); }

        Future<String> fetch(CheckContext ctx, UrlSpec u) {
            int port = ctx.portOr(80);
            Optional<String> vhost = u.virtualhost().or(() -> virtualhost);
            String host = vhost.orElse(ctx.address());
            var r = new HttpGet.Request(ctx.address(), port, u.path(), port == 80 ? host : host + ":" + port, protocol.version(),
                    protocol.connectionClose(), false, Optional.empty(), ctx.connectTimeout().toMillis(), ctx.timeout().toMillis(), Optional.empty());
            return fetch(ctx.vertx(), r).map(resp -> {
                if (!u.status().accepts(resp.status)) return url(ctx, u) + ": status " + resp.status + " not in " + u.status();
                if (u.digest().isPresent()) {
                    String got = HttpCheck.md5Hex(resp.body);
                    if (!got.equals(u.digest().get())) return url(ctx, u) + ": digest " + got + " != expected " + u.digest().get();
                }
                if (u.regex().isPresent()) {
                    boolean found = u.regex().get().matcher(new String(resp.body, StandardCharsets.ISO_8859_1)).find();
                    if (found == u.regexNoMatch()) return url(ctx, u) + ": regex " + u.regex().get().pattern() + (found ? " matched" : " not found");
                }
                return null;
            });
        }

        record Resp(int status, byte[] body) {}

        static DefaultFullHttpRequest request(HttpGet.Request r) {
            var req = new DefaultFullHttpRequest(r.version(), HttpMethod.GET, r.path(), Unpooled.EMPTY_BUFFER);
            req.headers().set(HttpHeaderNames.HOST, r.hostHeader()).set(HttpHeaderNames.USER_AGENT, "Vigil health check");
            if (r.connectionClose()) req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return req;
        }

        static Future<Resp> fetch(Vertx vertx, HttpGet.Request r) {
            ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
            var done = ctx.<Resp>promise();
            Bootstrap b = new Bootstrap().group(ctx.nettyEventLoop())
                    .channelFactory(((VertxInternal) vertx).transport().channelFactory(false))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, r.connectTimeoutMs()))
                    .handler(new ChannelInitializer<>() {
                        @Override protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ReadTimeoutHandler(Math.max(1, r.timeoutMs()), TimeUnit.MILLISECONDS),
                                    new HttpClientCodec(), new HttpObjectAggregator(HttpGet.MAX_BODY), new SimpleChannelInboundHandler<FullHttpResponse>() {
                                        @Override protected void channelRead0(ChannelHandlerContext c, FullHttpResponse msg) {
                                            done.tryComplete(new Resp(msg.status().code(), ByteBufUtil.getBytes(msg.content())));
                                            c.close();
                                        }

                                        @Override public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                                            done.tryFail(cause instanceof io.netty.handler.timeout.ReadTimeoutException
                                                    ? new IOException("no response within the timeout") : cause);
                                            c.close();
                                        }

                                        @Override public void channelInactive(ChannelHandlerContext c) {
                                            done.tryFail(new IOException("connection closed before a complete response"));
                                        }
                                    });
                        }
                    });
            b.connect(r.address(), r.port()).addListener(f -> {
                if (!f.isSuccess()) {
                    done.tryFail(f.cause());
                    return;
                }
                Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                ch.writeAndFlush(request(r));
            });
            return done.future();
        }
    }
}
