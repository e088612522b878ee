package io.vigil.node;

import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.config.source.ConfigLoader;
import io.vigil.journal.Cause;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.lab.NetnsTopology;
import io.vigil.vrrp.VrrpState;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MASTER's advert path allocates (nearly) nothing per advert in steady state: a real VrrpNode alone in a
 * namespace runs ten VRRPv3 instances as MASTER at advert_int 0.01 (1,000 adverts/s: timer, router step, SendAdvert,
 * sendto); after a warm-up, the bytes the vrrp thread allocates are read with ThreadMXBean.getThreadAllocatedBytes
 * and divided by the adverts it sent. The bound holds the NodeAlive beat (one journal entry a second) amortized; it
 * fails if a per-advert encode, message copy, InetAddress, ByteBuffer, effect list or batch copy comes back (main
 * before this test: ~1.6 KB per advert).
 */
class SendAllocationNetnsTest {
    private static final int INSTANCES = 10;
    private static final long WARM_UP_MS = 8_000, MEASURED_MS = 4_000;
    private static final long BOUND_BYTES_PER_ADVERT = 64;

    private static String conf() {
        StringBuilder b = new StringBuilder("global_defs {\n    vrrp_version 3\n}\n");
        for (int i = 1; i <= INSTANCES; i++) {
            b.append("vrrp_instance VI_").append(i).append(" {\n    state MASTER\n    interface eth0\n    virtual_router_id ")
                    .append(50 + i).append("\n    priority 255\n    advert_int 0.01\n    virtual_ipaddress {\n        192.0.2.")
                    .append(100 + i).append("/24\n    }\n}\n");
        }
        return b.toString();
    }

    @Test
    void steadyStateMasterAllocatesNearlyNothingPerAdvert() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);
        NetnsTopology topo = NetnsTopology.createUnique("sa");
        Path dir = Files.createTempDirectory("vigil-txalloc");
        Journal journal = null;
        VrrpNode node = null;
        try {
            NetnsTopology.Namespace sw = topo.namespace("sw");
            topo.bridge(sw, "br0");
            NetnsTopology.Namespace n = topo.host("n", "eth0", "192.0.2.11/24", sw, "br0");
            String text = conf();
            Path file = dir.resolve("keepalived.conf");
            Files.writeString(file, text);
            KeepalivedConfig cfg = ConfigLoader.loadText("keepalived.conf", text, dir, LoadOptions.defaults()).config().orElseThrow();
            NodeSetup setup = NodeConfig.from(cfg, file, w -> { });
            journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "txalloc"));
            Journal j = journal;
            node = n.call(() -> VrrpNode.start(setup, j));

            Thread.sleep(WARM_UP_MS); // C2 compiles the tick, step and send path
            Map<String, VrrpNode.Counters> c0 = node.counters();
            for (VrrpNode.Counters c : c0.values()) assertThat(c.state()).as(c.name()).isEqualTo(VrrpState.MASTER);
            Thread vrrp = node.vrrpThread();
            long sent0 = sent(c0), vr0 = mx.getThreadAllocatedBytes(vrrp.threadId());
            Thread.sleep(MEASURED_MS);
            long vr1 = mx.getThreadAllocatedBytes(vrrp.threadId());
            Map<String, VrrpNode.Counters> c1 = node.counters();
            long got = sent(c1) - sent0;

            double per = (vr1 - vr0) / (double) got;
            System.out.printf("SendAllocationNetnsTest: %d instances MASTER at 10 ms, %d adverts sent in %d ms;"
                    + " vrrp thread %d B (%.2f B/advert); VI_1 drops %s, interface drops %s%n", INSTANCES, got, MEASURED_MS,
                    vr1 - vr0, per, c1.get("VI_1").drops(), node.interfaceDrops());
            assertThat(got).as("adverts sent").isGreaterThan(INSTANCES * MEASURED_MS / 10 / 2);
            assertThat(per).as("vrrp thread bytes per advert").isLessThan(BOUND_BYTES_PER_ADVERT);
        } finally {
            if (node != null) node.stop(Cause.signal("test"));
            if (journal != null) journal.close();
            topo.close();
        }
    }

    private static long sent(Map<String, VrrpNode.Counters> m) {
        long s = 0;
        for (VrrpNode.Counters c : m.values()) s += c.advertsSent();
        return s;
    }
}
