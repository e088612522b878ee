package io.vigil.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GenhashCommandTest {
    @Test void printsTheBodyMd5LikeKeepalivedGenhash() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            int port = vertx.createHttpServer().requestHandler(r -> r.response().end(r.path().equals("/test.html") ? "test\n" : "x"))
                    .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
            StringWriter out = new StringWriter();
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new PrintWriter(out));
            int rc = cl.execute("genhash", "-s", "127.0.0.1", "-p", String.valueOf(port), "-u", "/test.html");
            assertThat(rc).isZero();
            // md5sum of "test\n"
            assertThat(out.toString().trim()).isEqualTo("MD5SUM = d8e8fca2dc0f896fd7cb4cb0031ba249");
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int closed = s.getLocalPort();
                s.close();
                assertThat(cl.execute("genhash", "-s", "127.0.0.1", "-p", String.valueOf(closed), "-u", "/")).isEqualTo(1);
                assertThat(err.toString()).startsWith("vigil genhash: http://127.0.0.1:" + closed + "/:");
            }
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }
}
