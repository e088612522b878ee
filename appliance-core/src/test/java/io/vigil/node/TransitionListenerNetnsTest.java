package io.vigil.node;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.lab.NetnsTopology;
import io.vigil.vrrp.VrrpState;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hook the IPVS sync daemons follow (RunCommand → {@link LvsKeeper#stateChanged}): a real node in a namespace
 * tells its {@link VrrpNode.TransitionListener} of each transition, from the first one on, with the journal's
 * VrrpTransition entry as cause.
 */
class TransitionListenerNetnsTest {
    record Seen(String instance, VrrpState to, Cause cause) {}

    static void await(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void everyTransitionIsToldWithItsJournalEntryAsCause() throws Exception {
        String conf = """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 200
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """;
        Path dir = Files.createTempDirectory("vigil-tl");
        List<Seen> seen = new CopyOnWriteArrayList<>();
        List<Entry> transitions = new CopyOnWriteArrayList<>();
        try (NetnsTopology topo = NetnsTopology.createUnique("tl")) {
            NetnsTopology.Namespace sw = topo.namespace("sw");
            topo.bridge(sw, "br0");
            NetnsTopology.Namespace ns = topo.host("n", "eth0", "192.0.2.11/24", sw, "br0");
            KeepalivedConfig cfg = ConfigLoader.loadText("keepalived.conf", conf, dir, LoadOptions.defaults()).config().orElseThrow();
            NodeSetup setup = NodeConfig.from(cfg, dir.resolve("keepalived.conf"), w -> { });
            try (Journal journal = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "tl"))) {
                journal.subscribe(e -> { if (e.event() instanceof Event.VrrpTransition) transitions.add(e); });
                VrrpNode node = ns.call(() -> VrrpNode.start(setup, journal, (i, to, cause) -> seen.add(new Seen(i, to, cause))));
                try {
                    await(() -> seen.stream().anyMatch(s -> s.to() == VrrpState.MASTER), "VI_1 to become MASTER");
                } finally {
                    node.stop(Cause.signal("test"));
                }
                journal.flush(java.time.Duration.ofSeconds(3));
            }
        }
        assertThat(seen).extracting(Seen::to).startsWith(VrrpState.BACKUP, VrrpState.MASTER);
        await(() -> transitions.size() >= 2, "the transitions in the journal");
        for (int i = 0; i < 2; i++) {
            Entry e = transitions.get(i);
            assertThat(seen.get(i).cause()).isEqualTo(Cause.event(e.seq()));
            assertThat(((Event.VrrpTransition) e.event()).to().name()).isEqualTo(seen.get(i).to().name());
        }
    }
}
