package io.vigil.node;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vigil.config.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.Journal;
import io.vigil.journal.JournalConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker half on this host (no IPVS in its kernel): real TCP servers on loopback, one alive and one not;
 * the dead one must be journaled down with a cause chain back to the probe, and IPVS reported unavailable
 * while checks go on.
 */
class CheckerNodeTest {
    @TempDir Path dir;
    private Vertx vertx;

    @AfterEach void stop() { if (vertx != null) vertx.close().await(); }

    @Test
    void deadRealServerIsJournaledDownWithItsCauseChain() throws Exception {
        vertx = Vertx.vertx();
        NetServer alive = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await();
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) { deadPort = probe.getLocalPort(); } // closed again: refused
        String conf = """
                virtual_server 192.0.2.100 80 {
                    delay_loop 1
                    lb_algo wrr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.1 %d {
                        weight 3
                        TCP_CHECK { connect_timeout 1 }
                    }
                    real_server 127.0.0.1 %d {
                        weight 2
                        TCP_CHECK {
                            connect_timeout 1
                            retry 2
                            delay_before_retry 1
                        }
                    }
                }
                """.formatted(alive.actualPort(), deadPort);
        LoadResult r = ConfigLoader.loadText("test.conf", conf, dir, LoadOptions.defaults());
        assertThat(r.errors()).isEmpty();
        String dead = "127.0.0.1:" + deadPort;

        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "lb1"));
             CheckerNode node = CheckerNode.start(vertx, r.config().orElseThrow(), r.statements(), Optional.empty(), journal)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Entry down = null;
            while (down == null && System.nanoTime() < deadline) {
                Thread.sleep(200);
                journal.flush(Duration.ofSeconds(2));
                try (var reader = journal.reader()) {
                    down = reader.readAll().stream().filter(e -> e.event() instanceof Event.RealServerChanged rc
                            && rc.realServer().equals(dead) && !rc.up()).findFirst().orElse(null);
                }
            }
            assertThat(down).as("real server " + dead + " journaled down").isNotNull();
            assertThat(node.ipvsUnavailable()).as("this host's kernel has no IPVS").isPresent();

            List<Entry> all;
            try (var reader = journal.reader()) { all = reader.readAll(); }
            Map<Long, Entry> bySeq = all.stream().filter(e -> !e.event().isAnnotation())
                    .collect(Collectors.toMap(Entry::seq, Function.identity()));
            // RealServerChanged ← checker down (after the retries) ← the probe that failed last
            Entry checkerDown = bySeq.get(((Cause.Event) down.cause()).seq());
            assertThat(checkerDown.event()).isInstanceOfSatisfying(Event.CheckResult.class, c -> {
                assertThat(c.up()).isFalse();
                assertThat(c.detail()).startsWith("checker down");
                assertThat(c.target()).isEqualTo(dead);
            });
            Entry probe = bySeq.get(((Cause.Event) checkerDown.cause()).seq());
            assertThat(probe.event()).isInstanceOfSatisfying(Event.CheckResult.class, c -> {
                assertThat(c.up()).isFalse();
                assertThat(c.checker()).startsWith("TCP_CHECK");
            });
            // attempt 3 (the last retry) ← attempt 2 ← attempt 1, run by delay_loop: numbered as the checker counts
            Entry retry1 = bySeq.get(((Cause.Event) probe.cause()).seq());
            Entry first = bySeq.get(((Cause.Event) retry1.cause()).seq());
            assertThat(List.of(first, retry1, probe)).extracting(e -> ((Event.CheckResult) e.event()).attempt()).containsExactly(1, 2, 3);
            assertThat(first.cause()).isInstanceOfSatisfying(Cause.Timer.class, t -> assertThat(t.name()).startsWith("delay_loop"));
            // 3 failed probes (1 + retry 2) before the checker went down; the live server never went down
            long failedProbes = all.stream().filter(e -> e.seq() <= probe.seq() && e.event() instanceof Event.CheckResult c
                    && !c.up() && c.target().equals(dead) && !c.detail().startsWith("checker")).count();
            assertThat(failedProbes).isEqualTo(3);
            assertThat(all).noneMatch(e -> e.event() instanceof Event.RealServerChanged rc
                    && rc.realServer().equals("127.0.0.1:" + alive.actualPort()) && !rc.up());
        }
    }

    @Test
    void drainPlansAliveRealServersAtWeightZeroAndTheDiffEditsOnlyTheirWeight() {
        String conf = """
                virtual_server 192.0.2.100 80 {
                    lb_algo wrr
                    lb_kind DR
                    protocol TCP
                    real_server 198.51.100.11 80 { weight 3 }
                    real_server 198.51.100.12 80 { weight 2 }
                }
                """;
        LoadResult r = ConfigLoader.loadText("drain.conf", conf, dir, LoadOptions.defaults());
        var specs = io.vigil.ipvs.IpvsConfigMapper.map(r.config().orElseThrow()).virtualServers();
        String vs = specs.getFirst().name();
        var rs11 = io.vigil.ipvs.IpvsConfigMapper.realServerId(vs, "198.51.100.11:80");
        var rs12 = io.vigil.ipvs.IpvsConfigMapper.realServerId(vs, "198.51.100.12:80");
        var states = Map.of(rs12, io.vigil.ipvs.RealServerState.down("HTTP_GET failed"));

        var before = io.vigil.ipvs.IpvsPlanner.plan(specs, states, Map.of());
        var after = io.vigil.ipvs.IpvsPlanner.plan(specs, CheckerNode.withDrains(states, java.util.Set.of(rs11, rs12)), Map.of());
        var changes = io.vigil.ipvs.IpvsDiff.diff(after, before.table());
        // the drained live server is edited to weight 0; the failed one stays out (a drain does not resurrect it)
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst()).isInstanceOfSatisfying(io.vigil.ipvs.IpvsChange.EditDest.class, e -> {
            assertThat(e.after().key().toString()).isEqualTo("198.51.100.11:80");
            assertThat(e.before().weight()).isEqualTo(3);
            assertThat(e.after().weight()).isZero();
        });
        assertThat(CheckerNode.ipvsEvent(changes.getFirst(), true, "").op()).isEqualTo(Event.IpvsOp.DEST_EDIT);
    }

    /** vrrp_script written as a checker block: run by the checker, its verdict handed to VRRP with its journal cause. */
    @Test
    void checkerBlockTrackerReachesVrrpWithItsJournalEntry() throws Exception {
        vertx = Vertx.vertx();
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) { deadPort = probe.getLocalPort(); }
        String conf = """
                vrrp_script chk_web {
                    TCP_CHECK {
                        connect_ip 127.0.0.1
                        connect_port %d
                        connect_timeout 1
                    }
                    interval 1
                    fall 1
                    rise 1
                    weight -20
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    virtual_ipaddress { 192.0.2.100/24 }
                    track_script { chk_web }
                }
                """.formatted(deadPort);
        LoadResult r = ConfigLoader.loadText("tracker.conf", conf, dir, LoadOptions.defaults());
        assertThat(r.errors()).isEmpty();
        var config = r.config().orElseThrow();
        // the node runs no process for it, but the instance still tracks it
        NodeSetup setup = NodeConfig.from(config, dir.resolve("tracker.conf"), w -> { });
        assertThat(setup.scripts()).isEmpty();
        assertThat(setup.instances().getFirst().trackers()).extracting(io.vigil.vrrp.TrackerSpec::name).containsExactly("chk_web");
        assertThat(CheckerNode.needed(config)).isTrue();

        var seen = new java.util.concurrent.LinkedBlockingQueue<Object[]>();
        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "lb1"));
             CheckerNode node = CheckerNode.start(vertx, config, r.statements(), io.vigil.check.CheckRegistry.builtins(),
                     journal, java.util.Set.of(), CheckerNode.ProbeObserver.NONE,
                     (script, ok, cause) -> seen.add(new Object[] {script, ok, cause}))) {
            Object[] down = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && down == null) {
                Object[] e = seen.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (e != null && !(Boolean) e[1]) down = e;
            }
            assertThat(down).as("chk_web reported failed").isNotNull();
            assertThat(down[0]).isEqualTo("chk_web");
            long seq = ((Cause.Event) down[2]).seq();
            journal.flush(Duration.ofSeconds(5));
            try (var reader = journal.reader()) {
                Entry e = reader.readAll().stream().filter(x -> x.seq() == seq && !x.event().isAnnotation()).findFirst().orElseThrow();
                assertThat(e.event()).isInstanceOfSatisfying(Event.CheckResult.class, c -> {
                    assertThat(c.checker()).isEqualTo("track_script chk_web");
                    assertThat(c.up()).isFalse();
                });
            }
        }
    }
}
