package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.*;
import io.vigil.vrrp.VrrpInput.*;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static io.vigil.vrrp.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VrrpInstanceTest {
    static final long T0 = 5 * S;

    static String vector(String name) throws IOException {
        return VrrpAdvertVectorsTest.vectors().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().lines().get("vrrp");
    }

    static String hex(SendAdvert a) { return HexFormat.of().formatHex(a.message()); }

    /** Starts an instance and lets its Master_Down_Timer expire so it is MASTER. */
    static VrrpInstance master(VrrpInstanceSpec spec) {
        VrrpInstance i = new VrrpInstance(spec);
        long deadline = timer(i.step(new Start(T0)));
        i.step(new Tick(deadline));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        return i;
    }

    // ------------------------------------------------------------ timers

    @Test
    void startsBackupWithMasterDownIntervalOfThreeAdvertsPlusSkew() {
        VrrpInstance i = new VrrpInstance(d1(2).build());
        List<VrrpEffect> out = i.step(new Start(T0));
        assertThat(out.getFirst()).isEqualTo(new StateChanged("VI_1", VrrpState.INIT, VrrpState.BACKUP, new Cause.Startup()));
        // v2 skew = (256-150)/256 s = 414062 us (integer micros, as keepalived's TIMER_HZ)
        assertThat(i.skewNanos()).isEqualTo(414_062_000L);
        assertThat(timer(out)).isEqualTo(T0 + 3 * S + 414_062_000L);
    }

    @Test
    void v3SkewScalesWithTheAdvertInterval() {
        var spec = d1(3).priority(100).advertIntervalCentis(50).build();
        VrrpInstance i = new VrrpInstance(spec);
        // ((256-100) * 50 cs) / 256 = 30.46875 cs = 304687 us
        assertThat(i.skewNanos()).isEqualTo(304_687_000L);
        assertThat(i.masterDownIntervalNanos()).isEqualTo(1_500 * MS + 304_687_000L);
        assertThat(new VrrpInstance(d1(2).priority(100).build()).skewNanos()).isEqualTo(609_375_000L);
    }

    @Test
    void tickBeforeTheDeadlineChangesNothing() {
        VrrpInstance i = new VrrpInstance(d1(2).build());
        long deadline = timer(i.step(new Start(T0)));
        List<VrrpEffect> out = i.step(new Tick(deadline - 1));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(out).containsExactly(new TimerRequest("VI_1", deadline));
    }

    @Test
    void masterDownExpiryMakesMasterInKeepalivedOrder() throws IOException {
        VrrpInstance i = new VrrpInstance(d1(2).build());
        long deadline = timer(i.step(new Start(T0)));
        List<VrrpEffect> out = i.step(new Tick(deadline));
        assertThat(out.get(0)).isEqualTo(new StateChanged("VI_1", VrrpState.BACKUP, VrrpState.MASTER, new Cause.MasterDown()));
        assertThat(out.get(1)).isInstanceOf(SendAdvert.class);
        assertThat(hex((SendAdvert) out.get(1))).isEqualTo(vector("V2-MCAST-MASTER"));
        assertThat(out.get(2)).isEqualTo(new AddAddresses("VI_1", "eth0", List.of(VirtualAddress.of("192.0.2.100", 24))));
        assertThat(out.get(3)).isEqualTo(new SendGarp("VI_1", "eth0", List.of(VIP), 5, GarpReason.BECAME_MASTER));
        assertThat(timer(out)).isEqualTo(deadline + S);
        // adverts every advert_int
        List<VrrpEffect> next = i.step(new Tick(deadline + S));
        assertThat(only(next, SendAdvert.class)).hasSize(1);
        assertThat(timer(next)).isEqualTo(deadline + 2 * S);
    }

    @Test
    void enginesAdvertsAreByteIdenticalToKeepalivedForV3MulticastAndUnicast() throws IOException {
        VrrpInstance mc = master(d1(3).build());
        List<VrrpEffect> stop = mc.step(new Shutdown(T0 + 10 * S));
        assertThat(hex(only(stop, SendAdvert.class).getFirst())).isEqualTo(vector("V3-MCAST-SHUTDOWN-PRIO0"));

        VrrpInstance uc = new VrrpInstance(d1(3).unicastPeer(D2).build());
        long deadline = timer(uc.step(new Start(T0)));
        List<SendAdvert> sent = only(uc.step(new Tick(deadline)), SendAdvert.class);
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst().destination()).isEqualTo(D2);
        assertThat(hex(sent.getFirst())).isEqualTo(vector("V3-UCAST-MASTER"));
    }

    @Test
    void unicastSendsOneAdvertPerPeer() {
        VrrpInstance uc = master(d1(2).unicastPeer(D2).unicastPeer(D3).build());
        List<SendAdvert> sent = only(uc.step(new Tick(T0 + 100 * S)), SendAdvert.class);
        assertThat(sent).extracting(SendAdvert::destination).containsExactly(D2, D3);
    }

    // ------------------------------------------------------------ backup rules

    @Test
    void backupResetsItsTimerOnHigherOrEqualPriorityAdvert() {
        var spec = d1(2).build();
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 200)));
        assertThat(timer(out)).isEqualTo(T0 + 2 * S + i.masterDownIntervalNanos());
        assertThat(i.masterAddress()).isEqualTo(D2);
        out = i.step(new AdvertReceived(T0 + 3 * S, advert(spec, D2, 150)));
        assertThat(timer(out)).isEqualTo(T0 + 3 * S + i.masterDownIntervalNanos());
    }

    @Test
    void backupIgnoresLowerPriorityAdvertAndPreempts() {
        var spec = d1(2).build();
        VrrpInstance i = new VrrpInstance(spec);
        long deadline = timer(i.step(new Start(T0)));
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + S, advert(spec, D2, 100)));
        assertThat(timer(out)).as("timer keeps running").isEqualTo(deadline);
        out = i.step(new Tick(deadline));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void nopreemptBackupAcceptsALowerPriorityMaster() {
        var spec = d1(2).preempt(false).build();
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        long t = T0;
        for (int k = 0; k < 30; k++) {
            t += S;
            List<VrrpEffect> out = i.step(new AdvertReceived(t, advert(spec, D2, 100)));
            i.step(new Tick(t));
            assertThat(timer(out)).isEqualTo(t + i.masterDownIntervalNanos());
        }
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        // once the lower master stops advertising, the nopreempt backup still takes over
        i.step(new Tick(t + i.masterDownIntervalNanos()));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void preemptDelayHoldsOffPreemptionThenTakesOver() {
        var spec = d1(2).preemptDelay(Duration.ofSeconds(10)).build();
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        long t = T0;
        // lower-priority adverts are accepted while the delay (started by the first one) runs
        for (int k = 1; k <= 10; k++) {
            t = T0 + k * S;
            List<VrrpEffect> out = i.step(new AdvertReceived(t, advert(spec, D2, 100)));
            assertThat(timer(out)).isEqualTo(t + i.masterDownIntervalNanos());
        }
        // at T0+11 s the delay (T0+1 s + 10 s) has passed: ignored, timer keeps the T0+10 s reset
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 11 * S, advert(spec, D2, 100)));
        assertThat(timer(out)).isEqualTo(T0 + 10 * S + i.masterDownIntervalNanos());
        i.step(new Tick(T0 + 10 * S + i.masterDownIntervalNanos()));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void priorityZeroMakesBackupTakeOverAfterSkewOnly() {
        var spec = d1(2).build();
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        i.step(new AdvertReceived(T0 + S, advert(spec, D2, 200)));
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 0)));
        assertThat(timer(out)).isEqualTo(T0 + 2 * S + 414_062_000L);
        out = i.step(new Tick(T0 + 2 * S + 414_062_000L));
        assertThat(out.getFirst()).isEqualTo(new StateChanged("VI_1", VrrpState.BACKUP, VrrpState.MASTER, new Cause.MasterDown(
                Cause.MasterDown.Kind.PRIORITY_ZERO, new Cause.Advert(D2, 0, Cause.Relation.PRIORITY_ZERO, T0 + 2 * S))));
    }

    // ------------------------------------------------------------ master rules

    @Test
    void masterStepsDownForHigherPriorityAndReleasesAddresses() {
        var spec = d1(2).build();
        VrrpInstance i = master(spec);
        long t = T0 + 20 * S;
        List<VrrpEffect> out = i.step(new AdvertReceived(t, advert(spec, D2, 200)));
        assertThat(out.get(0)).isEqualTo(new StateChanged("VI_1", VrrpState.MASTER, VrrpState.BACKUP, new Cause.Advert(D2, 200, Cause.Relation.HIGHER, t)));
        assertThat(out.get(1)).isEqualTo(new RemoveAddresses("VI_1", "eth0", spec.virtualAddresses()));
        assertThat(timer(out)).isEqualTo(t + i.masterDownIntervalNanos());
    }

    @Test
    void equalPriorityIsWonByTheHigherPrimaryAddress() {
        var spec = d1(2).sourceAddress(D2).build(); // we are .12
        VrrpInstance i = master(spec);
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 20 * S, advert(spec, D1, 150))); // .11 is lower
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(only(out, SendAdvert.class)).hasSize(1);
        out = i.step(new AdvertReceived(T0 + 21 * S, advert(spec, D3, 150))); // .13 is higher
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(out.getFirst()).isEqualTo(new StateChanged("VI_1", VrrpState.MASTER, VrrpState.BACKUP, new Cause.Advert(D3, 150, Cause.Relation.EQUAL_HIGHER_ADDRESS, T0 + 21 * S)));
    }

    @Test
    void masterAnswersLowerPriorityAdvertAtOnce() {
        var spec = d1(2).build();
        VrrpInstance i = master(spec);
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 20 * S, advert(spec, D2, 100)));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(only(out, SendAdvert.class)).extracting(SendAdvert::priority).containsExactly(150);
    }

    @Test
    void strictMasterDiscardsALowerPriorityAdvert() {
        var spec = d1(2).advertOptions(AdvertOptions.DEFAULT.withLowerPrioNoAdvert(true)).build(); // vrrp_strict: keepalived's lower_prio_no_advert
        VrrpInstance i = master(spec);
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 20 * S, advert(spec, D2, 100)));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(only(out, SendAdvert.class)).isEmpty();
    }

    @Test
    void masterAnswersPriorityZeroWithAnAdvertAndRestartsItsAdvertTimer() {
        var spec = d1(2).garp(new GarpSpec(Duration.ZERO, 1, Duration.ZERO, 1)).build();
        VrrpInstance i = master(spec);
        long t = T0 + 20 * S + 300 * MS;
        List<VrrpEffect> out = i.step(new AdvertReceived(t, advert(spec, D2, 0)));
        assertThat(only(out, SendAdvert.class)).hasSize(1);
        assertThat(timer(out)).isEqualTo(t + S);
        assertThat(i.priorityZeroReceived()).as("keepalived's pri_zero_rcvd").isEqualTo(1);
        i.step(new AdvertReceived(t + 10 * MS, advert(spec, D2, 90)));
        assertThat(i.priorityZeroReceived()).as("a non-zero advert is not counted").isEqualTo(1);
    }

    @Test
    void addressOwnerWithStateMasterStartsAsMaster() {
        VrrpInstance owner = new VrrpInstance(d1(2).priority(255).state(VrrpState.MASTER).build());
        List<VrrpEffect> out = owner.step(new Start(T0));
        assertThat(out.getFirst()).isEqualTo(new StateChanged("VI_1", VrrpState.INIT, VrrpState.MASTER, new Cause.Startup()));
        // state MASTER without priority 255 still elects (keepalived 2.x)
        VrrpInstance notOwner = new VrrpInstance(d1(2).state(VrrpState.MASTER).build());
        notOwner.step(new Start(T0));
        assertThat(notOwner.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void shutdownOfMasterSendsPriorityZeroAndReleases() throws IOException {
        var spec = d1(2).notify(new NotifySpec(null, null, null, "/bin/stop.sh", "/bin/notify.sh")).build();
        VrrpInstance i = master(spec);
        List<VrrpEffect> out = i.step(new Shutdown(T0 + 30 * S));
        assertThat(hex(only(out, SendAdvert.class).getFirst())).isEqualTo(vector("V2-MCAST-SHUTDOWN-PRIO0"));
        assertThat(only(out, RemoveAddresses.class)).hasSize(1);
        assertThat(only(out, StateChanged.class)).containsExactly(new StateChanged("VI_1", VrrpState.MASTER, VrrpState.STOP, new Cause.Shutdown()));
        assertThat(only(out, RunNotify.class)).containsExactly(
                new RunNotify("VI_1", VrrpState.STOP, "/bin/stop.sh", List.of()),
                new RunNotify("VI_1", VrrpState.STOP, "/bin/notify.sh", List.of("INSTANCE", "VI_1", "STOP", "150")));
        assertThat(only(out, TimerRequest.class)).isEmpty();
        assertThat(i.step(new Tick(T0 + 40 * S))).isEmpty();
    }

    @Test
    void shutdownOfBackupSendsNothing() {
        VrrpInstance i = new VrrpInstance(d1(2).build());
        i.step(new Start(T0));
        assertThat(only(i.step(new Shutdown(T0 + S)), SendAdvert.class)).isEmpty();
        assertThat(i.state()).isEqualTo(VrrpState.STOP);
    }

    // ------------------------------------------------------------ trackers

    @Test
    void failingNegativeWeightScriptLowersTheAdvertisedPriority() throws IOException {
        var spec = d1(2).tracker(TrackerSpec.script("chk_ok", -60)).build();
        VrrpInstance i = master(spec);
        List<VrrpEffect> out = i.step(TrackerChanged.script(T0 + 20 * S, "chk_ok", false));
        assertThat(only(out, PriorityChanged.class)).containsExactly(
                new PriorityChanged("VI_1", 150, 90, new Cause.Tracker(TrackerSpec.Kind.SCRIPT, "chk_ok", 0)));
        assertThat(only(out, SendAdvert.class)).as("keepalived waits for the next advert").isEmpty();
        out = i.step(new Tick(timer(out)));
        assertThat(hex(only(out, SendAdvert.class).getFirst())).isEqualTo(vector("V2-MCAST-TRACKSCRIPT-PRIO90"));
        out = i.step(TrackerChanged.script(T0 + 21 * S, "chk_ok", true));
        assertThat(i.effectivePriority()).isEqualTo(150);
    }

    @Test
    void backupPriorityChangeMovesTheRunningTimerBySkewDifference() {
        VrrpInstance i = new VrrpInstance(d1(2).priority(100).tracker(TrackerSpec.script("s", 50)).build());
        i.step(TrackerChanged.script(T0, "s", false));
        long deadline = timer(i.step(new Start(T0)));
        assertThat(deadline).isEqualTo(T0 + 3 * S + 609_375_000L); // skew for 100
        List<VrrpEffect> out = i.step(TrackerChanged.script(T0 + S, "s", true));
        assertThat(timer(out)).isEqualTo(T0 + 3 * S + 414_062_000L); // skew for 150
    }

    @Test
    void positiveWeightAddsWhileUpAndPriorityIsClampedTo254() {
        VrrpInstance i = new VrrpInstance(d1(2).priority(250).tracker(TrackerSpec.script("a", 10)).build());
        assertThat(i.effectivePriority()).isEqualTo(254);
        i.step(new Start(T0));
        i.step(TrackerChanged.script(T0, "a", false));
        assertThat(i.effectivePriority()).isEqualTo(250);
        VrrpInstance low = new VrrpInstance(d1(2).priority(10).tracker(TrackerSpec.script("b", -50)).build());
        low.step(TrackerChanged.script(T0, "b", false));
        assertThat(low.effectivePriority()).isEqualTo(1);
    }

    @Test
    void reverseSwapsUpAndDown() {
        VrrpInstance i = new VrrpInstance(d1(2).tracker(new TrackerSpec(TrackerSpec.Kind.SCRIPT, "r", -20, true)).build());
        i.step(TrackerChanged.script(T0, "r", true));
        assertThat(i.effectivePriority()).as("a succeeding reversed script counts as down").isEqualTo(130);
        i.step(TrackerChanged.script(T0, "r", false));
        assertThat(i.effectivePriority()).isEqualTo(150);
    }

    @Test
    void weightZeroTrackerDownMeansFaultAndUpMeansBackup() {
        var spec = d1(2).tracker(TrackerSpec.script("must", 0)).notify(new NotifySpec(null, null, "/bin/fault.sh", null, null)).build();
        VrrpInstance i = master(spec);
        List<VrrpEffect> out = i.step(TrackerChanged.script(T0 + 20 * S, "must", false));
        assertThat(out.getFirst()).isEqualTo(new StateChanged("VI_1", VrrpState.MASTER, VrrpState.FAULT,
                new Cause.Tracker(TrackerSpec.Kind.SCRIPT, "must", 0)));
        assertThat(only(out, SendAdvert.class)).extracting(SendAdvert::priority).containsExactly(0);
        assertThat(only(out, RemoveAddresses.class)).hasSize(1);
        assertThat(only(out, RunNotify.class)).extracting(RunNotify::command).containsExactly("/bin/fault.sh");
        assertThat(only(out, TimerRequest.class)).isEmpty();
        // adverts are ignored in FAULT
        assertThat(i.step(new AdvertReceived(T0 + 21 * S, advert(spec, D2, 100)))).isEmpty();
        out = i.step(TrackerChanged.script(T0 + 22 * S, "must", true));
        assertThat(out.getFirst().toString()).contains("FAULT, to=BACKUP");
        assertThat(timer(out)).isEqualTo(T0 + 22 * S + i.masterDownIntervalNanos());
    }

    @Test
    void ownInterfaceDownIsFaultWhateverTheTrackers() {
        VrrpInstance i = new VrrpInstance(d1(2).build());
        i.step(new Start(T0));
        i.step(new InterfaceChanged(T0 + S, "eth1", false));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        List<VrrpEffect> out = i.step(new InterfaceChanged(T0 + S, "eth0", false));
        assertThat(out.getFirst()).isEqualTo(new StateChanged("VI_1", VrrpState.BACKUP, VrrpState.FAULT, new Cause.Interface("eth0", false)));
    }

    @Test
    void dontTrackPrimaryIgnoresOwnInterfaceButNotTrackedOnes() {
        VrrpInstance i = new VrrpInstance(d1(2).trackPrimaryInterface(false).tracker(TrackerSpec.iface("eth0", -40)).build());
        i.step(new Start(T0));
        i.step(new InterfaceChanged(T0 + S, "eth0", false));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(i.effectivePriority()).as("an explicit track_interface on it still counts").isEqualTo(110);
    }

    @Test
    void trackedInterfaceWeights() {
        VrrpInstance i = new VrrpInstance(d1(2).tracker(TrackerSpec.iface("eth1", -30)).tracker(TrackerSpec.iface("eth2", 0)).build());
        i.step(new Start(T0));
        i.step(new InterfaceChanged(T0 + S, "eth1", false));
        assertThat(i.effectivePriority()).isEqualTo(120);
        i.step(new InterfaceChanged(T0 + S, "eth2", false));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
    }

    @Test
    void trackFileValueTimesWeight() {
        VrrpInstance i = new VrrpInstance(d1(2).tracker(TrackerSpec.file("f", 2)).tracker(TrackerSpec.file("z", 0)).build());
        i.step(new Start(T0));
        i.step(TrackerChanged.file(T0, "f", -20));
        assertThat(i.effectivePriority()).isEqualTo(110);
        i.step(TrackerChanged.file(T0, "f", 30));
        assertThat(i.effectivePriority()).isEqualTo(210);
        i.step(TrackerChanged.file(T0, "f", -127));
        assertThat(i.state()).as("value*weight <= -254 is fault").isEqualTo(VrrpState.FAULT);
        i.step(TrackerChanged.file(T0, "f", 0));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        i.step(TrackerChanged.file(T0, "z", 1));
        assertThat(i.state()).as("weight 0 and non-zero value is fault").isEqualTo(VrrpState.FAULT);
    }

    @Test
    void addressOwnerPriorityIgnoresWeights() {
        VrrpInstance i = new VrrpInstance(d1(2).priority(255).tracker(TrackerSpec.script("s", -50)).build());
        i.step(TrackerChanged.script(T0, "s", false));
        assertThat(i.effectivePriority()).isEqualTo(255);
    }

    @Test
    void trackerDownBeforeStartMeansStartingInFault() {
        VrrpInstance i = new VrrpInstance(d1(2).tracker(TrackerSpec.script("must", 0)).build());
        assertThat(i.step(TrackerChanged.script(T0, "must", false))).isEmpty();
        List<VrrpEffect> out = i.step(new Start(T0));
        assertThat(out.getFirst()).isEqualTo(new StateChanged("VI_1", VrrpState.INIT, VrrpState.FAULT, new Cause.Startup()));
    }

    @Test
    void operatorPriorityChangeCarriesItsCause() {
        VrrpInstance i = new VrrpInstance(d1(2).build());
        i.step(new Start(T0));
        List<VrrpEffect> out = i.step(new SetPriority(T0 + S, 90, "config reload"));
        assertThat(only(out, PriorityChanged.class)).containsExactly(new PriorityChanged("VI_1", 150, 90, new Cause.Operator("config reload")));
        assertThatThrownBy(() -> i.step(new SetPriority(T0, 0, "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------ validation

    private static void assertDropped(VrrpInstanceSpec spec, ReceivedAdvert a, DropReason reason) {
        VrrpInstance i = new VrrpInstance(spec);
        long deadline = timer(i.step(new Start(T0)));
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + S, a));
        assertThat(out).as(reason.name()).containsExactly(new AdvertDropped("VI_1", reason, a.source()), new TimerRequest("VI_1", deadline));
        assertThat(i.dropCount(reason)).isEqualTo(1);
        assertThat(i.advertsAccepted()).isZero();
    }

    @Test
    void eachInvalidAdvertIsDroppedAndCounted() {
        var v2 = d1(2).build();
        var v3 = d1(3).build();
        assertDropped(v2, advert(v2, D2, Ipv4Address.VRRP_GROUP, 254, 200, 100), DropReason.BAD_TTL);
        assertDropped(v2, advert(v3, D2, 200), DropReason.VERSION_MISMATCH);
        assertDropped(v2, advert(d1(2).vrid(52).build(), D2, 200), DropReason.VRID_MISMATCH);
        assertDropped(v2, advert(d1(2).authPass("wrong").build(), D2, 200), DropReason.AUTH_FAILURE);
        var noAuth = VrrpInstanceSpec.builder("x").vrid(51).virtualAddress(VirtualAddress.of("192.0.2.100", 24)).sourceAddress(D2).build();
        assertDropped(v2, advert(noAuth, D2, 200), DropReason.AUTH_TYPE_MISMATCH);
        assertDropped(v2, advert(v2, D2, Ipv4Address.VRRP_GROUP, 255, 200, 200), DropReason.ADVERT_INTERVAL_MISMATCH);
        assertDropped(v2, advert(d1(2).virtualAddress("192.0.2.101").build(), D2, 200), DropReason.ADDRESS_LIST_MISMATCH);
        assertDropped(v2, advert(VrrpInstanceSpec.builder("y").vrid(51).authPass("s3cr3t").virtualAddress("192.0.2.99").sourceAddress(D2).build(), D2, 200),
                DropReason.ADDRESS_LIST_MISMATCH);
        assertDropped(v2, advert(v2, D2, D1, 255, 200, 100), DropReason.UNEXPECTED_DESTINATION);
        assertDropped(d1(2).unicastPeer(D2).build(), advert(v2, D2, 200), DropReason.UNEXPECTED_DESTINATION);
        assertDropped(v2, advert(v2, D1, 200), DropReason.OWN_ADDRESS);

        byte[] bad = VrrpAdvertFlyweight.encode(2, 51, 200, 100, List.of(VIP), 1, "s3cr3t".getBytes(), D2, Ipv4Address.VRRP_GROUP);
        bad[7] ^= 0x55;
        assertDropped(v2, decode(bad, D2, Ipv4Address.VRRP_GROUP, 255), DropReason.BAD_CHECKSUM);
        // v3: checksum is over the pseudo-header, so a different source breaks it
        byte[] v3msg = VrrpAdvertFlyweight.encode(3, 51, 200, 100, List.of(VIP), 0, null, D3, Ipv4Address.VRRP_GROUP);
        assertDropped(v3, decode(v3msg, D2, Ipv4Address.VRRP_GROUP, 255), DropReason.BAD_CHECKSUM);

        byte[] type2 = VrrpAdvertFlyweight.encode(2, 51, 200, 100, List.of(VIP), 1, "s3cr3t".getBytes(), D2, Ipv4Address.VRRP_GROUP);
        var f = new VrrpAdvertFlyweight().wrap(java.lang.foreign.MemorySegment.ofArray(type2), 0);
        f.type(2).fillChecksum(D2, Ipv4Address.VRRP_GROUP);
        assertDropped(v2, decode(type2, D2, Ipv4Address.VRRP_GROUP, 255), DropReason.INVALID_TYPE);
        f.type(1).authType(7).fillChecksum(D2, Ipv4Address.VRRP_GROUP);
        assertDropped(v2, decode(type2, D2, Ipv4Address.VRRP_GROUP, 255), DropReason.INVALID_AUTH_TYPE);
    }

    @Test
    void unicastAdvertsNeedNoTtl255() {
        var spec = d1(2).unicastPeer(D2).build();
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        i.step(new AdvertReceived(T0 + S, advert(spec, D2, D1, 64, 200, 100)));
        assertThat(i.advertsAccepted()).isEqualTo(1);
    }

    @Test
    void v3LearnsTheMastersAdvertInterval() {
        var spec = d1(3).build();
        VrrpInstance i = new VrrpInstance(spec);
        i.step(new Start(T0));
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + S, advert(spec, D2, Ipv4Address.VRRP_GROUP, 255, 200, 300)));
        assertThat(i.dropCount(DropReason.ADVERT_INTERVAL_MISMATCH)).isZero();
        assertThat(i.masterAdvertIntervalCentis()).isEqualTo(300);
        // 3 * 3 s + (106 * 300 cs / 256) = 9 s + 1.2421875 s, in whole microseconds as keepalived
        assertThat(timer(out)).isEqualTo(T0 + S + 9 * S + 1_242_187_000L);
    }

    // ------------------------------------------------------------ GARP, notify, clock

    @Test
    void garpScheduleAfterBecomingMaster() {
        var spec = d1(2).garp(new GarpSpec(Duration.ofSeconds(5), 3, Duration.ofSeconds(60), 2)).build();
        VrrpInstance i = new VrrpInstance(spec);
        long became = timer(i.step(new Start(T0)));
        i.step(new Tick(became));
        List<SendGarp> garps = new java.util.ArrayList<>();
        long t = became;
        while (t - became < 130 * S) {
            List<VrrpEffect> out = i.step(new Tick(t));
            garps.addAll(only(out, SendGarp.class));
            t = timer(out);
        }
        assertThat(garps).extracting(SendGarp::reason).containsExactly(GarpReason.MASTER_DELAY, GarpReason.REFRESH, GarpReason.REFRESH);
        assertThat(garps).extracting(SendGarp::repeat).containsExactly(3, 2, 2);
    }

    @Test
    void garpsGoToTheDeviceEachAddressLivesOn() {
        var spec = d1(2).excludedAddress(new VirtualAddress(Ipv4Address.parse("198.51.100.5"), 24, "eth1", null))
                .virtualAddress(new VirtualAddress(Ipv4Address.parse("192.0.2.101"), 32, "eth0", null)).build();
        VrrpInstance i = new VrrpInstance(spec);
        List<VrrpEffect> out = i.step(new Tick(timer(i.step(new Start(T0)))));
        assertThat(only(out, SendGarp.class)).containsExactly(
                new SendGarp("VI_1", "eth0", List.of(VIP, Ipv4Address.parse("192.0.2.101")), 5, GarpReason.BECAME_MASTER),
                new SendGarp("VI_1", "eth1", List.of(Ipv4Address.parse("198.51.100.5")), 5, GarpReason.BECAME_MASTER));
    }

    @Test
    void notifyScriptsForEachState() {
        var spec = d1(2).notify(new NotifySpec("/m", "/b", "/f", "/s", "/n")).build();
        VrrpInstance i = new VrrpInstance(spec);
        List<VrrpEffect> out = i.step(new Start(T0));
        assertThat(only(out, RunNotify.class)).containsExactly(new RunNotify("VI_1", VrrpState.BACKUP, "/b", List.of()),
                new RunNotify("VI_1", VrrpState.BACKUP, "/n", List.of("INSTANCE", "VI_1", "BACKUP", "150")));
        out = i.step(new Tick(timer(out)));
        assertThat(only(out, RunNotify.class)).extracting(RunNotify::command).containsExactly("/m", "/n");
    }

    @Test
    void deadlinesSurviveAClockThatWrapsPastLongMaxValue() {
        long start = Long.MAX_VALUE - 2 * S;
        VrrpInstance i = new VrrpInstance(d1(2).build());
        long deadline = timer(i.step(new Start(start)));
        assertThat(deadline).isNegative(); // wrapped
        i.step(new Tick(start + S));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        i.step(new Tick(deadline));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void specRejectsBadValuesWithTheInstanceName() {
        assertThatThrownBy(() -> d1(2).vrid(0).build()).hasMessageContaining("VI_1").hasMessageContaining("virtual_router_id");
        assertThatThrownBy(() -> d1(2).advertIntervalCentis(150).build()).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> new VrrpInstance(d1(2).sourceAddress((Ipv4Address) null).build())).hasMessageContaining("source address");
    }
}
