package io.vigil.ipvs;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpvsPlannerTest {
    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final ServiceKey WEB = new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.10"), 80);
    static final String VS = "192.0.2.10 80";
    final RealServerSpec a = RealServerSpec.of(ip("198.51.100.11"), 80, 3);
    final RealServerSpec b = RealServerSpec.of(ip("198.51.100.12"), 80, 1);
    final RealServerSpec c = RealServerSpec.of(ip("198.51.100.13"), 80, 2);
    final RealServerSpec sorry = RealServerSpec.of(ip("198.51.100.99"), 80, 1);
    final Map<RealServerId, RealServerState> states = new HashMap<>();

    static VirtualServerSpec vs(int quorum, int hysteresis, RealServerSpec sorry, boolean sorryInhibit, RealServerSpec... rs) {
        return new VirtualServerSpec(VS, "keepalived.conf:3", List.of(WEB), "wrr", 0, 0, null, ForwardMethod.DR,
                quorum, hysteresis, sorry, sorryInhibit, List.of(rs));
    }

    void set(RealServerSpec rs, RealServerState s) { states.put(new RealServerId(VS, rs.key()), s); }

    static Map<DestKey, Integer> weights(DesiredState d, ServiceKey k) {
        Map<DestKey, Integer> m = new java.util.LinkedHashMap<>();
        d.table().services().get(k).dests().forEach((key, dest) -> m.put(key, dest.weight()));
        return m;
    }

    @Test
    void aliveRealServersAreDestinationsWithTheirWeightAndKind() {
        DesiredState d = IpvsPlanner.plan(List.of(vs(1, 0, null, false, a, b.forward(ForwardMethod.TUN))), states, Map.of());
        IpvsTable.Entry e = d.table().services().get(WEB);
        assertThat(e.service()).isEqualTo(new IpvsService(WEB, "wrr", 0, 0, 0xFFFFFFFF));
        assertThat(e.dests().values()).containsExactly(
                IpvsDest.of(a.key(), ForwardMethod.DR, 3), IpvsDest.of(b.key(), ForwardMethod.TUN, 1));
        assertThat(d.quorumUp()).containsEntry(VS, true);
        assertThat(d.serviceReasons().get(WEB)).isEqualTo("virtual_server 192.0.2.10 80 (keepalived.conf:3)");
    }

    @Test
    void failedRealServerIsLeftOutWithItsCause() {
        set(a, RealServerState.down("HTTP_GET 198.51.100.11:80 failed 3×"));
        DesiredState d = IpvsPlanner.plan(List.of(vs(1, 0, null, false, a, b)), states, Map.of());
        assertThat(weights(d, WEB)).containsOnlyKeys(b.key());
        assertThat(d.destReasons().get(new DesiredState.DestRef(WEB, a.key()))).isEqualTo("HTTP_GET 198.51.100.11:80 failed 3×");
    }

    @Test
    void inhibitOnFailureKeepsWeightZero() {
        set(a, RealServerState.down("TCP_CHECK 198.51.100.11:80 refused"));
        DesiredState d = IpvsPlanner.plan(List.of(vs(1, 0, null, false, a.inhibited(), b)), states, Map.of());
        assertThat(weights(d, WEB)).containsExactly(Map.entry(a.key(), 0), Map.entry(b.key(), 1));
        assertThat(d.destReasons().get(new DesiredState.DestRef(WEB, a.key()))).contains("inhibit_on_failure");
    }

    @Test
    void dynamicWeightFromACheckerWinsAndIsClamped() {
        set(a, new RealServerState(true, 70000, "MISC_CHECK misc_dynamic exit 72"));
        set(b, new RealServerState(true, -5, "MISC_CHECK misc_dynamic"));
        DesiredState d = IpvsPlanner.plan(List.of(vs(1, 0, null, false, a, b)), states, Map.of());
        assertThat(weights(d, WEB)).containsExactly(Map.entry(a.key(), 65535), Map.entry(b.key(), 0));
    }

    @Test
    void alphaRealServerStartsDownUntilAResultComes() {
        DesiredState d = IpvsPlanner.plan(List.of(vs(1, 0, null, false, a.alpha(), b)), states, Map.of());
        assertThat(weights(d, WEB)).containsOnlyKeys(b.key());
        set(a, RealServerState.up("HTTP_GET 198.51.100.11:80 ok"));
        d = IpvsPlanner.plan(List.of(vs(1, 0, null, false, a.alpha(), b)), states, d.quorumUp());
        assertThat(weights(d, WEB)).containsOnlyKeys(a.key(), b.key());
    }

    @Test
    void quorumLostSwapsAliveServersForTheSorryServer() {
        set(a, RealServerState.down("HTTP_GET 198.51.100.11:80 failed 3×"));
        // alive weight 1 + 2 = 3 < quorum 4
        DesiredState d = IpvsPlanner.plan(List.of(vs(4, 0, sorry, false, a, b.inhibited(), c)), states, Map.of(VS, true));
        assertThat(d.quorumUp()).containsEntry(VS, false);
        assertThat(weights(d, WEB)).containsExactly(Map.entry(b.key(), 0), Map.entry(sorry.key(), 1));
        assertThat(d.destReasons().get(new DesiredState.DestRef(WEB, c.key())))
                .isEqualTo("quorum lost for 192.0.2.10 80 (alive weight 3 < quorum 4)");
        assertThat(d.destReasons().get(new DesiredState.DestRef(WEB, sorry.key()))).endsWith("; sorry_server");
    }

    @Test
    void quorumDownWithoutSorryServerKeepsAliveServers() {
        DesiredState d = IpvsPlanner.plan(List.of(vs(10, 0, null, false, a, b)), states, Map.of());
        assertThat(d.quorumUp()).containsEntry(VS, false);
        assertThat(weights(d, WEB)).containsOnlyKeys(a.key(), b.key());
    }

    @Test
    void hysteresisNeedsQuorumPlusHToComeUpAndMinusHToGoDown() {
        VirtualServerSpec v = vs(3, 1, sorry, false, a, b, c); // weights 3,1,2
        // from down: needs ≥ 4. a alone = 3 → stays down
        set(b, RealServerState.down("x"));
        set(c, RealServerState.down("x"));
        DesiredState d = IpvsPlanner.plan(List.of(v), states, Map.of(VS, false));
        assertThat(d.quorumUp()).containsEntry(VS, false);
        assertThat(weights(d, WEB)).containsOnlyKeys(sorry.key());
        // a + b = 4 ≥ 3 + 1 → up
        set(b, RealServerState.up("y"));
        d = IpvsPlanner.plan(List.of(v), states, d.quorumUp());
        assertThat(d.quorumUp()).containsEntry(VS, true);
        assertThat(weights(d, WEB)).containsOnlyKeys(a.key(), b.key());
        // from up: stays up down to 3 - 1 = 2: c alone (2) keeps it up
        set(a, RealServerState.down("z"));
        set(b, RealServerState.down("z"));
        set(c, RealServerState.up("z"));
        d = IpvsPlanner.plan(List.of(v), states, d.quorumUp());
        assertThat(d.quorumUp()).containsEntry(VS, true);
        assertThat(weights(d, WEB)).containsOnlyKeys(c.key());
        // b alone (1) < 2 → down, sorry in
        set(c, RealServerState.down("z"));
        set(b, RealServerState.up("z"));
        d = IpvsPlanner.plan(List.of(v), states, d.quorumUp());
        assertThat(d.quorumUp()).containsEntry(VS, false);
        assertThat(weights(d, WEB)).containsOnlyKeys(sorry.key());
        assertThat(d.destReasons().get(new DesiredState.DestRef(WEB, b.key()))).contains("quorum lost").contains("- hysteresis 1");
    }

    @Test
    void firstComputationUsesQuorumPlusHysteresis() {
        // no last state: like keepalived's start-up, up only at ≥ quorum + hysteresis
        DesiredState d = IpvsPlanner.plan(List.of(vs(5, 1, null, false, a, c)), states, Map.of());
        assertThat(d.quorumUp()).containsEntry(VS, false); // 5 < 6
        d = IpvsPlanner.plan(List.of(vs(4, 1, null, false, a, c)), states, Map.of());
        assertThat(d.quorumUp()).containsEntry(VS, true); // 5 ≥ 5
    }

    @Test
    void zeroAliveWeightIsNeverQuorumEvenWithQuorumZero() {
        set(a, RealServerState.down("x"));
        DesiredState d = IpvsPlanner.plan(List.of(vs(1, 1, sorry, false, a)), states, Map.of(VS, true));
        assertThat(d.quorumUp()).containsEntry(VS, false);
    }

    @Test
    void sorryServerInhibitKeepsItAtWeightZeroWhileNotNeeded() {
        DesiredState d = IpvsPlanner.plan(List.of(vs(1, 0, sorry, true, a)), states, Map.of());
        assertThat(weights(d, WEB)).containsExactly(Map.entry(a.key(), 3), Map.entry(sorry.key(), 0));
        set(a, RealServerState.down("x"));
        d = IpvsPlanner.plan(List.of(vs(1, 0, sorry, true, a)), states, d.quorumUp());
        assertThat(weights(d, WEB)).containsExactly(Map.entry(sorry.key(), 1));
    }

    @Test
    void sorryServerOnARealServerAddressTakesItsPlaceOnlyWhileQuorumIsDown() {
        RealServerSpec sameAsA = RealServerSpec.of(a.address(), 80, 1);
        DesiredState d = IpvsPlanner.plan(List.of(vs(5, 0, sameAsA, true, a, b)), states, Map.of(VS, true));
        assertThat(d.quorumUp()).containsEntry(VS, false); // 4 < 5
        assertThat(weights(d, WEB)).containsExactly(Map.entry(a.key(), 1));
        d = IpvsPlanner.plan(List.of(vs(4, 0, sameAsA, true, a, b)), states, Map.of(VS, true));
        assertThat(weights(d, WEB)).containsExactly(Map.entry(a.key(), 3), Map.entry(b.key(), 1));
    }

    @Test
    void groupGivesEveryEntryTheSameRealServers() {
        ServiceKey udp = new ServiceKey.Addr(Protocol.UDP, ip("192.0.2.10"), 53);
        ServiceKey fwm = ServiceKey.Fwmark.v4(9);
        VirtualServerSpec g = new VirtualServerSpec("group G", "k.conf:1", List.of(WEB, udp, fwm), "sh",
                ServiceFlags.SCHED1 | ServiceFlags.SCHED2, 300, 0xFFFFFF00, ForwardMethod.NAT, 1, 0, null, false, List.of(a, b));
        DesiredState d = IpvsPlanner.plan(List.of(g), states, Map.of());
        assertThat(d.table().services()).containsOnlyKeys(WEB, udp, fwm);
        for (ServiceKey k : List.of(WEB, udp, fwm)) {
            IpvsTable.Entry e = d.table().services().get(k);
            assertThat(e.service()).isEqualTo(new IpvsService(k, "sh",
                    ServiceFlags.SCHED1 | ServiceFlags.SCHED2 | ServiceFlags.PERSISTENT, 300, 0xFFFFFF00));
            assertThat(e.dests().values()).extracting(IpvsDest::forward).containsOnly(ForwardMethod.NAT);
            assertThat(e.dests()).containsOnlyKeys(a.key(), b.key());
        }
        assertThat(d.table().services().get(WEB).service().describe()).isEqualTo("sh persistent 300 mask 255.255.255.0 sh-fallback,sh-port");
    }

    @Test
    void persistenceDefaultsToFullMaskAndIpv6UsesPrefixLength() {
        ServiceKey v6 = new ServiceKey.Addr(Protocol.TCP, ip("2001:db8::10"), 443);
        VirtualServerSpec v = new VirtualServerSpec("v6", "k:1", List.of(v6), "rr", ServiceFlags.ONEPACKET, 60, null,
                ForwardMethod.DR, 1, 0, null, false, List.of(RealServerSpec.of(ip("2001:db8::11"), 443, 1)));
        IpvsService s = IpvsPlanner.plan(List.of(v), states, Map.of()).table().services().get(v6).service();
        assertThat(s.netmask()).isEqualTo(128);
        assertThat(s.flags()).isEqualTo(ServiceFlags.PERSISTENT | ServiceFlags.ONEPACKET);
        assertThat(v6.family()).isEqualTo(ServiceKey.AF_INET6);
        assertThat(v6.toString()).isEqualTo("TCP [2001:db8::10]:443");
    }

    @Test
    void sameRealServerInTwoVirtualServersHasSeparateStates() {
        VirtualServerSpec one = vs(1, 0, null, false, a);
        ServiceKey other = new ServiceKey.Addr(Protocol.TCP, ip("192.0.2.11"), 80);
        VirtualServerSpec two = VirtualServerSpec.simple("192.0.2.11 80", other, "rr", ForwardMethod.DR, List.of(a));
        states.put(new RealServerId("192.0.2.11 80", a.key()), RealServerState.down("x"));
        DesiredState d = IpvsPlanner.plan(List.of(one, two), states, Map.of());
        assertThat(weights(d, WEB)).containsOnlyKeys(a.key());
        assertThat(weights(d, other)).isEmpty();
    }

    @Test
    void schedulersFlagsAndKindsParseLikeKeepalived() {
        for (String s : Schedulers.KNOWN) assertThat(Schedulers.parse(s.toUpperCase())).isEqualTo(s);
        assertThatThrownBy(() -> Schedulers.parse("fastest")).hasMessageContaining("unknown lb_algo 'fastest'");
        assertThat(ServiceFlags.parse("sh-port")).isEqualTo(ServiceFlags.SCHED2);
        assertThat(ServiceFlags.parse("mh-fallback")).isEqualTo(ServiceFlags.SCHED1);
        assertThat(ServiceFlags.parse("flag-3")).isEqualTo(ServiceFlags.SCHED3);
        assertThatThrownBy(() -> ServiceFlags.parse("sh-foo")).hasMessageContaining("unknown scheduler flag");
        assertThat(ForwardMethod.parse("dr")).isEqualTo(ForwardMethod.DR);
        assertThat(ForwardMethod.parse("TUN")).isEqualTo(ForwardMethod.TUN);
        assertThat(ForwardMethod.parse("NAT").connFlags()).isZero();
        assertThatThrownBy(() -> ForwardMethod.parse("FNAT")).hasMessageContaining("lb_kind must be DR, NAT or TUN");
        assertThat(Protocol.parse("sctp").number()).isEqualTo(132);
        assertThatThrownBy(() -> Protocol.parse("ICMP")).hasMessageContaining("TCP, UDP or SCTP");
    }
}
