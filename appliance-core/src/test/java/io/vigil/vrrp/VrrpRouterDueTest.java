package io.vigil.vrrp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.vigil.vrrp.Fixtures.D2;
import static io.vigil.vrrp.Fixtures.S;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code VrrpRouter.nextMasterDownOr}: the earliest BACKUP deadline, when the node readies its VIP thread; none while
 * every instance is MASTER. {@code VrrpRouter.dueOr}: what the node measures an advert's lateness against (vigil_vrrp_advert_late_seconds). While
 * the sink applies a timer step's effects it is that step's deadline, not the time the tick came (a late wake-up);
 * for a step no timer drove (a received advert) and outside any step it is the value given for none.
 */
class VrrpRouterDueTest {
    private static final long NONE = Long.MIN_VALUE;

    @Test
    void theDeadlineOfTheTimerStepBeingAppliedAndNoneOtherwise() {
        VrrpRouter r = new VrrpRouter();
        VrrpInstanceSpec spec = Fixtures.d1(2).priority(100).build();
        r.apply(r.plan(List.of(spec), List.of()), 0, VrrpRouter.Origin.RUN, 0, x -> { });
        long masterDown = r.nextDeadline().orElseThrow();
        assertThat(r.nextMasterDownOr(NONE)).as("a BACKUP's deadline is its master-down").isEqualTo(masterDown);
        List<Long> seen = new ArrayList<>();
        long late = 3_000_000; // the vrrp thread woke 3 ms after the deadline
        r.tick(masterDown + late, b -> seen.add(r.dueOr(NONE)));
        assertThat(seen).isNotEmpty().containsOnly(masterDown);
        assertThat(r.dueOr(NONE)).isEqualTo(NONE);

        long advertDue = r.nextDeadline().orElseThrow(); // MASTER now: its next advert
        assertThat(r.nextMasterDownOr(NONE)).as("no BACKUP left").isEqualTo(NONE);
        assertThat(advertDue).isGreaterThan(masterDown);
        seen.clear();
        r.tick(advertDue + 200_000, b -> seen.add(r.dueOr(NONE)));
        assertThat(seen).isNotEmpty().containsOnly(advertDue);

        // a higher priority's advert moves it to BACKUP: no timer drove that step
        byte[] d = VrrpReceiveInPlaceTest.advert(spec, D2, 200);
        seen.clear();
        r.receive(advertDue + S, "eth0", MemorySegment.ofArray(d), 0, d.length, b -> seen.add(r.dueOr(NONE)));
        assertThat(seen).isNotEmpty().containsOnly(NONE);
        assertThat(r.nextMasterDownOr(NONE)).as("BACKUP again").isEqualTo(r.nextDeadline().orElseThrow()).isGreaterThan(advertDue + S);
    }
}
