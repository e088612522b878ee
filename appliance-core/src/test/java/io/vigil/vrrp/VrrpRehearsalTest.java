package io.vigil.vrrp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vigil.vrrp.Fixtures.D1;
import static io.vigil.vrrp.Fixtures.S;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up rehearsal must run the code a real first takeover runs: a MASTER transition caused by master_down
 * after a peer's advert (the cause's advert branch), the first adverts, then a stop. If it misses a branch, that
 * branch is cold on the first takeover (5–11 ms before the first advert, measured by TakeoverBench).
 */
class VrrpRehearsalTest {

    private static List<VrrpEffect> effects(List<VrrpRouter.Batch> batches) {
        return batches.stream().flatMap(b -> b.effects().stream()).toList();
    }

    private static void assertTakeover(VrrpInstanceSpec spec) {
        List<VrrpEffect> all = effects(VrrpRehearsal.takeover(List.of(spec), List.of(), 100 * S));
        List<VrrpEffect.StateChanged> moves = all.stream().filter(e -> e instanceof VrrpEffect.StateChanged)
                .map(VrrpEffect.StateChanged.class::cast).toList();
        assertThat(moves).extracting(VrrpEffect.StateChanged::to)
                .containsExactly(VrrpState.BACKUP, VrrpState.MASTER, VrrpState.STOP);
        assertThat(moves.get(1).cause()).isInstanceOfSatisfying(Cause.MasterDown.class, m -> {
            assertThat(m.last()).as("master_down cites the peer's advert").isNotNull();
            assertThat(m.last().priority()).isEqualTo(255);
        });
        int master = all.indexOf(moves.get(1));
        assertThat(all.subList(master, all.size())).as("the first advert after the transition, before the addresses")
                .filteredOn(e -> e instanceof VrrpEffect.SendAdvert || e instanceof VrrpEffect.AddAddresses)
                .first().isInstanceOfSatisfying(VrrpEffect.SendAdvert.class, a -> assertThat(a.priority()).isEqualTo(spec.priority()));
        assertThat(all).filteredOn(e -> e instanceof VrrpEffect.SendAdvert a && a.priority() == 0).as("priority 0 at stop").isNotEmpty();
    }

    @Test
    void multicastV2BackupHearsAPeerThenTakesOverAndStops() {
        assertTakeover(Fixtures.d1(2).priority(100).sourceAddress(D1).build());
    }

    @Test
    void v3AtTenMillisecondsToo() {
        assertTakeover(Fixtures.d1(3).priority(100).advertIntervalCentis(1).sourceAddress(D1).build());
    }

    @Test
    void unicastPeerIsTheAdvertsSource() {
        VrrpInstanceSpec spec = Fixtures.d1(2).priority(100).sourceAddress(D1).unicastPeer(Fixtures.D2).build();
        assertThat(VrrpRehearsal.peerAdvert(spec, 0)).isInstanceOfSatisfying(ReceivedAdvert.Decoded.Ok.class,
                ok -> assertThat(ok.advert().source()).isEqualTo(Fixtures.D2));
        assertTakeover(spec);
    }
}
