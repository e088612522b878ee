package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.RunNotify;
import io.vigil.vrrp.VrrpEffect.StateChanged;
import io.vigil.vrrp.VrrpInput.*;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vigil.vrrp.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VrrpSyncGroupTest {
    static final long T0 = 1000 * S;

    final VrrpInstanceSpec ext = d1(2).tracker(TrackerSpec.script("chk", 0)).build();
    final VrrpInstanceSpec intl = VrrpInstanceSpec.builder("VI_2").interfaceName("eth1").vrid(52).priority(100)
            .virtualAddress("198.51.100.100").sourceAddress("198.51.100.11").build();
    final VrrpInstance a = new VrrpInstance(ext), b = new VrrpInstance(intl);
    final VrrpSyncGroup g = new VrrpSyncGroup(new SyncGroupSpec("G1", List.of("VI_1", "VI_2"),
            new NotifySpec("/gm", "/gb", "/gf", null, "/gn")), List.of(a, b));

    void start() {
        g.step("VI_1", new Start(T0));
        g.step("VI_2", new Start(T0));
    }

    @Test
    void membersBecomeMasterOnlyWhenAllAreReady() {
        start();
        // VI_1 (prio 150) has the shorter skew: its timer expires first, but VI_2's has not
        long aDeadline = T0 + a.masterDownIntervalNanos();
        long bDeadline = T0 + b.masterDownIntervalNanos();
        assertThat(aDeadline).isLessThan(bDeadline);
        g.tick(aDeadline);
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(a.wantsMaster()).isTrue();
        List<VrrpEffect> out = g.tick(bDeadline);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(out).filteredOn(e -> e instanceof RunNotify r && r.instance().equals("G1"))
                .containsExactly(new RunNotify("G1", VrrpState.MASTER, "/gm", List.of()),
                        new RunNotify("G1", VrrpState.MASTER, "/gn", List.of("GROUP", "G1", "MASTER")));
    }

    @Test
    void aMemberHearingAMasterKeepsTheWholeGroupBackup() {
        start();
        long bDeadline = T0 + b.masterDownIntervalNanos();
        // a live master on VI_1's VRID keeps VI_1 from wanting MASTER
        for (long t = T0 + S; t <= bDeadline + 5 * S; t += S) {
            g.step("VI_1", new AdvertReceived(t, advert(ext, D2, 200)));
            g.tick(t);
        }
        assertThat(b.wantsMaster()).isTrue();
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void higherPriorityAdvertOnOneMemberDemotesAll() {
        start();
        g.tick(T0 + 10 * S);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        List<VrrpEffect> out = g.step("VI_1", new AdvertReceived(T0 + 11 * S, advert(ext, D2, 200)));
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        StateChanged bChange = out.stream().filter(e -> e instanceof StateChanged s && s.instance().equals("VI_2"))
                .map(StateChanged.class::cast).findFirst().orElseThrow();
        assertThat(bChange.cause()).isEqualTo(new Cause.SyncGroup("G1", "VI_1", new Cause.Advert(D2, 200, Cause.Relation.HIGHER, T0 + 11 * S)));
    }

    @Test
    void faultOfOneMemberHoldsAllInFaultUntilItRecovers() {
        start();
        g.tick(T0 + 10 * S);
        g.step("VI_1", TrackerChanged.script(T0 + 11 * S, "chk", false));
        assertThat(a.state()).isEqualTo(VrrpState.FAULT);
        assertThat(b.state()).isEqualTo(VrrpState.FAULT);
        assertThat(g.state()).isEqualTo(VrrpState.FAULT);
        // VI_2's own events do not release it
        g.step("VI_2", new InterfaceChanged(T0 + 12 * S, "eth1", true));
        assertThat(b.state()).isEqualTo(VrrpState.FAULT);
        g.step("VI_1", TrackerChanged.script(T0 + 13 * S, "chk", true));
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void everyMemberGetsATimerRequestAfterAGroupStep() {
        start();
        g.tick(T0 + 10 * S);
        List<VrrpEffect> out = g.step("VI_1", new AdvertReceived(T0 + 11 * S, advert(ext, D2, 200)));
        assertThat(only(out, VrrpEffect.TimerRequest.class)).extracting(VrrpEffect.TimerRequest::instance)
                .containsExactlyInAnyOrder("VI_1", "VI_2");
    }

    @Test
    void rejectsInstancesNotInTheSpec() {
        assertThatThrownBy(() -> new VrrpSyncGroup(new SyncGroupSpec("G", List.of("VI_9"), NotifySpec.NONE),
                List.of(new VrrpInstance(intl)))).hasMessageContaining("VI_2");
    }
}
