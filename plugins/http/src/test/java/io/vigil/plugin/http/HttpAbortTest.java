package io.vigil.plugin.http;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.check.api.Abort;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the host gives up on a probe, HTTP_GET closes its connection there and then: a server that accepts and never
 * answers sees the close at once, not after the check's own 30 s timeouts.
 */
class HttpAbortTest {
    final Vertx vertx = Vertx.vertx();

    @AfterEach void close() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    /** What the host's signal promises: an action registered before or after the abort runs once the host gives up. */
    static final class HostAbort implements Abort {
        final AtomicReference<Runnable> action = new AtomicReference<>();
        volatile boolean aborted;
        @Override public synchronized void onAbort(Runnable a) { if (aborted) a.run(); else action.set(a); }
        @Override public boolean aborted() { return aborted; }
        synchronized void abort() {
            aborted = true;
            Runnable a = action.getAndSet(null);
            if (a != null) a.run();
        }
    }

    @Test void anAbortedProbeClosesItsConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> closedAfterAccept = new CompletableFuture<>();
            CompletableFuture<Void> accepted = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    long acceptedAt = System.nanoTime();
                    accepted.complete(null);
                    byte[] buf = new byte[4096];
                    while (in.read(buf) >= 0) { /* the request, then silence: never an answer */ }
                    closedAfterAccept.complete(System.nanoTime() - acceptedAt);
                } catch (Exception e) {
                    closedAfterAccept.completeExceptionally(e);
                }
            });
            HostAbort abort = new HostAbort();
            CheckContext ctx = new CheckContext(vertx, "127.0.0.1", server.getLocalPort(), Duration.ofSeconds(30),
                    Duration.ofSeconds(30), Optional.empty(), "abort-test", abort);
            Future<CheckResult> probe = new HttpCheckFactory().create(block("HTTP_GET", block("url", leaf("path", "/")))).run(ctx);
            accepted.get(5, TimeUnit.SECONDS);
            Thread.sleep(200); // connected, request sent, no answer
            assertThat(closedAfterAccept).isNotDone();
            assertThat(probe.isComplete()).isFalse();
            long abortedAt = System.nanoTime();
            abort.abort();
            long closedNanos = closedAfterAccept.get(5, TimeUnit.SECONDS);
            assertThat(closedNanos).as("the connection lived until the abort, not its 30 s timeouts").isLessThan(TimeUnit.SECONDS.toNanos(5));
            CheckResult r = probe.await(5, TimeUnit.SECONDS);
            System.out.printf("closed %.1f ms after the abort; probe %s%n", (System.nanoTime() - abortedAt) / 1e6, r);
            assertThat(r.up()).isFalse();
        }
    }
}
