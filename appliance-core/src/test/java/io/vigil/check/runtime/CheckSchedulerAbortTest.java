package io.vigil.check.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.ConfText;
import io.vigil.check.HealthEvent;
import io.vigil.check.HealthEvent.ProbeCompleted;
import io.vigil.check.ProbeFault;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host deadline closes what it abandons: a plugin that connects to a server that accepts and never answers, and
 * never gives up by itself, has its connection closed by the host's abort soon after the deadline (connect_timeout
 * 0.5 s + 0.5 s grace), through {@link CheckContext#abort()}.
 */
class CheckSchedulerAbortTest {
    final Vertx vertx = Vertx.vertx();

    @AfterEach void close() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    /** Connects, registers the close with the host's abort, and waits for an answer that never comes. */
    static final class SilentFactory implements CheckFactory {
        @Override public Set<String> keywords() { return Set.of("SILENT_CHECK"); }
        @Override public Check create(ConfigNode b) {
            return new Check() {
                @Override public Future<CheckResult> run(CheckContext ctx) {
                    Promise<CheckResult> never = Promise.promise();
                    ctx.vertx().createNetClient().connect(ctx.port(), ctx.address())
                            .onSuccess(so -> ctx.abort().onAbort(so::close));
                    return never.future();
                }
                @Override public boolean nonBlocking() { return true; }
            };
        }
    }

    @Test void theHostDeadlineClosesTheAbandonedConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<long[]> openFor = new CompletableFuture<>(); // accepted, closed (nanoTime)
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    long accepted = System.nanoTime();
                    while (in.read() >= 0) { /* never answers */ }
                    openFor.complete(new long[] {accepted, System.nanoTime()});
                } catch (Exception e) {
                    openFor.completeExceptionally(e);
                }
            });
            CheckRegistry reg = CheckRegistry.builtins();
            reg.register(new SilentFactory(), "test");
            CheckPlan plan = CheckPlanner.plan(ConfText.parse("""
                    virtual_server 192.0.2.10 80 {
                        delay_loop 30
                        real_server 127.0.0.1 %d {
                            SILENT_CHECK {
                                connect_timeout 0.5
                            }
                        }
                    }
                    """.formatted(server.getLocalPort())), reg);
            assertThat(plan.errors()).isEmpty();
            ConcurrentLinkedQueue<HealthEvent> events = new ConcurrentLinkedQueue<>();
            CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1));
            s.addListener(events::add);
            s.start().await(5, TimeUnit.SECONDS);
            try {
                long[] t = openFor.get(10, TimeUnit.SECONDS);
                CheckSchedulerTest.await(() -> events.stream().anyMatch(e -> e instanceof ProbeCompleted), 5000);
                ProbeCompleted timedOut = (ProbeCompleted) events.stream().filter(e -> e instanceof ProbeCompleted).findFirst().orElseThrow();
                System.out.printf("connection open %.0f ms, closed %.1f ms after the host deadline's verdict%n",
                        (t[1] - t[0]) / 1e6, (t[1] - timedOut.atNanos()) / 1e6);
                assertThat(timedOut.fault()).isEqualTo(ProbeFault.TIMEOUT);
                // at the host giving up (the abort runs just before the verdict is stamped, the close may land first), not never
                assertThat(t[1] - timedOut.atNanos()).isBetween(-TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(1500));
            } finally {
                s.close();
            }
        }
    }
}
