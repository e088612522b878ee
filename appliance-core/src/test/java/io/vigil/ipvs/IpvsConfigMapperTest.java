package io.vigil.ipvs;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.vigil.ipvs.IpvsPlannerTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

class IpvsConfigMapperTest {
    static KeepalivedConfig load(String text) {
        LoadResult r = ConfigLoader.loadText("keepalived.conf", text, Path.of("."), LoadOptions.defaults());
        assertThat(r.config()).as("config %s", r.diagnostics()).isPresent();
        return r.config().get();
    }

    /** The seed article 000's director config (LVS-DR, wrr, HTTP_GET), as an operator writes it. */
    static final String SEED_DR = """
            virtual_server 10.10.10.10 80 {
                delay_loop 6
                lb_algo wrr
                lb_kind DR
                persistence_timeout 50
                protocol TCP
                real_server 10.10.10.13 80 {
                    weight 3
                    HTTP_GET {
                        url {
                            path /
                            status_code 200
                        }
                        connect_timeout 3
                        nb_get_retry 3
                        delay_before_retry 3
                    }
                }
                real_server 10.10.10.14 80 {
                    weight 1
                    inhibit_on_failure
                    uthreshold 100
                    lthreshold 10
                }
            }
            """;

    @Test
    void seedDirectorConfigBecomesTheIpvsTableKeepalivedWouldProgram() {
        IpvsConfigMapper.Mapping m = IpvsConfigMapper.map(load(SEED_DR));
        assertThat(m.errors()).isEmpty();
        VirtualServerSpec vs = m.virtualServers().getFirst();
        assertThat(vs.name()).isEqualTo("10.10.10.10:80");
        assertThat(vs.origin()).isEqualTo("keepalived.conf:1");
        DesiredState d = IpvsPlanner.plan(m.virtualServers(), Map.of(), Map.of());
        ServiceKey key = new ServiceKey.Addr(Protocol.TCP, ip("10.10.10.10"), 80);
        IpvsTable.Entry e = d.table().services().get(key);
        assertThat(e.service()).isEqualTo(new IpvsService(key, "wrr", ServiceFlags.PERSISTENT, 50, 0xFFFFFFFF));
        assertThat(e.dests().values()).containsExactly(
                IpvsDest.of(new DestKey(ip("10.10.10.13"), 80), ForwardMethod.DR, 3),
                new IpvsDest(new DestKey(ip("10.10.10.14"), 80), ForwardMethod.DR, 1, 100, 10));
        assertThat(vs.realServers().get(1).inhibitOnFailure()).isTrue();
        // the check engine's ids map straight onto state keys
        assertThat(IpvsConfigMapper.realServerId("10.10.10.10:80", "10.10.10.13:80"))
                .isEqualTo(new RealServerId("10.10.10.10:80", new DestKey(ip("10.10.10.13"), 80)));
    }

    @Test
    void groupsFwmarkFlagsSorryServerQuorumAndGranularity() {
        KeepalivedConfig c = load("""
                virtual_server_group WEB {
                    192.0.2.1-3 80
                    192.0.2.8/30 8080
                    fwmark 7
                }
                virtual_server group WEB {
                    lb_algo sh
                    sh-port
                    sh-fallback
                    lb_kind NAT
                    protocol TCP
                    persistence_timeout
                    persistence_granularity 255.255.255.0
                    quorum 2
                    hysteresis 1
                    sorry_server 198.51.100.99 80
                    sorry_server_inhibit
                    real_server 198.51.100.1 80 {
                        weight 2
                    }
                }
                virtual_server fwmark 9 {
                    lb_algo mh
                    mh-port
                    lb_kind TUN
                    real_server 198.51.100.2 80 {
                        weight 1
                    }
                }
                virtual_server 192.0.2.53 53 {
                    lb_algo rr
                    ops
                    protocol UDP
                    real_server 198.51.100.3 53 {
                        weight 1
                    }
                }
                """);
        IpvsConfigMapper.Mapping m = IpvsConfigMapper.map(c);
        assertThat(m.errors()).isEmpty();
        VirtualServerSpec g = m.virtualServers().get(0);
        assertThat(g.name()).isEqualTo("group WEB");
        assertThat(g.keys()).containsExactly(
                new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.1"), 80), new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.2"), 80),
                new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.3"), 80),
                new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.8"), 8080), new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.9"), 8080),
                new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.10"), 8080), new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.11"), 8080),
                ServiceKey.Fwmark.v4(7));
        assertThat(g.flags()).isEqualTo(ServiceFlags.SCHED1 | ServiceFlags.SCHED2);
        assertThat(g.persistenceTimeout()).isEqualTo(IpvsConfigMapper.DEFAULT_PERSISTENCE);
        assertThat(g.granularity()).isEqualTo(0xFFFFFF00);
        assertThat(g.quorum()).isEqualTo(2);
        assertThat(g.hysteresis()).isEqualTo(1);
        assertThat(g.sorryServer().key()).isEqualTo(new DestKey(ip("198.51.100.99"), 80));
        assertThat(g.sorryServerInhibit()).isTrue();
        assertThat(g.lbKind()).isEqualTo(ForwardMethod.NAT);

        VirtualServerSpec f = m.virtualServers().get(1);
        assertThat(f.name()).as("the check engine's id for it, so states line up").isEqualTo("fwmark:9");
        assertThat(f.keys()).containsExactly(ServiceKey.Fwmark.v4(9));
        assertThat(f.serviceFor(f.keys().getFirst()).describe()).isEqualTo("mh mh-port");
        assertThat(f.realServers().getFirst().forward()).isEqualTo(ForwardMethod.TUN);

        VirtualServerSpec u = m.virtualServers().get(2);
        assertThat(u.serviceFor(u.keys().getFirst())).isEqualTo(
                new IpvsService(new ServiceKey.Addr(Protocol.UDP, ip("192.0.2.53"), 53), "rr", ServiceFlags.ONEPACKET, 0, 0xFFFFFFFF));

        // all alive: 2 ≥ quorum 2 + hysteresis 1? no → first computation is down: the sorry server serves
        DesiredState d = IpvsPlanner.plan(m.virtualServers(), Map.of(), Map.of());
        assertThat(d.quorumUp()).containsEntry("group WEB", false);
        assertThat(d.table().services().get(ServiceKey.Fwmark.v4(7)).dests().values())
                .containsExactly(IpvsDest.of(new DestKey(ip("198.51.100.99"), 80), ForwardMethod.NAT, 1));
        assertThat(d.table().services()).hasSize(8 + 1 + 1);
    }

    @Test
    void badEntriesAreReportedWithTheirLocationAndTheRestStillMaps() {
        KeepalivedConfig c = load("""
                virtual_server 192.0.2.1 80 {
                    lb_algo rr
                    persistence_timeout 30
                    persistence_granularity 255.0.255.0.1
                    real_server 198.51.100.1 80 {
                        weight 1
                    }
                }
                virtual_server 192.0.2.2 80 {
                    lb_algo rr
                    real_server 198.51.100.1 80 {
                        weight 1
                    }
                }
                """);
        IpvsConfigMapper.Mapping m = IpvsConfigMapper.map(c);
        assertThat(m.virtualServers()).extracting(VirtualServerSpec::name).containsExactly("192.0.2.2:80");
        assertThat(m.errors()).containsExactly("keepalived.conf:1:1: virtual_server 192.0.2.1:80: not an IP address: 255.0.255.0.1");
    }

    @Test
    void rangesAndGranularities() {
        assertThat(IpvsConfigMapper.expand("2001:db8::a-c")).containsExactly(ip("2001:db8::a"), ip("2001:db8::b"), ip("2001:db8::c"));
        assertThat(IpvsConfigMapper.granularity("24", ServiceKey.AF_INET)).isEqualTo(0xFFFFFF00);
        assertThat(IpvsConfigMapper.granularity("/64", ServiceKey.AF_INET6)).isEqualTo(64);
        assertThat(List.of(IpvsConfigMapper.granularity("255.255.0.0", ServiceKey.AF_INET))).containsExactly(0xFFFF0000);
    }

    @Test void sorryServerLvsMethodChoosesTheSorryServersForwarding() {
        KeepalivedConfig c = load("""
                virtual_server 192.0.2.1 80 {
                    lb_kind NAT
                    protocol TCP
                    sorry_server_lvs_method DR
                    sorry_server 198.51.100.99 80
                    real_server 198.51.100.1 80 {
                    }
                }
                virtual_server 192.0.2.2 80 {
                    lb_kind TUN
                    protocol TCP
                    sorry_server 198.51.100.98 80
                    real_server 198.51.100.1 80 {
                    }
                }
                """);
        var m = IpvsConfigMapper.map(c);
        assertThat(m.errors()).isEmpty();
        // keepalived: sorry_server_lvs_method, else the virtual server's method
        assertThat(m.virtualServers().get(0).sorryServer().forward()).isEqualTo(ForwardMethod.DR);
        assertThat(m.virtualServers().get(0).realServers().getFirst().forward()).isEqualTo(ForwardMethod.NAT);
        assertThat(m.virtualServers().get(1).sorryServer().forward()).isEqualTo(ForwardMethod.TUN);
    }
}
