package io.vigil.ipvs;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.vigil.ipvs.IpvsPlannerTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

class IpvsDiffTest {
    static final ServiceKey WEB = IpvsPlannerTest.WEB;
    static final String VS = IpvsPlannerTest.VS;
    final RealServerSpec a = RealServerSpec.of(ip("198.51.100.11"), 80, 3);
    final RealServerSpec b = RealServerSpec.of(ip("198.51.100.12"), 80, 1);
    final RealServerSpec sorry = RealServerSpec.of(ip("198.51.100.99"), 80, 1);
    final Map<RealServerId, RealServerState> states = new HashMap<>();

    DesiredState plan(VirtualServerSpec... v) { return IpvsPlanner.plan(List.of(v), states, Map.of()); }

    static VirtualServerSpec web(RealServerSpec... rs) {
        return VirtualServerSpec.simple(VS, WEB, "wrr", ForwardMethod.DR, List.of(rs));
    }

    @Test
    void fromEmptyAddsServicesThenDestinations() {
        List<IpvsChange> c = IpvsDiff.diff(plan(web(a, b)), IpvsTable.empty());
        assertThat(c).extracting(IpvsChange::describe).containsExactly(
                "add service TCP 192.0.2.10:80 wrr",
                "add dest TCP 192.0.2.10:80 → 198.51.100.11:80 Route weight 3",
                "add dest TCP 192.0.2.10:80 → 198.51.100.12:80 Route weight 1");
        assertThat(c.get(1).cause()).isEqualTo("real_server 198.51.100.11:80 configured → destination added with weight 3");
    }

    @Test
    void equalTablesGiveNoChanges() {
        DesiredState d = plan(web(a, b));
        assertThat(IpvsDiff.diff(d, d.table())).isEmpty();
    }

    @Test
    void failedCheckRemovesOneDestinationWithItsCause() {
        IpvsTable actual = plan(web(a, b)).table();
        states.put(new RealServerId(VS, b.key()), RealServerState.down("HTTP_GET 198.51.100.13:80 failed 3×"));
        List<IpvsChange> c = IpvsDiff.diff(plan(web(a, b)), actual);
        assertThat(c).containsExactly(new IpvsChange.DeleteDest(WEB, b.key(), "HTTP_GET 198.51.100.13:80 failed 3× → destination removed"));
    }

    @Test
    void weightFlipIsOneEdit() {
        IpvsTable actual = plan(web(a, b)).table();
        states.put(new RealServerId(VS, a.key()), new RealServerState(true, 9, "MISC_CHECK dynamic weight 9"));
        List<IpvsChange> c = IpvsDiff.diff(plan(web(a, b)), actual);
        assertThat(c).hasSize(1);
        IpvsChange.EditDest e = (IpvsChange.EditDest) c.getFirst();
        assertThat(e.before().weight()).isEqualTo(3);
        assertThat(e.after().weight()).isEqualTo(9);
        assertThat(e.cause()).isEqualTo("MISC_CHECK dynamic weight 9 → weight 9 (was 3)");
    }

    @Test
    void kindAndThresholdChangesAreEditsAndKernelLocalMatchesAnyKind() {
        IpvsTable.Builder t = IpvsTable.builder().service(new IpvsService(WEB, "wrr", 0, 0, 0xFFFFFFFF));
        t.dest(WEB, IpvsDest.of(a.key(), ForwardMethod.NAT, 3));
        t.dest(WEB, IpvsDest.of(b.key(), ForwardMethod.LOCAL, 1));
        List<IpvsChange> c = IpvsDiff.diff(plan(web(a, b)), t.build());
        assertThat(c).extracting(IpvsChange::describe).containsExactly(
                "edit dest TCP 192.0.2.10:80 → 198.51.100.11:80 Masq weight 3 → Route weight 3");
        assertThat(c.getFirst().cause()).endsWith("→ forwarding DR (was NAT)");
    }

    @Test
    void serviceSettingChangeIsAnEditNotARecreate() {
        IpvsTable actual = plan(web(a)).table();
        VirtualServerSpec v = new VirtualServerSpec(VS, "k:1", List.of(WEB), "sh", ServiceFlags.SCHED2, 120, 0xFFFFFF00,
                ForwardMethod.DR, 1, 0, null, false, List.of(a));
        List<IpvsChange> c = IpvsDiff.diff(plan(v), actual);
        assertThat(c).extracting(IpvsChange::describe).containsExactly(
                "edit service TCP 192.0.2.10:80 wrr → sh persistent 120 mask 255.255.255.0 sh-port");
    }

    @Test
    void kernelHashedFlagIsIgnored() {
        IpvsTable.Builder t = IpvsTable.builder().service(new IpvsService(WEB, "WRR", ServiceFlags.HASHED, 0, 0xFFFFFFFF));
        t.dest(WEB, IpvsDest.of(a.key(), ForwardMethod.DR, 3));
        assertThat(IpvsDiff.diff(plan(web(a)), t.build())).isEmpty();
    }

    @Test
    void orderIsMakeBeforeBreak() {
        // actual: old service with a; desired: web with b only, plus a new UDP service; old FWM service goes
        ServiceKey udp = new ServiceKey.Addr(Protocol.UDP, ip("192.0.2.10"), 53);
        ServiceKey old = ServiceKey.Fwmark.v4(3);
        IpvsTable.Builder t = IpvsTable.builder()
                .service(new IpvsService(WEB, "rr", 0, 0, 0xFFFFFFFF))
                .service(new IpvsService(old, "rr", 0, 0, 0xFFFFFFFF));
        t.dest(WEB, IpvsDest.of(a.key(), ForwardMethod.DR, 3));
        t.dest(old, IpvsDest.of(a.key(), ForwardMethod.DR, 3));
        VirtualServerSpec dns = VirtualServerSpec.simple("192.0.2.10 53", udp, "rr", ForwardMethod.NAT, List.of(b));
        List<IpvsChange> c = IpvsDiff.diff(plan(web(b), dns), t.build());
        assertThat(c).extracting(IpvsChange::describe).containsExactly(
                "add service UDP 192.0.2.10:53 rr",
                "edit service TCP 192.0.2.10:80 rr → wrr",
                "add dest TCP 192.0.2.10:80 → 198.51.100.12:80 Route weight 1",
                "add dest UDP 192.0.2.10:53 → 198.51.100.12:80 Masq weight 1",
                "delete dest TCP 192.0.2.10:80 → 198.51.100.11:80",
                "delete service FWM 3");
        assertThat(c.get(4).cause()).isEqualTo("not in configuration → destination removed");
        assertThat(c.get(5).cause()).isEqualTo("not in configuration → service removed");
    }

    @Test
    void quorumLossAndRecoveryAreMinimal() {
        VirtualServerSpec v = new VirtualServerSpec(VS, "k:1", List.of(WEB), "wrr", 0, 0, null, ForwardMethod.DR,
                2, 0, sorry, false, List.of(a.inhibited(), b));
        DesiredState up = IpvsPlanner.plan(List.of(v), states, Map.of());
        states.put(new RealServerId(VS, a.key()), RealServerState.down("HTTP_GET 198.51.100.11:80 failed 3×"));
        DesiredState down = IpvsPlanner.plan(List.of(v), states, up.quorumUp());
        List<IpvsChange> c = IpvsDiff.diff(down, up.table());
        assertThat(c).extracting(IpvsChange::describe).containsExactly(
                "add dest TCP 192.0.2.10:80 → 198.51.100.99:80 Route weight 1",
                "edit dest TCP 192.0.2.10:80 → 198.51.100.11:80 Route weight 3 → Route weight 0",
                "delete dest TCP 192.0.2.10:80 → 198.51.100.12:80");
        assertThat(c.get(1).cause()).isEqualTo("HTTP_GET 198.51.100.11:80 failed 3× (inhibit_on_failure) → weight 0 (was 3)");
        assertThat(c.get(2).cause()).startsWith("quorum lost for 192.0.2.10 80 (alive weight 1 < quorum 2)");
        states.clear();
        DesiredState back = IpvsPlanner.plan(List.of(v), states, down.quorumUp());
        assertThat(IpvsDiff.diff(back, down.table())).extracting(IpvsChange::describe).containsExactly(
                "add dest TCP 192.0.2.10:80 → 198.51.100.12:80 Route weight 1",
                "edit dest TCP 192.0.2.10:80 → 198.51.100.11:80 Route weight 0 → Route weight 3",
                "delete dest TCP 192.0.2.10:80 → 198.51.100.99:80");
    }

    @Test
    void ipv6AddressesPrintCompressed() {
        assertThat(new DestKey(ip("2001:db8::1"), 80).toString()).isEqualTo("[2001:db8::1]:80");
        assertThat(new DestKey(ip("2001:db8:0:1:0:0:0:1"), 80).toString()).isEqualTo("[2001:db8:0:1::1]:80");
        assertThat(new DestKey(ip("::1"), 80).toString()).isEqualTo("[::1]:80");
        assertThat(new DestKey(ip("2001:db8:1:2:3:4:5:6"), 80).toString()).isEqualTo("[2001:db8:1:2:3:4:5:6]:80");
        assertThat(new DestKey(ip("2001:0:0:1::"), 80).toString()).isEqualTo("[2001:0:0:1::]:80");
    }

    @Test
    void deletedServiceTakesItsDestinationsAlong() {
        IpvsTable actual = plan(web(a, b)).table();
        assertThat(IpvsDiff.diff(IpvsPlanner.plan(List.of(), states, Map.of()), actual))
                .containsExactly(new IpvsChange.DeleteService(WEB, "not in configuration → service removed"));
    }
}
