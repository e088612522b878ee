package io.vigil.node;

import io.vigil.check.runtime.CheckRegistry;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
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

    /**
     * ldirectord-style pool (quorum 2, sorry_server): one of two real servers stops listening, so quorum is lost;
     * the journal says so with keepalived's numbers, caused by the real server's change, whose quorum flag is
     * already the new one; the API and /metrics show quorum down and the sorry server active; then it comes back.
     */
    @Test
    void quorumLossAndRegainAreJournaledWithTheirCauseAndShownInApiAndMetrics() throws Exception {
        vertx = Vertx.vertx();
        NetServer one = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await();
        NetServer two = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await();
        int twoPort = two.actualPort();
        String conf = """
                virtual_server 192.0.2.101 80 {
                    delay_loop 1
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    quorum 2
                    sorry_server 127.0.0.1 %d
                    real_server 127.0.0.1 %d {
                        weight 1
                        TCP_CHECK { connect_timeout 1 }
                    }
                    real_server 127.0.0.1 %d {
                        weight 1
                        TCP_CHECK { connect_timeout 1 }
                    }
                }
                """.formatted(one.actualPort() + 1, one.actualPort(), twoPort);
        LoadResult r = ConfigLoader.loadText("test.conf", conf, dir, LoadOptions.defaults());
        assertThat(r.errors()).isEmpty();
        var cfg = r.config().orElseThrow();
        String vsName = "192.0.2.101:80", second = "127.0.0.1:" + twoPort;
        var runtime = new io.vigil.api.ConfiguredNodeView.Runtime() {
            @Override public io.vigil.api.Views.VrrpStats vrrpStats(String i) { return io.vigil.api.Views.VrrpStats.ZERO; }
            @Override public boolean maintenance(String i) { return false; }
            @Override public boolean drained(String v, String rs) { return false; }
            @Override public long drain(String v, String rs, boolean d) { return 0; }
            @Override public long maintenance(String i, boolean on) { return 0; }
            @Override public io.vigil.api.Views.Reload reload(boolean force) {
                return new io.vigil.api.Views.Reload(-1, false, "", java.util.List.of("not in this test"));
            }
        };

        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "lb1"));
             CheckerNode node = CheckerNode.start(vertx, cfg, r.statements(), Optional.empty(), journal)) {
            var api = new io.vigil.api.ConfiguredNodeView("lb1", () -> cfg, new io.vigil.api.JournalAccess(journal), runtime);
            var metrics = new io.vigil.api.VigilMetrics(api);
            Entry up0 = awaitEntry(journal, e -> e.event() instanceof Event.QuorumChanged q && q.up());
            assertThat(((Event.QuorumChanged) up0.event()).detail()).isEqualTo("at start: alive weight 2 ≥ quorum 2 + hysteresis 0");
            assertThat(up0.cause()).isInstanceOf(Cause.ConfigReload.class);
            assertThat(api.virtualServers().getFirst().quorumUp()).isTrue();
            assertThat(api.virtualServers().getFirst().sorryServer().active()).isFalse();

            two.close().await();
            Entry lost = awaitEntry(journal, e -> e.event() instanceof Event.QuorumChanged q && !q.up());
            Entry down = bySeq(journal, ((Cause.Event) lost.cause()).seq());
            assertThat(down.event()).as("quorum lost caused by the real server going down")
                    .isEqualTo(new Event.RealServerChanged(vsName, second, false, 0, false)); // quorum flag: already lost
            assertThat(lost.seq()).isEqualTo(down.seq() + 1);
            assertThat(lost.event()).isEqualTo(new Event.QuorumChanged(vsName, false, "alive weight 1 < quorum 2 - hysteresis 0"));
            assertThat(journal.view().quorum()).containsEntry(vsName, false);
            var vs = api.virtualServers().getFirst();
            assertThat(vs.quorumUp()).isFalse();
            assertThat(vs.sorryServer()).isEqualTo(new io.vigil.api.Views.SorryServer("127.0.0.1", one.actualPort() + 1, true));
            String scrape = metrics.scrape();
            assertThat(scrape).contains("vigil_virtual_server_quorum_up{virtual_server=\"TCP-192.0.2.101-80\",} 0.0")
                    .contains("vigil_virtual_server_sorry_server_active{virtual_server=\"TCP-192.0.2.101-80\",sorry_server=\"127.0.0.1:"
                            + (one.actualPort() + 1) + "\",} 1.0");

            NetServer back = vertx.createNetServer().connectHandler(s -> s.close()).listen(twoPort, "127.0.0.1").await();
            Entry regained = awaitEntry(journal, e -> e.seq() > lost.seq() && e.event() instanceof Event.QuorumChanged q && q.up());
            Entry upAgain = bySeq(journal, ((Cause.Event) regained.cause()).seq());
            assertThat(upAgain.event()).isEqualTo(new Event.RealServerChanged(vsName, second, true, 1, true));
            assertThat(regained.event()).isEqualTo(new Event.QuorumChanged(vsName, true, "alive weight 2 ≥ quorum 2 + hysteresis 0"));
            assertThat(api.virtualServers().getFirst().sorryServer().active()).isFalse();
            assertThat(metrics.scrape()).contains("vigil_virtual_server_quorum_up{virtual_server=\"TCP-192.0.2.101-80\",} 1.0");
            back.close().await();
            // the journal as `vigil journal show` prints it, for docs/journal.md
            try (var reader = journal.reader()) {
                StringBuilder text = new StringBuilder();
                for (Entry e : reader.readAll()) {
                    if (e.event().isAnnotation() || e.event() instanceof Event.CheckResult c && !c.detail().startsWith("checker")) continue;
                    text.append(io.vigil.journal.EntryFormat.line(e, s -> {
                        Entry c = reader.bySeq(s);
                        return c == null ? null : c.type().cliName() + " " + io.vigil.journal.EntryFormat.summary(c.event());
                    })).append('\n');
                }
                java.nio.file.Files.createDirectories(Path.of("target", "forensics"));
                java.nio.file.Files.writeString(Path.of("target", "forensics", "quorum.txt"), text);
            }
            // this host's kernel has no IPVS, so no IpvsChanged here: the sorry server's add/remove (caused by the
            // QuorumChanged) needs a kernel with ip_vs (IpvsPlannerTest covers the planned table)
            assertThat(node.ipvsUnavailable()).isPresent();
        }
    }

    private static Entry awaitEntry(Journal journal, java.util.function.Predicate<Entry> what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            journal.flush(Duration.ofSeconds(2));
            try (var reader = journal.reader()) {
                var hit = reader.readAll().stream().filter(e -> !e.event().isAnnotation()).filter(what).findFirst();
                if (hit.isPresent()) return hit.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not journaled within 30 s");
    }

    private static Entry bySeq(Journal journal, long seq) {
        try (var reader = journal.reader()) { return reader.bySeq(seq); }
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
             CheckerNode node = CheckerNode.start(vertx, config, r.statements(), io.vigil.check.runtime.CheckRegistry.builtins(),
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
