package io.vigil.vrrp;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.Diagnostic;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VrrpSpecsTest {

    static KeepalivedConfig load(String text) {
        LoadResult r = ConfigLoader.loadText("keepalived.conf", text, Path.of("."), LoadOptions.defaults());
        assertThat(r.errors()).as("config parses").isEmpty();
        return r.config().orElseThrow();
    }

    static final String LVS_DR = """
            global_defs {
               router_id LVS_MASTER
               vrrp_garp_master_refresh 60
            }
            vrrp_script chk_nginx {
                script "/etc/keepalived/check_nginx.sh"
                interval 2
                weight -20
            }
            vrrp_script chk_must {
                script "/bin/true"
            }
            vrrp_track_file app_state {
                file /run/app.state
                weight 3
            }
            vrrp_sync_group VG1 {
                group {
                    VI_EXT
                    VI_INT
                }
                notify_master "/etc/keepalived/master.sh group"
                track_script {
                    chk_must
                }
            }
            vrrp_instance VI_EXT {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass 123456789
                }
                virtual_ipaddress {
                    192.0.2.100/24 dev eth0 label eth0:1
                    192.0.2.101
                }
                virtual_ipaddress_excluded {
                    203.0.113.5/32
                }
                track_script {
                    chk_nginx
                }
                track_interface {
                    eth1 weight -30
                }
                track_file {
                    app_state
                }
                notify_master /etc/keepalived/master.sh
                notify "/etc/keepalived/notify.sh"
            }
            vrrp_instance VI_INT {
                state BACKUP
                nopreempt
                preempt_delay 30
                interface eth1
                dont_track_primary
                virtual_router_id 52
                priority 100
                advert_int 0.5
                version 3
                unicast_src_ip 198.51.100.11
                unicast_peer {
                    198.51.100.12
                }
                virtual_ipaddress {
                    198.51.100.100/24
                }
            }
            """;

    @Test
    void mapsAnLvsDrPairFaithfully() {
        VrrpSpecs.Mapped m = VrrpSpecs.fromConfig(load(LVS_DR));
        assertThat(m.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        assertThat(m.instances()).extracting(VrrpInstanceSpec::name).containsExactly("VI_EXT", "VI_INT");

        VrrpInstanceSpec ext = m.instances().get(0);
        assertThat(ext.interfaceName()).isEqualTo("eth0");
        assertThat(ext.vrid()).isEqualTo(51);
        assertThat(ext.priority()).isEqualTo(150);
        assertThat(ext.version()).isEqualTo(2);
        assertThat(ext.initialState()).isEqualTo(VrrpState.MASTER);
        assertThat(ext.advertIntervalCentis()).isEqualTo(100);
        assertThat(ext.preempt()).isTrue();
        assertThat(ext.authType()).isEqualTo(VrrpAdvertFlyweight.AUTH_PASS);
        assertThat(new String(ext.authPassword())).as("keepalived uses 8 characters").isEqualTo("12345678");
        assertThat(ext.virtualAddresses()).containsExactly(
                new VirtualAddress(Ipv4Address.parse("192.0.2.100"), 24, "eth0", "eth0:1"),
                new VirtualAddress(Ipv4Address.parse("192.0.2.101"), 32, null, null));
        assertThat(ext.excludedAddresses()).containsExactly(VirtualAddress.of("203.0.113.5", 32));
        assertThat(ext.sourceAddress()).as("left for the node to resolve").isNull();
        assertThat(ext.unicastPeers()).isEmpty();
        assertThat(ext.trackers()).containsExactly(
                TrackerSpec.script("chk_nginx", -20),
                TrackerSpec.script("chk_must", 0), // from the sync group; weight 0 = fault on failure
                TrackerSpec.iface("eth1", -30),
                TrackerSpec.file("app_state", 3));
        assertThat(ext.notifyScripts()).isEqualTo(new NotifySpec("/etc/keepalived/master.sh", null, null, null, "/etc/keepalived/notify.sh"));
        assertThat(ext.garp().masterDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ext.garp().masterRepeat()).isEqualTo(5);
        assertThat(ext.garp().masterRefresh()).isEqualTo(Duration.ofSeconds(60));

        VrrpInstanceSpec in = m.instances().get(1);
        assertThat(in.version()).isEqualTo(3);
        assertThat(in.trackPrimaryInterface()).isFalse();
        assertThat(ext.trackPrimaryInterface()).isTrue();
        assertThat(in.advertIntervalCentis()).isEqualTo(50);
        assertThat(in.preempt()).isFalse();
        assertThat(in.preemptDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(in.sourceAddress()).isEqualTo(Ipv4Address.parse("198.51.100.11"));
        assertThat(in.unicastPeers()).containsExactly(Ipv4Address.parse("198.51.100.12"));
        assertThat(in.trackers()).containsExactly(TrackerSpec.script("chk_must", 0));

        assertThat(m.syncGroups()).containsExactly(new SyncGroupSpec("VG1", List.of("VI_EXT", "VI_INT"),
                new NotifySpec("/etc/keepalived/master.sh group", null, null, null, null)));
    }

    @Test
    void mappedSpecsDriveAWorkingEngine() {
        VrrpSpecs.Mapped m = VrrpSpecs.fromConfig(load(LVS_DR));
        VrrpInstance ext = new VrrpInstance(m.instances().get(0).withSourceAddress(Ipv4Address.parse("192.0.2.11")));
        long deadline = ((VrrpEffect.TimerRequest) ext.step(new VrrpInput.Start(0)).getLast()).deadline();
        var out = ext.step(new VrrpInput.Tick(deadline));
        assertThat(ext.state()).isEqualTo(VrrpState.MASTER);
        assertThat(out).filteredOn(e -> e instanceof VrrpEffect.AddAddresses).singleElement()
                .extracting(e -> ((VrrpEffect.AddAddresses) e).addresses()).asList().hasSize(3);
    }

    @Test
    void unusableInstancesAreReportedWithTheirLocation() {
        String text = """
                vrrp_instance VI_AH {
                    interface eth0
                    virtual_router_id 60
                    priority 100
                    authentication {
                        auth_type AH
                        auth_pass secret
                    }
                    virtual_ipaddress {
                        192.0.2.60
                    }
                }
                vrrp_instance VI_OK {
                    interface eth0
                    virtual_router_id 61
                    priority 100
                    version 3
                    authentication {
                        auth_type PASS
                        auth_pass secret
                    }
                    virtual_ipaddress {
                        192.0.2.61
                        2001:db8::61
                    }
                }
                """;
        VrrpSpecs.Mapped m = VrrpSpecs.fromConfig(load(text));
        assertThat(m.instances()).extracting(VrrpInstanceSpec::name).containsExactly("VI_OK");
        assertThat(m.hasErrors()).isTrue();
        assertThat(m.diagnostics()).filteredOn(Diagnostic::isError).singleElement()
                .satisfies(d -> assertThat(d.format()).startsWith("keepalived.conf:5:").contains("auth_type AH"));
        assertThat(m.diagnostics()).filteredOn(d -> !d.isError()).extracting(Diagnostic::message)
                .anyMatch(s -> s.contains("IPv6 virtual address"));
        assertThat(m.instances().getFirst().authType()).isEqualTo(VrrpAdvertFlyweight.AUTH_NONE);
    }

    @Test void strictModeMakesTheMasterDiscardLowerPriorityAdverts() {
        String inst = "vrrp_instance %s {\n interface eth0\n virtual_router_id %d\n %s\n virtual_ipaddress {\n  192.0.2.%d\n }\n}\n";
        var specs = VrrpSpecs.fromConfig(load("global_defs {\n vrrp_strict\n}\n" + inst.formatted("A", 1, "", 1)
                + inst.formatted("B", 2, "strict_mode off", 2) + inst.formatted("C", 3, "strict_mode", 3))).instances();
        assertThat(specs).extracting(VrrpInstanceSpec::name, s -> s.advertOptions().lowerPrioNoAdvert())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A", true), org.assertj.core.groups.Tuple.tuple("B", false),
                        org.assertj.core.groups.Tuple.tuple("C", true));
        assertThat(VrrpSpecs.fromConfig(load(inst.formatted("D", 4, "", 4))).instances().getFirst().advertOptions().lowerPrioNoAdvert()).isFalse();
    }
}
