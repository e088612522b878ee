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

/** The start-up rehearsal of the VIP add path changes nothing on the host: the kernel refuses every request. */
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
}
