package io.vigil.config;

import io.vigil.config.source.ConfigLoader;
import io.vigil.check.api.SourceLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each block into the typed model: defaults, inheritance, and what keepalived's value checks leave in the model. The
 * diagnostics themselves (file:line:col and wording) are data: config-diagnostics/*.txt, {@link ConfigDiagnosticsTest}.
 */
class ModelBuilderTest {
    @TempDir Path dir;

    private LoadResult load(String text) { return load(text, LoadOptions.defaults().withConfigId("t")); }

    private LoadResult load(String text, LoadOptions o) { return ConfigLoader.loadText("k.conf", text, dir, o); }

    private static List<String> formatted(LoadResult r) { return r.diagnostics().stream().map(Diagnostic::format).toList(); }

    private static String instance(String body) {
        return "vrrp_instance VI_1 {\n" + body + "\n virtual_ipaddress {\n  192.0.2.100\n }\n}\n";
    }

    @Test void globalDefs() {
        LoadResult r = load("""
                global_defs {
                  router_id LVS_A
                  notification_email {
                    a@example.com
                    b@example.com
                  }
                  notification_email_from vigil@example.com
                  smtp_server 192.0.2.25 2525
                  smtp_connect_timeout 10
                  vrrp_version 3
                  vrrp_garp_master_delay 2
                  vrrp_garp_master_repeat 3
                  vrrp_garp_master_refresh 30
                  vrrp_garp_master_refresh_repeat 2
                  script_user nobody nogroup
                  enable_script_security
                  vrrp_strict
                  vrrp_mcast_group4 224.0.0.19
                }
                """);
        // parsed into the model; the mail settings, vrrp_strict and vrrp_mcast_group4 are acted on: nothing to warn about
        assertThat(r.diagnostics()).extracting(Diagnostic::format).isEmpty();
        GlobalDefs g = r.config().orElseThrow().globalDefs();
        assertThat(g.routerId()).contains("LVS_A");
        assertThat(g.notificationEmail()).containsExactly("a@example.com", "b@example.com");
        assertThat(g.smtpServer()).contains("192.0.2.25");
        assertThat(g.smtpPort()).contains(2525);
        assertThat(g.smtpConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(g.vrrpVersion()).isEqualTo(3);
        assertThat(g.vrrpGarpMasterRefresh()).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.scriptUser()).contains("nobody");
        assertThat(g.scriptGroup()).contains("nogroup");
        assertThat(g.enableScriptSecurity()).isTrue();
        assertThat(g.vrrpStrict()).isTrue();
        assertThat(g.vrrpMcastGroup4()).contains("224.0.0.19");
        assertThat(g.locationOf("vrrp_strict")).isEqualTo(new SourceLocation("k.conf", 17, 3));
    }

    @Test void instanceDefaultsAndGlobalInheritance() {
        LoadResult r = load("global_defs {\n vrrp_garp_master_delay 2\n}\n" + instance(" virtual_router_id 7"));
        VrrpInstance i = r.config().orElseThrow().vrrpInstances().getFirst();
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(i.priority()).isEqualTo(100);
        assertThat(i.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(i.vrrpVersion()).isEqualTo(2);
        assertThat(i.garpMasterDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(i.garpMasterRepeat()).isEqualTo(5);
        assertThat(i.nopreempt()).isFalse();
        assertThat(i.authentication()).isEmpty();
    }

    @Test void priority300IsRejectedWithKeepalivedsRangeAndDefault() {
        LoadResult r = load(instance(" virtual_router_id 7\n priority 300"));
        assertThat(r.config().orElseThrow().vrrpInstances().getFirst().priority()).isEqualTo(100);
    }

    @Test void virtualRouterIdZeroDropsTheInstance() {
        LoadResult r = load(instance(" virtual_router_id 0"));
        assertThat(r.config().orElseThrow().vrrpInstances()).isEmpty();
    }

    @Test void advertIntHalfSecondUnderVrrpV2IsRounded() {
        LoadResult v2 = load(instance(" virtual_router_id 7\n advert_int 0.5"));
        assertThat(v2.config().orElseThrow().vrrpInstances().getFirst().advertInterval()).isEqualTo(Duration.ofSeconds(1));
        LoadResult v3 = load(instance(" virtual_router_id 7\n version 3\n advert_int 0.5"));
        assertThat(v3.config().orElseThrow().vrrpInstances().getFirst().advertInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test void nopreemptWithStateMasterIsCleared() {
        LoadResult r = load(instance(" virtual_router_id 7\n state MASTER\n nopreempt"));
        assertThat(r.config().orElseThrow().vrrpInstances().getFirst().nopreempt()).isFalse();
    }

    @Test void authenticationAndLongPasswordTruncated() {
        LoadResult r = load(instance(" virtual_router_id 7\n authentication {\n  auth_type PASS\n  auth_pass 123456789\n }"));
        Authentication a = r.config().orElseThrow().vrrpInstances().getFirst().authentication().orElseThrow();
        assertThat(a.type()).isEqualTo(AuthType.PASS);
        assertThat(a.password()).isEqualTo("12345678");
    }

    @Test void virtualIpAddressOptions() {
        LoadResult r = load("""
                vrrp_instance VI_1 {
                  virtual_router_id 9
                  virtual_ipaddress {
                    192.0.2.100/24 brd 192.0.2.255 dev eth0 scope global label eth0:1
                    192.0.2.101 dev eth1 noprefixroute
                    192.0.2.300
                  }
                  virtual_ipaddress_excluded {
                    192.0.2.200/32
                  }
                }
                """);
        VrrpInstance i = r.config().orElseThrow().vrrpInstances().getFirst();
        VirtualIp a = i.virtualIpAddresses().getFirst();
        assertThat(a.cidr()).isEqualTo("192.0.2.100/24");
        assertThat(a.broadcast()).contains("192.0.2.255");
        assertThat(a.device()).contains("eth0");
        assertThat(a.scope()).contains("global");
        assertThat(a.label()).contains("eth0:1");
        assertThat(i.virtualIpAddresses().get(1).otherOptions()).containsExactly("noprefixroute");
        assertThat(i.virtualIpAddressesExcluded()).extracting(VirtualIp::cidr).containsExactly("192.0.2.200/32");
    }

    @Test void ipv6AddressesForceVrrpV3() {
        LoadResult r = load("vrrp_instance V6 {\n virtual_router_id 9\n virtual_ipaddress {\n  2001:db8::1/64\n }\n}\n");
        VrrpInstance i = r.config().orElseThrow().vrrpInstances().getFirst();
        assertThat(i.vrrpVersion()).isEqualTo(3);
        assertThat(i.virtualIpAddresses().getFirst().ipv6()).isTrue();
        assertThat(i.virtualIpAddresses().getFirst().prefixLength()).isEqualTo(64);
    }

    @Test void unicastTrackingAndNotify() {
        LoadResult r = load("""
                vrrp_script chk {
                  script "/usr/bin/pgrep nginx"
                  interval 2
                  weight -20
                  fall 3
                  rise 2
                }
                track_file tf {
                  file /run/weight
                  weight 5 reverse
                }
                vrrp_instance VI_1 {
                  virtual_router_id 9
                  unicast_src_ip 192.0.2.1
                  unicast_peer {
                    192.0.2.2
                    192.0.2.3
                  }
                  track_script {
                    chk weight -30
                    missing
                  }
                  track_interface {
                    eth1 weight 10
                  }
                  track_file {
                    tf
                  }
                  notify_master "/etc/keepalived/notify.sh master"
                  notify /etc/keepalived/any.sh root
                  virtual_ipaddress {
                    192.0.2.100
                  }
                }
                """);
        assertThat(formatted(r)).containsExactly(
                "k.conf:21:5: warning: track_script missing is not defined; ignored (as keepalived does)");
        KeepalivedConfig c = r.config().orElseThrow();
        VrrpScript s = c.vrrpScript("chk").orElseThrow();
        assertThat(s.script().command()).isEqualTo("/usr/bin/pgrep nginx");
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.weight()).isEqualTo(-20);
        assertThat(s.fall()).isEqualTo(3);
        assertThat(s.rise()).isEqualTo(2);
        assertThat(c.vrrpTrackFile("tf").orElseThrow().weightReverse()).isTrue();
        VrrpInstance i = c.vrrpInstances().getFirst();
        assertThat(i.unicastSrcIp()).contains("192.0.2.1");
        assertThat(i.unicastPeers()).extracting(UnicastPeer::address).containsExactly("192.0.2.2", "192.0.2.3");
        assertThat(i.trackScripts()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("chk");
            assertThat(t.weight()).contains(-30);
        });
        assertThat(i.trackInterfaces()).extracting(TrackRef::name).containsExactly("eth1");
        assertThat(i.trackFiles()).extracting(TrackRef::name).containsExactly("tf");
        assertThat(i.notifyScripts().master().orElseThrow().command()).isEqualTo("/etc/keepalived/notify.sh master");
        assertThat(i.notifyScripts().any().orElseThrow().user()).contains("root");
    }

    @Test void syncGroupMembership() {
        LoadResult r = load("vrrp_sync_group G {\n group {\n  A B\n  NOPE\n }\n notify_master /bin/m\n}\n"
                + "vrrp_instance A {\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
                + "vrrp_instance B {\n virtual_router_id 2\n virtual_ipaddress {\n  192.0.2.2\n }\n}\n");
        KeepalivedConfig c = r.config().orElseThrow();
        assertThat(c.vrrpSyncGroups().getFirst().group()).containsExactly("A", "B");
        assertThat(c.vrrpSyncGroups().getFirst().notifyScripts().master()).isPresent();
        assertThat(c.vrrpInstance("B").orElseThrow().syncGroup()).contains("G");
    }

    @Test void unknownKeywordWarnsWithLocationAndIsKeptInTheNode() {
        LoadResult r = load(instance(" virtual_router_id 7\n  frobnicate 1\n vrrp_version 3"));
        assertThat(r.config().orElseThrow().vrrpInstances().getFirst().node().child("frobnicate")).isPresent();
    }

    @Test void keywordsVigilDoesNotActOnAreWarnedAboutAndKept() {
        LoadResult r = load("global_defs {\n vrrp_no_swap\n max_auto_priority 50\n}\n"
                + instance(" virtual_router_id 7\n use_ipvlan\n garp_lower_prio_repeat 2"));
        // vrrp_no_swap and max_auto_priority are acted on (config-diagnostics/05-strict.txt, "scheduling")
        assertThat(formatted(r)).containsExactly(
                "k.conf:7:2: warning: parsed, not acted on: use_ipvlan in vrrp_instance VI_1 (Vigil does not act on it)");
        // (garp_lower_prio_repeat, line 8, is acted on: no warning)
        assertThat(r.config().orElseThrow().vrrpInstances().getFirst().node().child("use_ipvlan")).isPresent();
    }

    @Test void keywordsWithNoEffectByDesignAreAcceptedSilently() {
        LoadResult r = load("global_defs {\n vrrp_process_name vrrp\n vrrp_netlink_cmd_rcv_bufs 1048576\n}\n"
                + instance(" virtual_router_id 7\n accept\n debug 2"));
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().orElseThrow().globalDefs().node().child("vrrp_process_name")).isPresent();
    }

    @Test void securityKeywordsVigilDoesNotActOnAreNeverSilent() {
        LoadResult r = load("global_defs {\n vrrp_iptables\n vrrp_skip_check_adv_addr\n enable_script_security\n}\n"
                + "vrrp_script chk {\n script /bin/true\n user nobody\n}\n"
                + instance(" virtual_router_id 7\n unicast_ttl 10\n"
                        + " unicast_peer {\n  192.0.2.12 min_ttl 250\n }\n track_script {\n  chk\n }"));
        // vrrp_strict, strict_mode and no_accept are acted on (05-strict.txt in config-diagnostics)
        assertThat(r.diagnostics()).extracting(d -> d.where().line() + " " + d.severity() + " " + d.message().split(":")[0])
                .containsExactly("2 WARNING iptables not supported, using nftables instead (table keepalived), as keepalived"
                                + " 2.2.7 built without iptables; replace vrrp_iptables with nftables",
                        "3 INFO vrrp_skip_check_adv_addr is not acted on");
        // vrrp_script's user (8) is acted on: the script runs as nobody
        // unicast_ttl (12) and the peer's min_ttl (14) are acted on: the TTL sent, the TTL range with check_unicast_src
    }

    private static final String LVS = """
            virtual_server_group WEB {
              192.0.2.1-10 80
              fwmark 7
            }
            virtual_server 192.0.2.100 80 {
              delay_loop 10
              lvs_sched sh
              lvs_method DR
              persistence_timeout
              protocol TCP
              quorum 2
              hysteresis 1
              quorum_up "/bin/up"
              sorry_server 198.51.100.99 80
              inhibit_on_failure
              alpha
              connect_timeout 4
              retry 2
              real_server 198.51.100.1 80 {
                weight 5
                notify_up /bin/rs-up
                HTTP_GET {
                  url {
                    path /
                    status_code 200-299
                  }
                  delay_before_retry 1
                }
                MISC_CHECK {
                  misc_path "/bin/check 1"
                }
                DNS_CHECK {
                  type A
                  name example.com
                }
              }
              real_server 198.51.100.2 8080 {
                TCP_CHECK {
                  connect_port 8080
                  connect_timeout 1
                }
              }
            }
            virtual_server fwmark 7 {
              real_server 198.51.100.3 0 {
              }
            }
            virtual_server group WEB {
              protocol UDP
              real_server 198.51.100.4 53 {
              }
            }
            """;

    @Test void virtualServersRealServersAndCheckerInheritance() {
        LoadResult r = load(LVS);
        KeepalivedConfig c = r.config().orElseThrow();
        assertThat(c.virtualServerGroup("WEB").orElseThrow().members()).hasSize(2);
        VirtualServer vs = c.virtualServers().getFirst();
        assertThat(vs.delayLoop()).isEqualTo(Duration.ofSeconds(10));
        assertThat(vs.lbAlgo()).isEqualTo("sh");
        assertThat(vs.lbKind()).isEqualTo(LbKind.DR);
        assertThat(vs.persistenceTimeout()).contains(Duration.ofSeconds(360));
        assertThat(vs.quorum()).isEqualTo(2);
        assertThat(vs.hysteresis()).isEqualTo(1);
        assertThat(vs.quorumUp().orElseThrow().command()).isEqualTo("/bin/up");
        assertThat(vs.sorryServer().orElseThrow().ip()).isEqualTo("198.51.100.99");
        assertThat(vs.inhibitOnFailure()).isTrue();
        RealServer rs1 = vs.realServers().get(0);
        assertThat(rs1.weight()).isEqualTo(5);
        assertThat(rs1.inhibitOnFailure()).isTrue();
        assertThat(rs1.lbKind()).isEqualTo(LbKind.DR);
        assertThat(rs1.notifyUp().orElseThrow().command()).isEqualTo("/bin/rs-up");
        assertThat(rs1.checkers()).extracting(Checker::type).containsExactly("HTTP_GET", "MISC_CHECK", "DNS_CHECK");
        Checker http = rs1.checkers().get(0), misc = rs1.checkers().get(1), dns = rs1.checkers().get(2);
        assertThat(http.connectTimeout()).isEqualTo(Duration.ofSeconds(4)); // from the virtual server
        assertThat(http.retry()).isEqualTo(2);
        assertThat(http.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(1));
        assertThat(http.delayLoop()).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.alpha()).contains(true);
        assertThat(misc.retry()).isEqualTo(2); // the virtual server's retry beats MISC_CHECK's own default of 0
        assertThat(dns.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(10)); // DNS_CHECK: delay_loop
        RealServer rs2 = vs.realServers().get(1);
        assertThat(rs2.port()).isEqualTo(80);
        assertThat(rs2.checkers().getFirst().connectPort()).contains(8080);
        assertThat(rs2.checkers().getFirst().connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.virtualServers().get(1).address()).isEqualTo(new VirtualServerAddress.Fwmark(7));
        assertThat(c.virtualServers().get(2).address()).isEqualTo(new VirtualServerAddress.Group("WEB"));
        assertThat(c.virtualServers().get(2).protocol()).isEqualTo(Protocol.UDP);
    }

    @Test void checkerDefaultsWithoutInheritance() {
        LoadResult r = load("virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n real_server 192.0.2.5 80 {\n"
                + "  MISC_CHECK {\n   misc_path /bin/true\n  }\n  TCP_CHECK {\n  }\n }\n}\n");
        List<Checker> cs = r.config().orElseThrow().virtualServers().getFirst().realServers().getFirst().checkers();
        assertThat(cs.get(0).retry()).isZero();
        assertThat(cs.get(1).retry()).isEqualTo(1);
        assertThat(cs.get(1).connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cs.get(1).delayBeforeRetry()).isEqualTo(Duration.ofSeconds(1));
        assertThat(cs.get(1).delayLoop()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test void pluginCheckerKeywordsAreKeptOnlyWhenClaimed() {
        String text = "virtual_server 192.0.2.1 3306 {\n protocol TCP\n lb_algo rr\n real_server 192.0.2.5 3306 {\n"
                + "  MYSQL_CHECK {\n   user monitor\n   connect_timeout 2\n  }\n }\n}\n";
        LoadResult unclaimed = load(text);
        assertThat(formatted(unclaimed)).containsExactly("k.conf:5:3: warning: unknown checker 'MYSQL_CHECK' in real_server "
                + "192.0.2.5 3306: not a keepalived checker and no plugin claims it; ignored");
        LoadResult claimed = load(text, LoadOptions.defaults().withCheckerKeywords(Set.of("MYSQL_CHECK")));
        assertThat(claimed.diagnostics()).isEmpty();
        Checker c = claimed.config().orElseThrow().virtualServers().getFirst().realServers().getFirst().checkers().getFirst();
        assertThat(c.type()).isEqualTo("MYSQL_CHECK");
        assertThat(c.builtIn()).isFalse();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.node().value("user")).contains("monitor");
    }

    @Test void contentHashIgnoresCommentsAndLayoutButNotValues() {
        String a = load("global_defs {\n router_id A\n}\n").config().orElseThrow().contentHash();
        String b = load("# comment\nglobal_defs\n{\n\trouter_id   A   ! trailing\n}\n").config().orElseThrow().contentHash();
        String c = load("global_defs {\n router_id B\n}\n").config().orElseThrow().contentHash();
        assertThat(a).isEqualTo(b).isNotEqualTo(c).hasSize(64);
    }

    @Test void embeddedDefaultIsTheDocumentedPair() {
        LoadResult r = ConfigLoader.loadEmbeddedDefault(LoadOptions.defaults().withConfigId("lvs1"));
        assertThat(r.diagnostics()).isEmpty();
        KeepalivedConfig c = r.config().orElseThrow();
        VrrpInstance vi = c.vrrpInstance("VI_1").orElseThrow();
        assertThat(vi.virtualRouterId()).isEqualTo(51);
        assertThat(vi.state()).isEqualTo(VrrpState.MASTER);
        assertThat(vi.virtualIpAddresses()).extracting(VirtualIp::address).containsExactly("192.0.2.100");
        VirtualServer vs = c.virtualServers().getFirst();
        assertThat(vs.address().toString()).isEqualTo("192.0.2.100:80");
        assertThat(vs.lbAlgo()).isEqualTo("wrr");
        assertThat(vs.lbKind()).isEqualTo(LbKind.DR);
        assertThat(vs.realServers()).extracting(RealServer::endpoint).containsExactly("198.51.100.11:80", "198.51.100.12:80");
        assertThat(vs.realServers()).allSatisfy(rs -> assertThat(rs.checkers()).extracting(Checker::type)
                .containsExactly("HTTP_GET"));
        assertThat(ConfigLoader.loadEmbeddedDefault(LoadOptions.defaults().withConfigId("lvs2")).config().orElseThrow()
                .vrrpInstance("VI_1").orElseThrow().state()).isEqualTo(VrrpState.BACKUP);
    }
}
