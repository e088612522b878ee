package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.*;
import io.vigil.vrrp.VrrpInput.*;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vigil.vrrp.Fixtures.*;
import static io.vigil.vrrp.VrrpInstanceTest.T0;
import static io.vigil.vrrp.VrrpInstanceTest.master;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reload in place (issue 15): a MASTER taking new trackers keeps its state and addresses unless it now loses. */
class VrrpReconfigureTest {

    @Test
    void addingAnUpTrackerKeepsMasterWithoutPriorityZeroOrAddressChanges() {
        VrrpInstanceSpec spec = d1(2).priority(150).build();
        VrrpInstance i = master(spec);
        List<VrrpEffect> out = i.step(new Reconfigure(T0 + 10 * S, spec.withTrackers(List.of(TrackerSpec.script("chk", -60))), "reload"));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(out).noneMatch(e -> e instanceof StateChanged || e instanceof RemoveAddresses || e instanceof AddAddresses
                || e instanceof SendAdvert || e instanceof PriorityChanged);
        // the script reports down: priority 90, still MASTER until a better advert is heard
        out = i.step(TrackerChanged.script(T0 + 11 * S, "chk", false));
        assertThat(i.effectivePriority()).isEqualTo(90);
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(out).anyMatch(e -> e instanceof PriorityChanged p && p.to() == 90);
        i.step(new AdvertReceived(T0 + 12 * S, advert(spec, D2, 100)));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void removingATrackerForgetsItsValue() {
        VrrpInstanceSpec tracked = d1(2).priority(150).tracker(TrackerSpec.script("chk", -60)).build();
        VrrpInstance i = master(tracked);
        i.step(TrackerChanged.script(T0 + 10 * S, "chk", false));
        assertThat(i.effectivePriority()).isEqualTo(90);
        i.step(new Reconfigure(T0 + 11 * S, tracked.withTrackers(List.of()), "reload"));
        assertThat(i.effectivePriority()).isEqualTo(150);
        i.step(new Reconfigure(T0 + 12 * S, tracked, "reload")); // back: counts as up until reported again
        assertThat(i.effectivePriority()).isEqualTo(150);
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void aWeightZeroTrackerDownAfterReloadIsFault() {
        VrrpInstanceSpec spec = d1(2).priority(150).build();
        VrrpInstance i = master(spec);
        i.step(new Reconfigure(T0 + 10 * S, spec.withTrackers(List.of(TrackerSpec.script("chk", 0))), "reload"));
        List<VrrpEffect> out = i.step(TrackerChanged.script(T0 + 11 * S, "chk", false));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        assertThat(out).anyMatch(e -> e instanceof RemoveAddresses);
    }

    @Test
    void aMasterChangesOnlyTheAddressesThatChanged() {
        VirtualAddress b = VirtualAddress.of("192.0.2.101", 32), c = VirtualAddress.of("192.0.2.102", 32);
        VrrpInstanceSpec spec = d1(2).priority(150).virtualAddress(b).build(); // VIP and .101
        VrrpInstance i = master(spec);
        VrrpInstanceSpec next = d1(2).priority(150).virtualAddress(b).virtualAddress(c).build(); // VIP dropped, .102 added
        next = new VrrpInstanceSpec(next.name(), next.interfaceName(), next.vrid(), next.version(), next.priority(),
                next.initialState(), next.advertIntervalCentis(), next.preempt(), next.preemptDelay(), next.authType(),
                next.authPassword(), List.of(b, c), next.excludedAddresses(), null, next.unicastPeers(), next.trackers(),
                next.notifyScripts(), next.garp(), next.trackPrimaryInterface(), next.checkUnicastSource(), next.advertOptions(),
                next.vmac(), next.garpExtraIf());
        List<VrrpEffect> out = i.step(new Reconfigure(T0 + 10 * S, next, "reload"));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(only(out, RemoveAddresses.class)).singleElement().satisfies(r -> assertThat(r.addresses()).containsExactly(VirtualAddress.of("192.0.2.100", 24)));
        assertThat(only(out, AddAddresses.class)).singleElement().satisfies(a -> assertThat(a.addresses()).containsExactly(c));
        assertThat(only(out, SendGarp.class)).singleElement().satisfies(g -> {
            assertThat(g.addresses()).containsExactly(c.address());
            assertThat(g.reason()).isEqualTo(GarpReason.ADDRESS_ADDED);
        });
        assertThat(out).noneMatch(e -> e instanceof SendAdvert || e instanceof StateChanged);
        // the next advert carries the new list
        long t = T0 + 10 * S;
        List<VrrpEffect> tick = i.step(new Tick(t + 2 * S));
        assertThat(only(tick, SendAdvert.class)).isNotEmpty();
    }

    @Test
    void identityChangesAreRefused() {
        VrrpInstanceSpec spec = d1(2).build();
        VrrpInstance i = master(spec);
        assertThatThrownBy(() -> i.step(new Reconfigure(T0 + S, d1(2).vrid(52).build(), "reload")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
