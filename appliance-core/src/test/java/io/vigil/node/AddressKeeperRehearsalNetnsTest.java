package io.vigil.node;

import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.lab.NetnsTopology;
import io.vigil.linux.GarpSender;
import io.vigil.linux.Ipv4InterfaceAddress;
import io.vigil.linux.Rtnetlink;
import io.vigil.vrrp.VirtualAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up rehearsal of the VIP add path changes nothing on the host: the kernel refuses every request. The
 * stand-by before a master-down deadline keeps the io thread running, gives way to work at once and ends by itself.
 */
class AddressKeeperRehearsalNetnsTest {

    @Test
    void rehearsedAddsAreRefusedAndAddNothing() throws Exception {
        NetnsTopology topo = NetnsTopology.createUnique("ak");
        Path dir = Files.createTempDirectory("vigil-akr");
        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "akr"))) {
            NetnsTopology.Namespace sw = topo.namespace("sw");
            topo.bridge(sw, "br0");
            NetnsTopology.Namespace n = topo.host("n", "eth0", "192.0.2.11/24", sw, "br0");
            AddressKeeper keeper = n.call(() -> new AddressKeeper(journal, Rtnetlink.open(), GarpSender.open(), Duration.ZERO));
            try {
                List<VirtualAddress> vips = List.of(VirtualAddress.of("192.0.2.100", 24), VirtualAddress.of("192.0.2.101", 32));
                assertThat(keeper.rehearseAdd(vips, "eth0", 3).get(10, TimeUnit.SECONDS)).as("every request refused (ENODEV)").isTrue();
                List<String> present = n.call(() -> {
                    try (Rtnetlink r = Rtnetlink.open()) {
                        return r.addresses().stream().map(Ipv4InterfaceAddress::address).map(a -> a.getHostAddress()).toList();
                    }
                });
                assertThat(present).contains("192.0.2.11").doesNotContain("192.0.2.100", "192.0.2.101");
            } finally {
                keeper.close();
            }
        } finally {
            topo.close();
        }
    }

    @Test
    void rehearsedGarpsAreRefusedAndNeverReachTheWire() throws Exception {
        NetnsTopology topo = NetnsTopology.createUnique("ag");
        Path dir = Files.createTempDirectory("vigil-akg");
        Process dump = null;
        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "akg"))) {
            NetnsTopology.Namespace sw = topo.namespace("sw");
            topo.bridge(sw, "br0");
            NetnsTopology.Namespace n = topo.host("n", "eth0", "192.0.2.11/24", sw, "br0");
            dump = new ProcessBuilder("ip", "netns", "exec", sw.name(), "tcpdump", "-l", "-n", "-i", "br0", "arp")
                    .redirectErrorStream(true).start();
            var lines = java.util.Collections.synchronizedList(new java.util.ArrayList<String>());
            Process d = dump;
            Thread.ofPlatform().daemon().start(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(d.getInputStream()))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (java.io.IOException ended) { /* tcpdump stopped */ }
            });
            NetLab.await("tcpdump listening", () -> String.join("\n", lines), java.time.Duration.ofSeconds(10),
                    () -> lines.stream().anyMatch(l -> l.contains("listening on")));
            AddressKeeper keeper = n.call(() -> new AddressKeeper(journal, Rtnetlink.open(), GarpSender.open(), Duration.ZERO));
            try {
                List<VirtualAddress> vips = List.of(VirtualAddress.of("192.0.2.100", 24), VirtualAddress.of("192.0.2.101", 32));
                assertThat(keeper.rehearseGarp(vips, "eth0", 3).get(10, TimeUnit.SECONDS)).as("every send refused (ENXIO)").isTrue();
                // then one real GARP for .101: the capture sees it, and nothing for .100 (six rehearsed sends before)
                keeper.garp("VI_1", "eth0", List.of(vips.get(1).address()), 1, io.vigil.journal.Cause.NONE);
                NetLab.await("the real GARP captured", () -> String.join("\n", lines), java.time.Duration.ofSeconds(10),
                        () -> lines.stream().anyMatch(l -> l.contains("who-has 192.0.2.101")));
                Thread.sleep(200);
                assertThat(lines).noneMatch(l -> l.contains("192.0.2.100"));
                assertThat(lines.stream().filter(l -> l.contains("192.0.2.101")).count()).isEqualTo(1);
            } finally {
                keeper.close();
            }
        } finally {
            if (dump != null) dump.destroy();
            topo.close();
        }
    }

    @Test
    void standByRunsUntilWorkComesOrItsEnd() throws Exception {
        Path dir = Files.createTempDirectory("vigil-aks");
        try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "aks"));
             AddressKeeper keeper = new AddressKeeper(journal, Rtnetlink.open(), GarpSender.open(), Duration.ZERO)) {
            var io = new java.util.concurrent.CompletableFuture<Thread>();
            keeper.after(() -> io.complete(Thread.currentThread()));
            Thread t = io.get(5, TimeUnit.SECONDS);
            awaitState(t, Thread.State.WAITING);

            // ready for a long while: running (not parked), then work queued meanwhile runs at once
            keeper.standBy(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            awaitState(t, Thread.State.RUNNABLE);
            Thread.sleep(200);
            assertThat(t.getState()).as("still standing by").isEqualTo(Thread.State.RUNNABLE);
            var ran = new java.util.concurrent.CompletableFuture<Void>();
            keeper.after(() -> ran.complete(null));
            ran.get(5, TimeUnit.SECONDS); // not 60 s: the stand-by gave way
            awaitState(t, Thread.State.WAITING);

            // a short one ends by itself, and the next is accepted
            keeper.standBy(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));
            awaitState(t, Thread.State.RUNNABLE);
            awaitState(t, Thread.State.WAITING);
            keeper.standBy(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            awaitState(t, Thread.State.RUNNABLE);
        }
    }

    private static void awaitState(Thread t, Thread.State want) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != want) {
            if (System.nanoTime() - end > 0) throw new AssertionError("vrrp-io is " + t.getState() + ", not " + want);
            Thread.sleep(5);
        }
    }
}
