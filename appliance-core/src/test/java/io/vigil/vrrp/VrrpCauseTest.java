package io.vigil.vrrp;

import io.vigil.vrrp.Cause.Advert;
import io.vigil.vrrp.Cause.MasterDown;
import io.vigil.vrrp.Cause.MasterDown.Kind;
import io.vigil.vrrp.Cause.Relation;
import io.vigil.vrrp.VrrpEffect.PriorityChanged;
import io.vigil.vrrp.VrrpEffect.StateChanged;
import io.vigil.vrrp.VrrpInput.*;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.vigil.vrrp.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Every transition names its VRRP input exactly: the advert and how it compares, or why Master_Down expired. */
class VrrpCauseTest {
    static final long T0 = 7 * S;

    static StateChanged change(List<VrrpEffect> out) {
        return only(out, StateChanged.class).getFirst();
    }

    /** A BACKUP (priority 150 from .11) that heard {@code prio} from .12 at T0 + 1 s. */
    static VrrpInstance backupHearing(VrrpInstanceSpec spec, int prio) {
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        i.step(new AdvertReceived(T0 + S, advert(spec, D2, prio)));
        return i;
    }

    @Test
    void relationComparesPriorityThenAddress() {
        assertThat(Relation.of(200, D2, 150, D1)).isEqualTo(Relation.HIGHER);
        assertThat(Relation.of(100, D2, 150, D1)).isEqualTo(Relation.LOWER);
        assertThat(Relation.of(150, D2, 150, D1)).isEqualTo(Relation.EQUAL_HIGHER_ADDRESS);
        assertThat(Relation.of(150, D1, 150, D2)).isEqualTo(Relation.EQUAL_LOWER_ADDRESS);
        assertThat(Relation.of(0, D2, 150, D1)).isEqualTo(Relation.PRIORITY_ZERO);
        assertThat(Relation.EQUAL_HIGHER_ADDRESS.words()).isEqualTo("equal, higher address");
        assertThat(Relation.PRIORITY_ZERO.words()).isEqualTo("priority 0");
    }

    @Test
    void masterYieldsToAHigherAdvertOrAnEqualOneFromAHigherAddress() {
        var spec = d1(2).build();
        VrrpInstance m = VrrpInstanceTest.master(spec);
        long t = T0 + 20 * S;
        assertThat(change(m.step(new AdvertReceived(t, advert(spec, D2, 151)))).cause())
                .isEqualTo(new Advert(D2, 151, Relation.HIGHER, t));

        VrrpInstance m2 = VrrpInstanceTest.master(spec);
        assertThat(change(m2.step(new AdvertReceived(t, advert(spec, D2, 150)))).cause())
                .isEqualTo(new Advert(D2, 150, Relation.EQUAL_HIGHER_ADDRESS, t));
    }

    @Test
    void masterDownAfterTheMasterFellSilentNamesTheLastAdvertHeard() {
        var spec = d1(2).build();
        VrrpInstance i = backupHearing(spec, 200);
        List<VrrpEffect> out = i.step(new Tick(T0 + S + i.masterDownIntervalNanos()));
        assertThat(change(out).cause()).isEqualTo(new MasterDown(Kind.MASTER_DOWN, new Advert(D2, 200, Relation.HIGHER, T0 + S)));
    }

    @Test
    void masterDownWithNothingHeardHasNoLastAdvert() {
        VrrpInstance i = new VrrpInstance(d1(2).build());
        long deadline = timer(i.step(new Start(T0)));
        assertThat(change(i.step(new Tick(deadline))).cause()).isEqualTo(new MasterDown(Kind.MASTER_DOWN, null));
    }

    @Test
    void preemptWhenLowerAdvertsWereIgnored() {
        var spec = d1(2).build(); // preempt, no delay
        VrrpInstance i = backupHearing(spec, 200);
        long deadline = T0 + S + i.masterDownIntervalNanos();
        // the master's priority dropped (a track_script): its adverts are lower now and ignored
        i.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 90)));
        i.step(new AdvertReceived(T0 + 3 * S, advert(spec, D2, 90)));
        assertThat(change(i.step(new Tick(deadline))).cause())
                .isEqualTo(new MasterDown(Kind.PREEMPT, new Advert(D2, 90, Relation.LOWER, T0 + 3 * S)));
    }

    @Test
    void equalPriorityFromLowerAddressIsAcceptedByABackup() {
        // a BACKUP accepts an equal priority from any address (only a MASTER breaks the tie): not a preemption
        var spec = d1(2).sourceAddress(D2).build(); // we are .12, the master .11
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + S, advert(spec, D1, 150)));
        assertThat(timer(out)).as("accepted: timer reset").isEqualTo(T0 + S + i.masterDownIntervalNanos());
        assertThat(change(i.step(new Tick(T0 + S + i.masterDownIntervalNanos()))).cause())
                .isEqualTo(new MasterDown(Kind.MASTER_DOWN, new Advert(D1, 150, Relation.EQUAL_LOWER_ADDRESS, T0 + S)));
    }

    @Test
    void priorityZeroCutsTheTimerAndIsTheReasonEvenIfLowerAdvertsFollow() {
        var spec = d1(2).build();
        VrrpInstance i = backupHearing(spec, 200);
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 0)));
        long deadline = timer(out);
        assertThat(deadline).isEqualTo(T0 + 2 * S + i.skewNanos());
        i.step(new AdvertReceived(T0 + 2 * S + 10 * MS, advert(spec, D3, 100))); // a lower one in between: ignored
        assertThat(change(i.step(new Tick(deadline))).cause())
                .isEqualTo(new MasterDown(Kind.PRIORITY_ZERO, new Advert(D3, 100, Relation.LOWER, T0 + 2 * S + 10 * MS)));
    }

    @Test
    void priorityZeroAloneNamesTheLeaver() {
        var spec = d1(2).build();
        VrrpInstance i = backupHearing(spec, 200);
        long deadline = timer(i.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 0))));
        assertThat(change(i.step(new Tick(deadline))).cause())
                .isEqualTo(new MasterDown(Kind.PRIORITY_ZERO, new Advert(D2, 0, Relation.PRIORITY_ZERO, T0 + 2 * S)));
    }

    @Test
    void preemptDelayWhenTheDelayRanOutFirst() {
        var spec = d1(2).preemptDelay(Duration.ofSeconds(5)).build();
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        long t = T0;
        for (int k = 1; k <= 8; k++) { // delay starts at T0+1 s, over at T0+6 s; from then on ignored
            t = T0 + k * S;
            i.step(new AdvertReceived(t, advert(spec, D2, 100)));
        }
        long deadline = T0 + 6 * S + i.masterDownIntervalNanos(); // last accepted (timer reset) at T0+6 s
        List<VrrpEffect> out = i.step(new Tick(deadline));
        assertThat(change(out).cause()).isEqualTo(new MasterDown(Kind.PREEMPT_DELAY, new Advert(D2, 100, Relation.LOWER, t)));
    }

    @Test
    void anAcceptedAdvertAfterIgnoredOnesMakesItAPlainMasterDownAgain() {
        var spec = d1(2).build();
        VrrpInstance i = backupHearing(spec, 200);
        i.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 90)));   // ignored (preempt)
        i.step(new AdvertReceived(T0 + 3 * S, advert(spec, D3, 200)));  // a new master: timer reset
        assertThat(change(i.step(new Tick(T0 + 3 * S + i.masterDownIntervalNanos()))).cause())
                .isEqualTo(new MasterDown(Kind.MASTER_DOWN, new Advert(D3, 200, Relation.HIGHER, T0 + 3 * S)));
    }

    @Test
    void becomingBackupAgainForgetsAnOldPreemption() {
        var spec = d1(2).build();
        VrrpInstance i = backupHearing(spec, 200);
        i.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 90))); // ignored
        i.step(new Tick(T0 + S + i.masterDownIntervalNanos()));      // MASTER by preemption
        long t = T0 + 20 * S;
        i.step(new AdvertReceived(t, advert(spec, D3, 200)));          // demoted by a higher one
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(change(i.step(new Tick(t + i.masterDownIntervalNanos()))).cause())
                .isEqualTo(new MasterDown(Kind.MASTER_DOWN, new Advert(D3, 200, Relation.HIGHER, t)));
    }

    @Test
    void trackerKeepsItsCauseOnPriorityAndState() {
        var spec = d1(2).tracker(TrackerSpec.script("chk", -60)).build();
        VrrpInstance m = VrrpInstanceTest.master(spec);
        List<VrrpEffect> out = m.step(TrackerChanged.script(T0 + 30 * S, "chk", false));
        assertThat(only(out, PriorityChanged.class))
                .containsExactly(new PriorityChanged("VI_1", 150, 90, new Cause.Tracker(TrackerSpec.Kind.SCRIPT, "chk", 0)));
    }

    @Test
    void syncGroupCarriesTheMembersOwnMasterDownCause() {
        VrrpInstanceSpec ext = d1(2).build();
        VrrpInstanceSpec intl = VrrpInstanceSpec.builder("VI_2").interfaceName("eth1").vrid(52).priority(100)
                .virtualAddress("198.51.100.100").sourceAddress("198.51.100.11").build();
        VrrpInstance a = new VrrpInstance(ext), b = new VrrpInstance(intl);
        VrrpSyncGroup g = new VrrpSyncGroup(new SyncGroupSpec("G1", List.of("VI_1", "VI_2"), new NotifySpec(null, null, null, null, null)),
                List.of(a, b));
        g.step("VI_1", new Start(T0));
        g.step("VI_2", new Start(T0));
        for (int k = 1; k <= 4; k++) g.step("VI_1", new AdvertReceived(T0 + k * S, advert(ext, D2, 200)));
        g.tick(T0 + b.masterDownIntervalNanos()); // VI_2 heard nobody: it wants MASTER first and waits for VI_1
        assertThat(b.wantsMaster()).isTrue();
        List<VrrpEffect> zero = g.step("VI_1", new AdvertReceived(T0 + 5 * S, advert(ext, D2, 0)));
        long deadline = zero.stream().filter(e -> e instanceof VrrpEffect.TimerRequest r && r.instance().equals("VI_1"))
                .mapToLong(e -> ((VrrpEffect.TimerRequest) e).deadline()).findFirst().orElseThrow();
        List<VrrpEffect> out = g.tick(deadline);
        StateChanged aChange = out.stream().filter(e -> e instanceof StateChanged s && s.instance().equals("VI_1"))
                .map(StateChanged.class::cast).findFirst().orElseThrow();
        assertThat(aChange.cause()).isEqualTo(new Cause.SyncGroup("G1", "VI_1",
                new MasterDown(Kind.PRIORITY_ZERO, new Advert(D2, 0, Relation.PRIORITY_ZERO, T0 + 5 * S))));
    }
}
