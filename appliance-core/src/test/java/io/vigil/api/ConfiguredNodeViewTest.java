package io.vigil.api;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.lab.LabPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's view: the lab's keepalived.conf parsed for real, live state from a real journal. */
class ConfiguredNodeViewTest {
    @TempDir Path dir;

    final Set<String> drained = new HashSet<>();
    final Set<String> maintenance = new HashSet<>();

    final ConfiguredNodeView.Runtime runtime = new ConfiguredNodeView.Runtime() {
        @Override public Views.VrrpStats vrrpStats(String instance) { return new Views.VrrpStats(3, 7, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); }
        @Override public boolean maintenance(String instance) { return maintenance.contains(instance); }
        @Override public boolean drained(String vs, String rs) { return drained.contains(vs + "|" + rs); }
        @Override public long drain(String vs, String rs, boolean d) { if (d) drained.add(vs + "|" + rs); else drained.remove(vs + "|" + rs); return 1; }
        @Override public long maintenance(String instance, boolean on) { if (on) maintenance.add(instance); else maintenance.remove(instance); return 2; }
        @Override public Views.Reload reload(boolean force) { return new Views.Reload(3, true, "", java.util.List.of()); }
    };

    @Test
    void combinesConfigJournalAndRuntime() {
        LabPlan plan = LabPlan.defaults();
        var loaded = ConfigLoader.loadText("keepalived.conf", plan.keepalivedConf(plan.directors().getFirst()), dir, LoadOptions.defaults());
        assertThat(loaded.config()).as(loaded.diagnostics().toString()).isPresent();
        KeepalivedConfig cfg = loaded.config().orElseThrow();

        try (Journal j = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "lab-d1"))) {
            var view = new ConfiguredNodeView("lab-d1", () -> cfg, new JournalAccess(j), runtime);

            var before = view.instances().getFirst();
            assertThat(before.name()).isEqualTo("VI_1");
            assertThat(before.state()).isEqualTo("INIT");
            assertThat(before.vrid()).isEqualTo(51);
            assertThat(before.intf()).isEqualTo("eth0");
            assertThat(before.vips()).containsExactly("192.0.2.50/24");
            assertThat(view.checks()).extracting(Views.Check::status).containsOnly("UNKNOWN");

            long t = j.append(Cause.timer("master_down"), new Event.VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down timer expired", 150));
            j.append(Cause.timer("check"), new Event.CheckResult("HTTP_GET", "192.0.2.21:80", false, 2_000_000, "HTTP status 404", 2));
            j.append(Cause.event(t), new Event.RealServerChanged("TCP 192.0.2.50:80", "192.0.2.21:80", false, 0, true));
            assertThat(j.flush(Duration.ofSeconds(5))).isTrue();

            var inst = view.instances().getFirst();
            assertThat(inst.state()).isEqualTo("MASTER");
            assertThat(inst.effectivePriority()).isEqualTo(150);
            assertThat(inst.stats().advertSent()).isEqualTo(7);

            var vs = view.virtualServers().getFirst();
            assertThat(vs.id()).isEqualTo("TCP-192.0.2.50-80");
            assertThat(vs.scheduler()).isEqualTo("rr");
            assertThat(vs.reals()).extracting(Views.RealServer::id).containsExactly("192.0.2.21-80", "192.0.2.22-80");
            assertThat(vs.reals().get(0).healthy()).isFalse();
            assertThat(vs.reals().get(0).weight()).isZero();
            assertThat(vs.reals().get(1).weight()).isEqualTo(1);

            List<Views.Check> checks = view.checks();
            assertThat(checks).hasSize(2);
            assertThat(checks.get(0).status()).isEqualTo("DOWN");
            assertThat(checks.get(0).lastLatencySeconds()).isEqualTo(0.002);
            assertThat(checks.get(0).lastMessage()).isEqualTo("HTTP status 404");

            view.drain("TCP-192.0.2.50-80", "192.0.2.22-80", true);
            assertThat(view.virtualServers().getFirst().reals().get(1).weight()).isZero();
            assertThat(view.virtualServers().getFirst().reals().get(1).drained()).isTrue();
            view.maintenance("VI_1", true);
            assertThat(view.instances().getFirst().effectivePriority()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> view.drain("TCP-192.0.2.50-80", "192.0.2.99-80", true))
                    .isInstanceOf(NodeView.NotFound.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> view.maintenance("VI_9", true)).isInstanceOf(NodeView.NotFound.class);
        }
    }
}
