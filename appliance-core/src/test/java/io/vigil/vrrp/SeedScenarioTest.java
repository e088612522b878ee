package io.vigil.vrrp;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.Diagnostic;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.vrrp.VrrpSim.Router;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Random;

import static io.vigil.vrrp.Fixtures.MS;
import static io.vigil.vrrp.Fixtures.S;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's scenarios (the config helper's seed fixtures, keepalived.conf as the articles wrote them) mapped to
 * specs and run as a director pair on the simulated LAN: the MASTER of the article wins, a shutdown moves the VIP to
 * the BACKUP fast, and a returning MASTER takes it back (it is not nopreempt), as with keepalived.
 */
class SeedScenarioTest {
    static VrrpInstanceSpec spec(String file, String source) throws Exception {
        Path p = Path.of(SeedScenarioTest.class.getResource("/seeds/" + file).toURI());
        LoadResult r = ConfigLoader.load(p, LoadOptions.defaults().withConfigId("test"));
        assertThat(r.errors()).as(file).isEmpty();
        VrrpSpecs.Mapped m = VrrpSpecs.fromConfig(r.config().orElseThrow());
        assertThat(m.diagnostics()).as(file).filteredOn(Diagnostic::isError).isEmpty();
        assertThat(m.instances()).as(file).hasSize(1);
        return m.instances().getFirst().withSourceAddress(Ipv4Address.parse(source));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({
            "000_01bd8f5ccc308432-master.conf, 000_01bd8f5ccc308432-backup.conf",
            "001_2ae29d7c3a6268a4-master.conf, 001_2ae29d7c3a6268a4-backup.conf",
            "002_581f6754b3ee9466-nginx-master-restored.conf, 002_581f6754b3ee9466-nginx-backup-restored.conf",
            "002_581f6754b3ee9466-mysql-master-restored.conf, 002_581f6754b3ee9466-mysql-backup-restored.conf",
            "002_581f6754b3ee9466-mysql-check-master-restored.conf, 002_581f6754b3ee9466-mysql-backup-restored.conf",
            "003_754e8130c5ce8b67-master.conf, 003_754e8130c5ce8b67-backup.conf",
    })
    void articlePairFailsOverAndBack(String masterFile, String backupFile) throws Exception {
        VrrpInstanceSpec a = spec(masterFile, "192.0.2.11"), b = spec(backupFile, "192.0.2.12");
        assertThat(a.vrid()).isEqualTo(b.vrid());
        assertThat(a.priority()).isGreaterThan(b.priority());
        VrrpSim sim = new VrrpSim(new Random(7), 0, 0, MS);
        Router ra = sim.add(a), rb = sim.add(b);
        sim.at(0, () -> sim.start(ra));
        sim.at(300 * MS, () -> sim.start(rb));
        sim.runUntil(10 * S);
        assertThat(ra.engine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(rb.engine.state()).isEqualTo(VrrpState.BACKUP);

        // systemctl stop keepalived on the master: priority 0, the backup takes over within its skew time
        long stop = sim.now;
        sim.at(stop, () -> sim.shutdown(ra));
        sim.runUntil(stop + rb.engine.skewNanos() + 10 * MS);
        assertThat(rb.engine.state()).isEqualTo(VrrpState.MASTER);

        // the master comes back: it preempts (the BACKUP's nopreempt only stops the backup preempting)
        long back = sim.now + 5 * S;
        sim.at(back, () -> sim.start(ra));
        VrrpInstance probe = new VrrpInstance(a);
        sim.runUntil(back + probe.masterDownIntervalNanos() + 10 * MS);
        assertThat(ra.engine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(rb.engine.state()).isEqualTo(VrrpState.BACKUP);
    }

    @org.junit.jupiter.api.Test
    void articlesNginxCheckPairHasDifferentVipsAndEndsUpWithTwoMastersAndCountedDrops() throws Exception {
        // The article's check-script master uses VIP 192.168.246.16, its backup 172.16.147.100 (same VRID 80):
        // keepalived drops such adverts (addr_list_err) and both become MASTER. Vigil does the same, visibly.
        VrrpInstanceSpec a = spec("002_581f6754b3ee9466-nginx-check-master-restored.conf", "192.0.2.11");
        VrrpInstanceSpec b = spec("002_581f6754b3ee9466-nginx-backup-restored.conf", "192.0.2.12");
        assertThat(a.trackers()).containsExactly(TrackerSpec.script("check_nginx", 0));
        VrrpSim sim = new VrrpSim(new Random(7), 0, 0, MS);
        Router ra = sim.add(a), rb = sim.add(b);
        sim.at(0, () -> sim.start(ra));
        sim.at(0, () -> sim.start(rb));
        sim.runUntil(10 * S);
        assertThat(ra.engine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(rb.engine.state()).isEqualTo(VrrpState.MASTER);
        assertThat(ra.engine.dropCount(DropReason.ADDRESS_LIST_MISMATCH)).isPositive();
        assertThat(rb.engine.dropCount(DropReason.ADDRESS_LIST_MISMATCH)).isPositive();

        // and its check script (weight 0) failing puts the master in FAULT
        sim.at(sim.now, () -> sim.setTracker(ra, "check_nginx", false));
        sim.runUntil(sim.now + S);
        assertThat(ra.engine.state()).isEqualTo(VrrpState.FAULT);
    }
}
