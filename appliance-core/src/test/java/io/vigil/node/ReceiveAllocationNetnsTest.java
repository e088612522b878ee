package io.vigil.node;

import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.config.source.ConfigLoader;
import io.vigil.journal.Cause;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.lab.NetnsTopology;
import io.vigil.linux.VrrpSocket;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.VrrpAdvertFlyweight;
import io.vigil.vrrp.VrrpState;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's receive path allocates nothing per datagram in steady state. A real VrrpNode (BACKUP, priority 100)
 * in a namespace hears a peer's priority-200 multicast adverts, sent from a raw VRRP socket in another namespace;
 * after a warm-up, the bytes the node's receive thread and vrrp thread allocate while it takes 10,000 more are read
 * with ThreadMXBean.getThreadAllocatedBytes and divided by the adverts the instance accepted. Not a timing test:
 * the bound fails if an Optional, a copied array, an InetAddress or a queue node per packet comes back.
 */
class ReceiveAllocationNetnsTest {
    private static final Ipv4Address NODE = Ipv4Address.parse("192.0.2.11"), PEER = Ipv4Address.parse("192.0.2.12");
    private static final int WARM_UP = 30_000, MEASURED = 10_000;
    private static final long BOUND_BYTES_PER_DATAGRAM = 64;

    private static final String CONF = """
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority 100
                advert_int 1
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """;

    @Test
    void steadyStateReceiveAllocatesNothingPerDatagram() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);
        NetnsTopology topo = NetnsTopology.createUnique("ra");
        Path dir = Files.createTempDirectory("vigil-rxalloc");
        Journal journal = null;
        VrrpNode node = null;
        VrrpSocket raw = null;
        try {
            NetnsTopology.Namespace sw = topo.namespace("sw");
            topo.bridge(sw, "br0");
            NetnsTopology.Namespace n = topo.host("n", "eth0", "192.0.2.11/24", sw, "br0");
            NetnsTopology.Namespace p = topo.host("p", "eth0", "192.0.2.12/24", sw, "br0");
            Path file = dir.resolve("keepalived.conf");
            Files.writeString(file, CONF);
            KeepalivedConfig cfg = ConfigLoader.loadText("keepalived.conf", CONF, dir, LoadOptions.defaults()).config().orElseThrow();
            NodeSetup setup = NodeConfig.from(cfg, file, w -> { });
            journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "rxalloc"));
            Journal j = journal;
            node = n.call(() -> VrrpNode.start(setup, j));
            raw = p.call(() -> VrrpSocket.open("eth0"));
            byte[] advert = VrrpAdvertFlyweight.encode(2, 51, 200, 100, List.of(Ipv4Address.parse("192.0.2.100")),
                    VrrpAdvertFlyweight.AUTH_NONE, null, PEER, Ipv4Address.VRRP_GROUP);
            ByteBuffer msg = ByteBuffer.wrap(advert);
            Inet4Address src = inet(PEER), group = inet(Ipv4Address.VRRP_GROUP);

            send(raw, src, group, msg, WARM_UP); // C2 compiles both loops and the router's read path
            Thread.sleep(500);
            long before = accepted(node);
            assertThat(node.counters().get("VI_1").state()).isEqualTo(VrrpState.BACKUP);
            Thread rx = node.receiveThread("eth0"), vrrp = node.vrrpThread();
            long rx0 = mx.getThreadAllocatedBytes(rx.threadId()), vr0 = mx.getThreadAllocatedBytes(vrrp.threadId());
            send(raw, src, group, msg, MEASURED);
            Thread.sleep(500); // the rings drain; well inside the 3 s master-down interval
            long rx1 = mx.getThreadAllocatedBytes(rx.threadId()), vr1 = mx.getThreadAllocatedBytes(vrrp.threadId());
            long got = accepted(node) - before;
            long queueFull = node.interfaceDrops().getOrDefault("eth0", java.util.Map.of())
                    .getOrDefault(io.vigil.vrrp.DropReason.RECEIVE_QUEUE_FULL, 0L);

            double rxPer = (rx1 - rx0) / (double) got, vrPer = (vr1 - vr0) / (double) got;
            System.out.printf("ReceiveAllocationNetnsTest: %d adverts sent, %d accepted, %d dropped (ring full, whole run);"
                    + " receive thread %d B (%.2f B/datagram), vrrp thread %d B (%.2f B/datagram)%n",
                    MEASURED, got, queueFull, rx1 - rx0, rxPer, vr1 - vr0, vrPer);
            assertThat(got).as("adverts accepted of %d sent", MEASURED).isGreaterThan(MEASURED * 9L / 10);
            assertThat(rxPer).as("receive thread bytes per datagram").isLessThan(BOUND_BYTES_PER_DATAGRAM);
            assertThat(vrPer).as("vrrp thread bytes per datagram").isLessThan(BOUND_BYTES_PER_DATAGRAM);
        } finally {
            if (raw != null) raw.close();
            if (node != null) node.stop(Cause.signal("test"));
            if (journal != null) journal.close();
            topo.close();
        }
    }

    /** Paced at about 16 adverts per 0.2 ms so the 64-slot ring is not what the test measures. */
    private static void send(VrrpSocket raw, Inet4Address src, Inet4Address dst, ByteBuffer msg, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            raw.send(src, dst, msg);
            if ((i & 15) == 15) Thread.sleep(0, 200_000);
        }
    }

    private static long accepted(VrrpNode node) throws Exception { return node.counters().get("VI_1").advertsReceived(); }

    private static Inet4Address inet(Ipv4Address a) throws Exception { return (Inet4Address) InetAddress.getByName(a.toString()); }
}
