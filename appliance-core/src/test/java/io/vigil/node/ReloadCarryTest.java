package io.vigil.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckStatusBoard;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.ipvs.DesiredState;
import io.vigil.ipvs.IpvsDiff;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.linux.NetnsExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that changes one checker (keepalived's migrate_checkers): the checkers, real servers and virtual server
 * that did not change keep their state, failure count and last result, get no start-up event, and IPVS would see no
 * change (the new checker's first desired table against what the old one programmed); the changed checker starts
 * as keepalived starts one (alpha: down until a good probe). Without the carry-over the same reload takes the live
 * real server out of IPVS. Runs in a namespace of its own (the host kernel has no IPVS: the desired tables are
 * compared, which is what the reconciler diffs against the kernel).
 */
class ReloadCarryTest {
    @TempDir Path dir;

    static String conf(int alive, int dead, int other, String deadTimeout, String top) {
        return top + """
                virtual_server 192.0.2.101 80 {
                    delay_loop 0.3
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    alpha
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout %s
                            retry 0
                        }
                    }
                }
                virtual_server 192.0.2.102 80 {
                    delay_loop 0.3
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 127.0.0.1 %d {
                        TCP_CHECK {
                            connect_timeout 1
                        }
                    }
                }
                """.formatted(alive, dead, deadTimeout, other);
    }

    @Test void unchangedCheckersKeepTheirHealthAcrossAChangedReload() throws Exception {
        String ns = "vgcar" + Long.toString(ProcessHandle.current().pid() % 100000, 36) + Integer.toString((int) (Math.random() * 1296), 36);
        assertThat(new ProcessBuilder("ip", "netns", "add", ns).start().waitFor()).isZero();
        try (NetnsExecutor inNs = NetnsExecutor.enter(ns)) {
            assertThat(new ProcessBuilder("ip", "-n", ns, "link", "set", "lo", "up").start().waitFor()).isZero();
            inNs.call(() -> { run(); return null; });
        } finally {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
        }
    }

    private CheckerNode start(Vertx vertx, LoadResult r, Journal journal, Optional<CheckerNode.Carry> carry) {
        return CheckerNode.start(vertx, r.config().orElseThrow(), r.statements(), CheckRegistry.builtins(), journal, Set.of(),
                CheckerNode.ProbeObserver.NONE, CheckerNode.TrackerSink.NONE, carry);
    }

    private LoadResult load(String text) {
        LoadResult r = ConfigLoader.loadText("k.conf", text, dir, LoadOptions.defaults());
        assertThat(r.errors()).isEmpty();
        return r;
    }

    private void run() throws Exception {
        Vertx vertx = Vertx.vertx();
        NetServer alive = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await();
        NetServer other = vertx.createNetServer().connectHandler(s -> s.close()).listen(0, "127.0.0.1").await();
        int dead;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { dead = s.getLocalPort(); }
        String up = "127.0.0.1:" + alive.actualPort(), down = "127.0.0.1:" + dead, up2 = "127.0.0.1:" + other.actualPort();
        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "lb1"))) {
            CheckerNode first = start(vertx, load(conf(alive.actualPort(), dead, other.actualPort(), "1", "")), journal, Optional.empty());
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline && !(status(first, up).up() && status(first, down).failures() >= 2)) Thread.sleep(50);
            assertThat(status(first, up).up()).isTrue();
            DesiredState programmed = first.desired();
            CheckerNode.Carry carry = first.carryOver();
            first.close();
            CheckStatusBoard.Status before = carry.board().stream().filter(x -> x.realServer().equals(up)).findFirst().orElseThrow();
            long reloadSeq = journal.append(io.vigil.journal.Cause.signal("SIGHUP"), new Event.OperatorAction("test", "reload", ""));

            // the dead real server's checker changes (connect_timeout 1 → 2); lines above move too
            LoadResult changed = load(conf(alive.actualPort(), dead, other.actualPort(), "2", "! a comment\n\n"));
            try (CheckerNode second = start(vertx, changed, journal, Optional.of(carry))) {
                DesiredState next = second.desired();
                assertThat(IpvsDiff.diff(next, programmed.table())).as("IPVS changes the reload would make").isEmpty();
                CheckStatusBoard.Status kept = status(second, up);
                assertThat(kept.up()).isTrue();
                assertThat(kept.lastRun()).isNotNull().isAfterOrEqualTo(before.lastRun());   // carried (or probed since)
                assertThat(kept.lastDetail()).isEqualTo("connected");
                assertThat(status(second, down).up()).as("changed checker starts as keepalived: alpha, down").isFalse();
                Thread.sleep(1500);   // five delay_loops
                List<Entry> after;
                try (var reader = journal.reader()) {
                    after = reader.readAll().stream().filter(e -> e.seq() > reloadSeq).toList();
                }
                // unchanged real servers and the unchanged virtual server: no transition, no start-up restatement
                assertThat(after).noneMatch(e -> e.event() instanceof Event.RealServerChanged c && (c.realServer().equals(up) || c.realServer().equals(up2)));
                assertThat(after).noneMatch(e -> e.event() instanceof Event.QuorumChanged q && q.virtualServer().equals("192.0.2.102:80"));
                assertThat(after).noneMatch(e -> e.event() instanceof Event.CheckResult c && c.detail().startsWith("checker ")
                        && (c.target().equals(up) || c.target().equals(up2)));
                // the changed one was started afresh (alpha: down), and probes go on for all
                assertThat(after).anyMatch(e -> e.event() instanceof Event.RealServerChanged c && c.realServer().equals(down) && !c.up());
                assertThat(after).anyMatch(e -> e.event() instanceof Event.CheckResult c && c.up() && c.target().equals(up));
                assertThat(after).anyMatch(e -> e.event() instanceof Event.CheckResult c && c.up() && c.target().equals(up2));
            }
            // the same reload without carrying health over: alpha takes the live real server out of IPVS
            try (CheckerNode fresh = start(vertx, changed, journal, Optional.empty())) {
                assertThat(IpvsDiff.diff(fresh.desired(), programmed.table())).as("IPVS changes of a restart").isNotEmpty();
            }
        } finally {
            vertx.close().await();
        }
    }

    private static CheckStatusBoard.Status status(CheckerNode n, String rs) {
        return n.checks().stream().filter(s -> s.realServer().equals(rs)).findFirst().orElseThrow();
    }
}
