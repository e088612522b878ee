package io.vigil.lab;

import io.vigil.linux.Libc;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The netns toolkit: topology works end to end, namespace threads really are inside, teardown is complete. */
class NetnsTopologyTest {

    /** createUnique's namespace prefix in this JVM. */
    private static final String T = "vl_" + Long.toString(ProcessHandle.current().pid(), 36);

    private static boolean exists(String ns) {
        return Files.exists(Path.of("/var/run/netns", ns));
    }

    @Test
    void bridgedHostsPingAndEverythingIsRemovedAtClose() throws Exception {
        Process sleeper;
        Path sleeperLog = Files.createTempFile("vl-sleep", ".log");
        String hostNetns = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        try (NetnsTopology lab = NetnsTopology.createUnique("vl")) {
            NetnsTopology.Namespace sw = lab.namespace("sw");
            lab.bridge(sw, "br0");
            NetnsTopology.Namespace a = lab.host("a", "eth0", "192.0.2.11/24", sw, "br0");
            NetnsTopology.Namespace b = lab.host("b", "eth0", "192.0.2.12/24", sw, "br0");
            assertThat(lab.namespaces()).extracting(NetnsTopology.Namespace::name).containsExactly(T + "-sw", T + "-a", T + "-b");

            NetnsTopology.Result ping = a.exec("busybox", "ping", "-c", "1", "-W", "2", "192.0.2.12");
            assertThat(ping.ok()).as(ping.output()).isTrue();
            assertThat(sw.ip("link", "show", "master", "br0").output()).contains("vlp1-a").contains("vlp2-b");

            // a JVM thread inside vl-b: its netns differs from ours, and it sees b's eth0
            String inB = b.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            assertThat(inB).isNotEqualTo(hostNetns);
            assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString()).isEqualTo(hostNetns);
            assertThat(b.call(() -> Libc.ifNameToIndex("eth0"))).isPositive();

            sleeper = a.spawn(sleeperLog, "sleep", "60");
            assertThat(sleeper.isAlive()).isTrue();
        }
        assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).as("spawned process stopped").isTrue();
        Files.delete(sleeperLog);
        assertThat(exists(T + "-sw") || exists(T + "-a") || exists(T + "-b")).isFalse();
    }

    @Test
    void failureHalfWayStillTearsDownWhatWasCreated() throws Exception {
        NetnsTopology lab = NetnsTopology.createUnique("vl");
        try (lab) {
            NetnsTopology.Namespace x = lab.namespace("x");
            assertThat(exists(T + "-x")).isTrue();
            assertThatThrownBy(() -> lab.veth(x, "vl-name-far-too-long-for-linux", x, "vl-y"))
                    .isInstanceOf(IOException.class).hasMessageContaining("failed");
        }
        assertThat(exists(T + "-x")).isFalse();
    }

    @Test
    void namespacesOfDeadRunsAreReapedAndExactNamesReplaced() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = "vl_" + Long.toString(gone.pid(), 36) + "-stale";
        assertThat(NetnsTopology.run(java.util.List.of("ip", "netns", "add", stale)).ok()).isTrue();
        try (NetnsTopology lab = NetnsTopology.createUnique("vl")) {
            assertThat(exists(stale)).as("namespace of a dead JVM reaped").isFalse();
            assertThat(lab.namespace("live").name()).isEqualTo(T + "-live");
        }
        // create(prefix) keeps exact names (for `vigil lab`) and replaces a leftover of the same name
        assertThat(NetnsTopology.run(java.util.List.of("ip", "netns", "add", "vl-exact")).ok()).isTrue();
        try (NetnsTopology lab = NetnsTopology.create("vl")) {
            assertThat(lab.namespace("exact").ip("link").output()).contains("lo");
        }
        assertThat(exists("vl-exact")).isFalse();
    }

    @Test
    void recordedTopologyOutlivesItsObjectAndAnAdoptedOneRemovesIt() throws Exception {
        String p = "vr" + Long.toString(ProcessHandle.current().pid(), 36) + "-";
        String link = p + "h";
        var made = new java.util.ArrayList<String>();
        var lab = NetnsTopology.recorded(p, new NetnsTopology.Ledger() {
            @Override public void namespaceCreated(String name) { made.add("ns " + name); }

            @Override public void hostLinkCreated(String name) { made.add("link " + name); }
        });
        long pid;
        Path log = Files.createTempFile("vr-sleep", ".log");
        try {
            var sw = lab.namespace("sw");
            lab.bridge(sw, "br0");
            var a = lab.namespace("a");
            lab.plug(a, "eth0", "192.0.2.11/24", sw, "pa", "br0");
            lab.hostLink(link, "203.0.113.77/32", sw, "ph", "br0");
            pid = a.spawnDetached(log, java.util.List.of("sleep", "60"));
            assertThat(made).containsExactly("ns " + p + "sw", "ns " + p + "a", "link " + link);
            assertThat(sw.ip("link", "show", "master", "br0").output()).contains("pa", "ph");
            assertThat(a.ip("-o", "addr", "show", "dev", "eth0").output()).contains("192.0.2.11/24");
            // a namespace that exists already is not this lab's: refused, not replaced
            assertThatThrownBy(() -> NetnsTopology.recorded(p, NetnsTopology.Ledger.NONE).namespace("a"))
                    .isInstanceOf(IOException.class).hasMessageContaining("ip netns add " + p + "a");
        } catch (Throwable t) {
            lab.close();
            throw t;
        }
        // nothing was closed: the next `process` finds everything by the names recorded
        assertThat(exists(p + "sw") && exists(p + "a") && NetnsTopology.hostLinkExists(link)).isTrue();
        var adopted = NetnsTopology.adopt(java.util.List.of(p + "sw", p + "a"), java.util.List.of(link));
        assertThat(adopted.get(p + "a").exec("ip", "-o", "link", "show", "eth0").output()).contains("eth0");
        assertThat(adopted.processesInside()).extracting(ProcessHandle::pid).contains(pid);
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            h.onExit().join();
        });
        assertThat(adopted.teardown()).isEmpty();
        assertThat(exists(p + "sw") || exists(p + "a") || NetnsTopology.hostLinkExists(link)).isFalse();
        Files.delete(log);
    }
}
