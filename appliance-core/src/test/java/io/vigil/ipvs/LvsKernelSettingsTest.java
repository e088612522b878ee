package io.vigil.ipvs;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.ipvs.SyncDaemonPlanner.Command;
import io.vigil.ipvs.SyncDaemonPlanner.Role;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.vigil.ipvs.IpvsPlannerTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** The pure side of lvs_sync_daemon, lvs_timeouts, lvs_flush(_on_stop), persistence_engine and IPVS ownership. */
class LvsKernelSettingsTest {
    static KeepalivedConfig load(String text) {
        return ConfigLoader.loadText("keepalived.conf", text, Path.of("/tmp"), LoadOptions.defaults()).config().orElseThrow();
    }

    static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                virtual_ipaddress {
                    192.0.2.10
                }
            }
            """;

    @Test
    void syncDaemonOptionsAsKeepalivedReadsThem() {
        SyncDaemonSpec.Parsed p = SyncDaemonSpec.parse(List.of("eth1", "VI_1", "id", "7", "maxlen", "1400", "port", "9000",
                "ttl", "2", "group", "239.1.2.3"));
        assertThat(p.problems()).isEmpty();
        SyncDaemonSpec s = p.spec().orElseThrow();
        assertThat(s).isEqualTo(new SyncDaemonSpec("eth1", Optional.of("VI_1"), 7, 1400, 9000, 2, InetAddress.ofLiteral("239.1.2.3")));
        assertThat(s.describe()).isEqualTo("eth1 id 7 maxlen 1400 port 9000 ttl 2 group 239.1.2.3");

        // the pre-2.0 positional id, with keepalived's note; a unicast group refused
        p = SyncDaemonSpec.parse(List.of("eth1", "VI_1", "9", "group", "192.0.2.1", "bogus"));
        assertThat(p.spec().orElseThrow().syncId()).isEqualTo(9);
        assertThat(p.spec().orElseThrow().group()).isNull();
        assertThat(p.problems()).containsExactly("please use keyword \"id\" before lvs_sync_daemon SYNCID",
                "lvs_sync_daemon group address 192.0.2.1 is not multicast - ignoring",
                "unknown option bogus specified for lvs_sync_daemon");
        assertThat(SyncDaemonSpec.parse(List.of("an-interface-name-too-long")).spec()).isEmpty();
    }

    @Test
    void syncIdDefaultsToTheInstancesVridAndAnUnknownInstanceDisablesIt() {
        LvsGlobals g = LvsGlobals.from(load("global_defs {\n lvs_sync_daemon eth1 VI_1\n}\n" + INSTANCE));
        assertThat(g.syncDaemon().orElseThrow().syncId()).isEqualTo(51);
        g = LvsGlobals.from(load("global_defs {\n lvs_sync_daemon eth1 VI_9\n}\n" + INSTANCE));
        assertThat(g.syncDaemon()).isEmpty();
        assertThat(g.problems()).containsExactly("unable to find vrrp instance VI_9 for lvs_sync_daemon - no sync daemon");
        g = LvsGlobals.from(load("global_defs {\n lvs_sync_daemon eth1\n}\n" + INSTANCE));
        assertThat(g.syncDaemon().orElseThrow().syncId()).isZero();
        assertThat(g.syncDaemon().orElseThrow().instance()).isEmpty();
        // deprecated per-instance form: that instance, sync id 0
        g = LvsGlobals.from(load(INSTANCE.replace("priority 100", "priority 100\n lvs_sync_daemon_interface eth2")));
        assertThat(g.syncDaemon().orElseThrow()).isEqualTo(new SyncDaemonSpec("eth2", Optional.of("VI_1"), 0, 0, 0, 0, null));
    }

    @Test
    void daemonsFollowTheInstanceAsKeepalivedRunsThem() {
        SyncDaemonSpec s = new SyncDaemonSpec("eth1", Optional.of("VI_1"), 51, 0, 0, 0, null);
        Map<Role, SyncDaemonSpec> running = new EnumMap<>(Role.class);
        // start-up (state not MASTER yet): backup
        List<Command> c = SyncDaemonPlanner.diff(running, SyncDaemonPlanner.desired(Optional.of(s), false));
        assertThat(c).extracting(Command::describe).containsExactly("start backup sync daemon on eth1 id 51");
        running.put(Role.BACKUP, s);
        // MASTER: stop backup, then start master
        c = SyncDaemonPlanner.diff(running, SyncDaemonPlanner.desired(Optional.of(s), true));
        assertThat(c).extracting(Command::describe).containsExactly("stop backup sync daemon", "start master sync daemon on eth1 id 51");
        running.clear();
        running.put(Role.MASTER, s);
        assertThat(SyncDaemonPlanner.diff(running, SyncDaemonPlanner.desired(Optional.of(s), true))).isEmpty();
        // leaving MASTER (BACKUP or FAULT): stop master, start backup
        c = SyncDaemonPlanner.diff(running, SyncDaemonPlanner.desired(Optional.of(s), false));
        assertThat(c).extracting(Command::describe).containsExactly("stop master sync daemon", "start backup sync daemon on eth1 id 51");
        // a reload changing the settings restarts it; removing lvs_sync_daemon (or stopping) stops it
        SyncDaemonSpec s2 = new SyncDaemonSpec("eth1", Optional.of("VI_1"), 52, 0, 0, 0, null);
        c = SyncDaemonPlanner.diff(running, SyncDaemonPlanner.desired(Optional.of(s2), true));
        assertThat(c).extracting(Command::describe).containsExactly("stop master sync daemon", "start master sync daemon on eth1 id 52");
        assertThat(SyncDaemonPlanner.diff(running, SyncDaemonPlanner.desired(Optional.empty(), true)))
                .extracting(Command::describe).containsExactly("stop master sync daemon");
        // no instance: both, all the time
        SyncDaemonSpec both = new SyncDaemonSpec("eth1", Optional.empty(), 0, 0, 0, 0, null);
        assertThat(SyncDaemonPlanner.desired(Optional.of(both), false)).containsOnlyKeys(Role.MASTER, Role.BACKUP);
    }

    @Test
    void timeoutsAndFlushes() {
        LvsGlobals g = LvsGlobals.from(load("global_defs {\n lvs_timeouts tcp 7200 udp 60 tcpfin x\n lvs_flush\n lvs_flush_onstop VS\n}\n"));
        assertThat(List.of(g.tcpTimeout(), g.tcpFinTimeout(), g.udpTimeout())).containsExactly(7200, 0, 60);
        assertThat(g.problems()).isEmpty(); // the bad tcpfin is the loader's warning (checkConfigReportsWhatKeepalivedReports)
        assertThat(g.flushAtStart()).isTrue();
        assertThat(g.flushOnStop()).isEqualTo(LvsGlobals.FlushOnStop.VS);
        g = LvsGlobals.from(load("global_defs {\n lvs_flush_on_stop\n}\n"));
        assertThat(g.flushOnStop()).isEqualTo(LvsGlobals.FlushOnStop.FULL);
        assertThat(g.setsTimeouts()).isFalse();
        assertThat(g.flushAtStart()).isFalse();
    }

    @Test
    void checkConfigReportsWhatKeepalivedReports() {
        var r = ConfigLoader.loadText("keepalived.conf", "global_defs {\n lvs_sync_daemon eth1 VI_1 port 0 group 192.0.2.1\n"
                + " lvs_timeouts tcp\n lvs_flush_on_stop ALL\n}\n" + INSTANCE, Path.of("/tmp"), LoadOptions.defaults());
        assertThat(r.warnings()).extracting(io.vigil.config.Diagnostic::message).contains(
                "invalid lvs_sync_daemon port (0) - ignoring", "lvs_sync_daemon group address 192.0.2.1 is not multicast - ignoring",
                "lvs_timeouts requires at least one option", "unknown lvs_flush_on_stop type ALL");
        assertThat(r.warnings()).extracting(io.vigil.config.Diagnostic::message).noneMatch(m -> m.contains("not acted on"));
    }

    @Test
    void persistenceEngineGoesIntoTheService() {
        KeepalivedConfig c = load("""
                virtual_server 192.0.2.50 5060 {
                    protocol UDP
                    lb_algo rr
                    lb_kind NAT
                    persistence_timeout 300
                    persistence_engine sip
                    real_server 198.51.100.1 5060 {
                        weight 1
                    }
                }
                """);
        VirtualServerSpec vs = IpvsConfigMapper.map(c).virtualServers().getFirst();
        IpvsService svc = vs.serviceFor(vs.keys().getFirst());
        assertThat(svc.peName()).isEqualTo("sip");
        assertThat(svc.describe()).isEqualTo("rr persistent 300 pe sip");
        assertThat(svc.sameSettings(new IpvsService(svc.key(), "rr", svc.flags(), 300, svc.netmask()))).isFalse();
    }

    @Test
    void onlyOwnedServicesAreDeleted() {
        ServiceKey web = IpvsPlannerTest.WEB;
        ServiceKey foreign = new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.77"), 80);
        ServiceKey dropped = new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.78"), 80);
        DesiredState d = IpvsPlanner.plan(List.of(VirtualServerSpec.simple("v", web, "rr", ForwardMethod.DR, List.of())), Map.of(), Map.of());
        IpvsTable actual = IpvsTable.builder().service(new IpvsService(web, "rr", 0, 0, -1))
                .service(new IpvsService(foreign, "rr", 0, 0, -1)).service(new IpvsService(dropped, "rr", 0, 0, -1)).build();
        List<IpvsChange> c = IpvsDiff.diff(d, actual, java.util.Set.of(web, dropped));
        assertThat(c).extracting(IpvsChange::describe).containsExactly("delete service TCP 192.0.2.78:80");
        assertThat(c.getFirst().cause()).isEqualTo("no longer in configuration → service removed");
    }
}
