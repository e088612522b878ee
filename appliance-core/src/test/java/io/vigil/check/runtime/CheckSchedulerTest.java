package io.vigil.check.runtime;

import io.vigil.check.HealthEvent;

import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.ProbeFault;
import io.vigil.check.ConfText;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vigil.check.HealthEvent.ProbeCompleted;
import io.vigil.check.HealthEvent.RealServerChanged;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler against a real TCP server, and against misbehaving test plugins. */
class CheckSchedulerTest {
    Vertx vertx;
    final ConcurrentLinkedQueue<HealthEvent> events = new ConcurrentLinkedQueue<>();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach void setUp() { vertx = Vertx.vertx(); }

    @AfterEach void tearDown() throws Exception {
        release.countDown();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Throws from run(). */
    static final class ThrowingFactory implements CheckFactory {
        @Override public Set<String> keywords() { return Set.of("THROW_CHECK"); }
        @Override public Check create(ConfigNode b) { return ctx -> { throw new IllegalStateException("boom"); }; }
    }

    /** Blocks its calling thread inside run() until the test ends (a plugin doing blocking I/O wrongly). */
    final class BlockingFactory implements CheckFactory {
        @Override public Set<String> keywords() { return Set.of("BLOCK_CHECK"); }
        @Override public Check create(ConfigNode b) {
            return ctx -> {
                try { release.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                return Future.succeededFuture(CheckResult.up(Duration.ZERO, "too late"));
            };
        }
    }

    /** Returns a future that never completes. */
    static final class HangingFactory implements CheckFactory {
        @Override public Set<String> keywords() { return Set.of("HANG_CHECK"); }
        @Override public Check create(ConfigNode b) { return ctx -> Promise.<CheckResult>promise().future(); }
    }

    /** Claims nonBlocking() but sleeps 60 ms in run(): a plugin author's mistake the host must catch. */
    static final class LyingFactory implements CheckFactory {
        final ConcurrentLinkedQueue<Boolean> onLoop = new ConcurrentLinkedQueue<>();
        @Override public Set<String> keywords() { return Set.of("LIAR_CHECK"); }
        @Override public Check create(ConfigNode b) {
            return new Check() {
                @Override public Future<CheckResult> run(io.vigil.check.api.CheckContext ctx) {
                    onLoop.add(io.vertx.core.Context.isOnEventLoopThread());
                    try { Thread.sleep(60); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                    return Future.succeededFuture(CheckResult.up(Duration.ZERO, "ok, eventually"));
                }
                @Override public boolean nonBlocking() { return true; }
            };
        }
    }

    final LyingFactory liar = new LyingFactory();

    CheckScheduler start(String conf) throws Exception {
        CheckRegistry reg = CheckRegistry.builtins();
        reg.register(liar, "test");
        reg.register(new ThrowingFactory(), "test");
        reg.register(new BlockingFactory(), "test");
        reg.register(new HangingFactory(), "test");
        CheckPlan plan = CheckPlanner.plan(ConfText.parse(conf), reg);
        assertThat(plan.errors()).isEmpty();
        CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1));
        s.addListener(events::add);
        s.start().await(5, TimeUnit.SECONDS);
        return s;
    }

    static void await(java.util.function.BooleanSupplier cond, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean() && System.currentTimeMillis() < end) Thread.sleep(20);
        assertThat(cond.getAsBoolean()).as("condition within " + ms + " ms").isTrue();
    }

    List<ProbeCompleted> probes(String keyword) {
        return events.stream().filter(e -> e instanceof ProbeCompleted p && p.keyword().equals(keyword))
                .map(e -> (ProbeCompleted) e).toList();
    }

    /**
     * keepalived #2358: the same real server with the same TCP_CHECK in two virtual servers is connected to once per
     * delay_loop, and both checkers (and real servers) follow it; a third with another connect_timeout probes itself.
     */
    @Test void identicalCheckersShareOneProbe() throws Exception {
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        NetServer server = vertx.createNetServer().connectHandler(so -> { accepted.incrementAndGet(); so.close(); });
        int port = server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
        String vs = """
                virtual_server 192.0.2.10 %d {
                    delay_loop 0.2
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout %s
                        }
                    }
                }
                """;
        CheckScheduler s = start(vs.formatted(80, port, "1") + vs.formatted(81, port, "1") + vs.formatted(82, port, "2"));
        assertThat(s.sharedProbes()).isEqualTo(1);
        await(() -> probes("TCP_CHECK").size() >= 30, 10_000);
        s.close();
        var byChecker = probes("TCP_CHECK").stream().collect(java.util.stream.Collectors.groupingBy(ProbeCompleted::checker,
                java.util.stream.Collectors.counting()));
        assertThat(byChecker).hasSize(3);
        String vs80 = byChecker.keySet().stream().filter(k -> k.contains("192.0.2.10:80")).findFirst().orElseThrow();
        String vs81 = byChecker.keySet().stream().filter(k -> k.contains("192.0.2.10:81")).findFirst().orElseThrow();
        // the follower saw every result the leader did, at the same time, and was never probed on its own
        assertThat(Math.abs(byChecker.get(vs80) - byChecker.get(vs81))).isLessThanOrEqualTo(1);
        long leaderAndOwn = byChecker.entrySet().stream().filter(e -> !e.getKey().equals(vs81)).mapToLong(java.util.Map.Entry::getValue).sum();
        assertThat((long) accepted.get()).isBetween(leaderAndOwn - 2, leaderAndOwn + 2);
        assertThat(probes("TCP_CHECK")).allMatch(ProbeCompleted::up);
        server.close().await(5, TimeUnit.SECONDS);
    }

    @Test void tcpCheckFollowsARealServerGoingAway() throws Exception {
        NetServer server = vertx.createNetServer().connectHandler(so -> so.close());
        int port = server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
        CheckScheduler s = start("""
                virtual_server 192.0.2.10 80 {
                    delay_loop 0.2
                    real_server 127.0.0.1 %d {
                        weight 2
                        TCP_CHECK {
                            connect_timeout 1
                            retry 1
                            delay_before_retry 0.1
                        }
                    }
                }
                """.formatted(port));
        await(() -> probes("TCP_CHECK").size() >= 2, 5000);
        assertThat(probes("TCP_CHECK")).allMatch(ProbeCompleted::up);
        server.close().await(5, TimeUnit.SECONDS);
        await(() -> events.stream().anyMatch(e -> e instanceof RealServerChanged r && !r.alive()), 5000);
        List<ProbeCompleted> down = probes("TCP_CHECK").stream().filter(p -> !p.up()).toList();
        assertThat(down).hasSizeGreaterThanOrEqualTo(2);           // first failure retried once
        assertThat(down.getFirst().detail()).contains("connect failed");
        s.close();
    }

    @Test void nonBlockingChecksRunOnEventLoopsAndOnesThatBlockThereAreMovedOff() throws Exception {
        NetServer server = vertx.createNetServer().connectHandler(so -> so.close());
        int port = server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
        CheckScheduler s = start("""
                virtual_server 192.0.2.10 80 {
                    delay_loop 0.1
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                    real_server 127.0.0.2 80 {
                        LIAR_CHECK {
                            connect_timeout 1
                        }
                    }
                }
                """.formatted(port));
        await(() -> liar.onLoop.size() >= CheckScheduler.STRIKES + 3 && probes("TCP_CHECK").size() >= 10, 15000);
        List<Boolean> calls = List.copyOf(liar.onLoop);
        assertThat(calls.subList(0, CheckScheduler.STRIKES)).as("first calls on an event loop").containsOnly(true);
        assertThat(calls.subList(CheckScheduler.STRIKES, calls.size())).as("after %d strikes, virtual threads", CheckScheduler.STRIKES)
                .containsOnly(false);
        assertThat(s.stats().of("LIAR_CHECK").blockedLoop.sum()).isEqualTo(CheckScheduler.STRIKES);
        assertThat(s.stats().of("TCP_CHECK").blockedLoop.sum()).isZero();
        assertThat(probes("TCP_CHECK")).allMatch(ProbeCompleted::up);
        assertThat(probes("LIAR_CHECK")).allMatch(ProbeCompleted::up); // slow but correct: its verdicts still count
        s.close();
    }

    @Test void throwingHangingAndBlockingPluginsAreDownAndDoNotStallOthers() throws Exception {
        NetServer server = vertx.createNetServer().connectHandler(so -> so.close());
        int port = server.listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS).actualPort();
        StringBuilder conf = new StringBuilder("virtual_server 192.0.2.10 80 {\n delay_loop 0.1\n");
        for (String kw : List.of("THROW_CHECK", "HANG_CHECK", "BLOCK_CHECK")) {
            conf.append(" real_server 127.0.0.%d 80 {\n %s {\n connect_timeout 0.2\n retry 0\n }\n }\n"
                    .formatted(conf.length() % 200 + 2, kw));
        }
        conf.append(" real_server 127.0.0.1 ").append(port).append(" {\n TCP_CHECK {\n connect_timeout 1\n }\n }\n}\n");
        CheckScheduler s = start(conf.toString());
        // while BLOCK_CHECK's first call is still stuck (released only in tearDown) and the others misbehave,
        // the TCP check keeps probing and the blocked probes keep being timed out by the host
        await(() -> probes("TCP_CHECK").size() >= 5 && probes("BLOCK_CHECK").size() >= 2
                && probes("HANG_CHECK").size() >= 2 && probes("THROW_CHECK").size() >= 2, 15000);
        assertThat(release.getCount()).isEqualTo(1);
        assertThat(probes("TCP_CHECK")).allMatch(ProbeCompleted::up);
        assertThat(probes("THROW_CHECK")).isNotEmpty().allMatch(p -> !p.up() && p.fault() == ProbeFault.PLUGIN_ERROR
                && p.detail().contains("boom"));
        assertThat(probes("HANG_CHECK")).isNotEmpty().allMatch(p -> !p.up() && p.fault() == ProbeFault.TIMEOUT);
        assertThat(probes("BLOCK_CHECK")).isNotEmpty().allMatch(p -> !p.up() && p.fault() == ProbeFault.TIMEOUT);
        assertThat(s.stats().of("THROW_CHECK").pluginErrors.sum()).isPositive();
        assertThat(s.stats().of("HANG_CHECK").timeouts.sum()).isPositive();
        assertThat(s.stats().of("BLOCK_CHECK").timeouts.sum()).isPositive();
        assertThat(s.stats().of("BLOCK_CHECK").stuckCalls.sum()).as("blocked run() not called again").isPositive();
        // every misbehaving server ended up failed, with the probe as cause chain
        assertThat(events).filteredOn(e -> e instanceof RealServerChanged r && !r.alive()).hasSize(3);
        s.close();
    }
}
