package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.PrintWriter;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil genhash -s SERVER -p PORT -u URL [-S] [-V VHOST]}: keepalived's genhash, for HTTP_GET {@code digest}. */
@Command(name = "genhash", mixinStandardHelpOptions = true,
        description = {"Fetch a page and print the MD5 digest of its body, as keepalived's genhash does,",
                "for the 'digest' line of an HTTP_GET/SSL_GET url block."})
public final class GenhashCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-s", "--server"}, required = true, description = "server address") String server;
    @Option(names = {"-p", "--port"}, description = "port (default 80, 443 with -S)") Integer port;
    @Option(names = {"-u", "--url"}, required = true, description = "path, e.g. /index.html") String url;
    @Option(names = {"-S", "--use-ssl"}, description = "use TLS (SSL_GET)") boolean ssl;
    @Option(names = {"-V", "--virtualhost"}, description = "Host header and TLS SNI") String vhost;
    @Option(names = {"-t", "--timeout"}, defaultValue = "5", description = "seconds (default 5)") int timeout;
    @Option(names = {"-v", "--verbose"}, description = "print status and headers") boolean verbose;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int p = port != null ? port : ssl ? 443 : 80;
        Vertx vertx = Vertx.vertx();
        try {
            var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setSsl(ssl)
                    .setTrustAll(true).setVerifyHost(false).setForceSni(vhost != null));
            RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET)
                    .setServer(SocketAddress.inetSocketAddress(p, server)).setHost(vhost != null ? vhost : server)
                    .setPort(p).setURI(url.startsWith("/") ? url : "/" + url).setSsl(ssl)
                    .setConnectTimeout(timeout * 1000L).setIdleTimeout(timeout * 1000L);
            // ask for the body on the event loop as the response arrives: asked later, from this thread, it may
            // already have gone by (an empty body, MD5 d41d8cd9…)
            record Page(io.vertx.core.http.HttpClientResponse resp, Buffer body) {}
            Page page = client.request(ro).compose(r -> r.send()).compose(r -> r.body().map(b -> new Page(r, b)))
                    .await(timeout + 1, TimeUnit.SECONDS);
            var resp = page.resp();
            Buffer body = page.body();
            if (verbose) {
                out.println("HTTP status: " + resp.statusCode());
                resp.headers().forEach(h -> out.println(h.getKey() + ": " + h.getValue()));
                out.println("body: " + body.length() + " bytes");
            }
            out.println("MD5SUM = " + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes())));
            return 0;
        } catch (Exception e) {
            err.println("vigil genhash: " + (ssl ? "https://" : "http://") + server + ":" + p + url + ": " + e.getMessage());
            return 1;
        } finally {
            vertx.close();
        }
    }
}
