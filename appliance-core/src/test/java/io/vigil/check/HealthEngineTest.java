package io.vigil.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.check.HealthEvent.CheckerChanged;
import io.vigil.check.HealthEvent.ProbeCompleted;
import io.vigil.check.HealthEvent.QuorumChanged;
import io.vigil.check.HealthEvent.RealServerChanged;
import io.vigil.check.HealthEvent.RealServerWeightChanged;
import io.vigil.check.HealthEvent.TrackerChanged;
import io.vigil.check.HealthModel.CheckerSpec;
import io.vigil.check.HealthModel.RealServerSpec;
import io.vigil.check.HealthModel.TrackerSpec;
import io.vigil.check.HealthModel.VirtualServerSpec;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HealthEngineTest {
    static final long S = 1_000_000_000L;

    static CheckerSpec checker(String name, int retry) {
        return new CheckerSpec(name, "HTTP_GET", "10.0.0.1", 80, Duration.ofSeconds(3), Duration.ofSeconds(3), retry,
                Duration.ofSeconds(1), Duration.ZERO, Optional.empty(), SourceLocation.NONE);
    }

    static RealServerSpec rs(String id, int weight, boolean inhibit, boolean alpha, CheckerSpec... c) {
        return new RealServerSpec(id, id.split(":")[0], 80, weight, inhibit, alpha, List.of(c));
    }

    static CheckResult up() { return CheckResult.up(Duration.ofMillis(1), "200"); }
    static CheckResult down() { return CheckResult.down(Duration.ofMillis(1), "connection refused"); }

    @Test void retriesBeforeDownAndRecoversAtOnce() {
        var model = new HealthModel(List.of(new VirtualServerSpec("vs", 1, 0,
                List.of(rs("a:80", 1, false, false, checker("c", 3))))), List.of());
        var e = new HealthEngine(model, new Random(1), 0);
        var init = e.start(0);
        assertThat(init).filteredOn(x -> x instanceof RealServerChanged).singleElement()
                .satisfies(x -> assertThat(((RealServerChanged) x).alive()).isTrue());
        // three failures are retried after delay_before_retry (1 s), no state change
        for (int k = 1; k <= 3; k++) {
            var s = e.onResult(0, down(), ProbeFault.NONE, k * S);
            assertThat(s.events()).hasSize(1).first().isInstanceOf(ProbeCompleted.class);
            assertThat(s.nextDueNanos()).isEqualTo(k * S + S);
        }
        // the fourth (retry exhausted) takes the checker, server and quorum down, each caused by the previous
        var s = e.onResult(0, down(), ProbeFault.NONE, 4 * S);
        assertThat(s.events()).extracting(x -> x.getClass().getSimpleName())
                .containsExactly("ProbeCompleted", "CheckerChanged", "RealServerChanged", "QuorumChanged");
        for (int k = 1; k < 4; k++) {
            assertThat(s.events().get(k).cause()).isEqualTo(new Cause.Event(s.events().get(k - 1).seq()));
        }
        assertThat(((RealServerChanged) s.events().get(2)).alive()).isFalse();
        assertThat(((QuorumChanged) s.events().get(3)).up()).isFalse();
        assertThat(s.nextDueNanos()).isEqualTo(4 * S + 3 * S);   // back to delay_loop
        // one success: up again
        s = e.onResult(0, up(), ProbeFault.NONE, 8 * S);
        assertThat(s.events()).extracting(x -> x.getClass().getSimpleName())
                .containsExactly("ProbeCompleted", "CheckerChanged", "RealServerChanged", "QuorumChanged");
    }

    @Test void attemptsAreNumberedAsTheCheckerCountsThemAndRetriesCiteThePreviousProbe() {
        var model = new HealthModel(List.of(new VirtualServerSpec("vs", 1, 0,
                List.of(rs("a:80", 1, false, false, checker("c", 2))))), List.of());
        var e = new HealthEngine(model, new Random(1), 0);
        e.start(0);
        var first = (ProbeCompleted) e.onResult(0, down(), ProbeFault.NONE, S).events().getFirst();
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(first.cause()).isEqualTo(new Cause.Probe("c"));        // run by delay_loop
        var second = (ProbeCompleted) e.onResult(0, down(), ProbeFault.NONE, 2 * S).events().getFirst();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.cause()).isEqualTo(new Cause.Retry("c", first.seq())); // run by delay_before_retry
        var last = e.onResult(0, down(), ProbeFault.NONE, 3 * S).events();
        var third = (ProbeCompleted) last.getFirst();
        assertThat(third.attempt()).as("retry 2 = attempt retry + 1").isEqualTo(3);
        assertThat(third.cause()).isEqualTo(new Cause.Retry("c", second.seq()));
        assertThat(last).hasSize(4); // retries exhausted: down
        // down now: probed every delay_loop, each attempt 1 again
        var down = (ProbeCompleted) e.onResult(0, down(), ProbeFault.NONE, 6 * S).events().getFirst();
        assertThat(down.attempt()).isEqualTo(1);
        assertThat(down.cause()).isEqualTo(new Cause.Probe("c"));
        // back up, then a single failure and a successful retry: attempts 1, 2
        e.onResult(0, up(), ProbeFault.NONE, 9 * S);
        assertThat(((ProbeCompleted) e.onResult(0, down(), ProbeFault.NONE, 12 * S).events().getFirst()).attempt()).isEqualTo(1);
        var ok = (ProbeCompleted) e.onResult(0, up(), ProbeFault.NONE, 13 * S).events().getFirst();
        assertThat(ok.attempt()).isEqualTo(2);
        assertThat(((ProbeCompleted) e.onResult(0, down(), ProbeFault.NONE, 16 * S).events().getFirst()).attempt()).isEqualTo(1);
    }

    @Test void successResetsRetryCount() {
        var model = new HealthModel(List.of(new VirtualServerSpec("vs", 1, 0,
                List.of(rs("a:80", 1, false, false, checker("c", 1))))), List.of());
        var e = new HealthEngine(model, new Random(1), 0);
        e.start(0);
        assertThat(e.onResult(0, down(), ProbeFault.NONE, S).events()).hasSize(1);
        assertThat(e.onResult(0, up(), ProbeFault.NONE, 2 * S).events()).hasSize(1);
        assertThat(e.onResult(0, down(), ProbeFault.NONE, 3 * S).events()).hasSize(1);
        assertThat(e.onResult(0, down(), ProbeFault.NONE, 4 * S).events()).hasSize(4);
    }

    @Test void alphaStartsDownAndAllCheckersMustPass() {
        var model = new HealthModel(List.of(new VirtualServerSpec("vs", 1, 0,
                List.of(rs("a:80", 5, true, true, checker("c0", 0), checker("c1", 0))))), List.of());
        var e = new HealthEngine(model, new Random(1), 0);
        RealServerChanged init = (RealServerChanged) e.start(0).getFirst();
        assertThat(init.alive()).isFalse();
        assertThat(init.inhibited()).isTrue();           // inhibit_on_failure: kept with weight 0
        assertThat(init.weight()).isZero();
        assertThat(e.onResult(0, up(), ProbeFault.NONE, S).events()).hasSize(2);   // checker up, server still failed
        var s = e.onResult(1, up(), ProbeFault.NONE, S);
        RealServerChanged r = (RealServerChanged) s.events().get(2);
        assertThat(r.alive()).isTrue();
        assertThat(r.weight()).isEqualTo(5);
    }

    @Test void quorumHysteresis() {
        // three servers of weight 1; quorum 2, hysteresis 1: lost below 1, regained at 3
        var model = new HealthModel(List.of(new VirtualServerSpec("vs", 2, 1, List.of(
                rs("a:80", 1, false, false, checker("a", 0)),
                rs("b:80", 1, false, false, checker("b", 0)),
                rs("c:80", 1, false, false, checker("c", 0))))), List.of());
        var e = new HealthEngine(model, new Random(1), 0);
        assertThat(e.start(0)).filteredOn(x -> x instanceof QuorumChanged q && q.up()).hasSize(1);
        assertThat(quorum(e.onResult(0, down(), ProbeFault.NONE, S).events())).isEmpty();   // 2 left
        assertThat(quorum(e.onResult(1, down(), ProbeFault.NONE, S).events())).isEmpty();   // 1 left: >= 2-1
        assertThat(quorum(e.onResult(2, down(), ProbeFault.NONE, S).events())).singleElement()
                .satisfies(q -> assertThat(q.up()).isFalse());                               // 0 < 1
        assertThat(quorum(e.onResult(0, up(), ProbeFault.NONE, S).events())).isEmpty();
        assertThat(quorum(e.onResult(1, up(), ProbeFault.NONE, S).events())).isEmpty();     // 2 < 2+1
        assertThat(quorum(e.onResult(2, up(), ProbeFault.NONE, S).events())).singleElement()
                .satisfies(q -> assertThat(q.aliveWeight()).isEqualTo(3));
    }

    static List<QuorumChanged> quorum(List<HealthEvent> ev) {
        return ev.stream().filter(x -> x instanceof QuorumChanged).map(x -> (QuorumChanged) x).toList();
    }

    @Test void miscDynamicWeight() {
        var model = new HealthModel(List.of(new VirtualServerSpec("vs", 1, 0,
                List.of(rs("a:80", 1, false, false, checker("c", 0))))), List.of());
        var e = new HealthEngine(model, new Random(1), 0);
        e.start(0);
        var s = e.onResult(0, up().withWeight(7), ProbeFault.NONE, S);
        assertThat(s.events()).filteredOn(x -> x instanceof RealServerWeightChanged).singleElement()
                .satisfies(x -> assertThat(((RealServerWeightChanged) x).weight()).isEqualTo(7));
        assertThat(e.onResult(0, up().withWeight(7), ProbeFault.NONE, 2 * S).events()).hasSize(1);
    }

    @Test void trackerRiseFallAndWeights() {
        var t = new TrackerSpec("chk", "vrrp_script", "127.0.0.1", 0, Duration.ofSeconds(2), Duration.ofSeconds(2),
                -20, false, 2, 3, false, SourceLocation.NONE);
        var e = new HealthEngine(new HealthModel(List.of(), List.of(t)), new Random(1), 100);
        TrackerChanged init = (TrackerChanged) e.start(0).getFirst();
        assertThat(init.ok()).isTrue();
        assertThat(init.priorityDelta()).isZero();
        assertThat(init.seq()).isEqualTo(101);
        assertThat(e.onResult(0, down(), ProbeFault.NONE, S).events()).hasSize(1);
        assertThat(e.onResult(0, down(), ProbeFault.NONE, 2 * S).events()).hasSize(1);
        var s = e.onResult(0, down(), ProbeFault.TIMEOUT, 3 * S);
        TrackerChanged tc = (TrackerChanged) s.events().get(1);
        assertThat(tc.ok()).isFalse();
        assertThat(tc.priorityDelta()).isEqualTo(-20);
        assertThat(tc.fault()).isFalse();
        assertThat(s.nextDueNanos()).isEqualTo(5 * S);
        assertThat(e.onResult(0, up(), ProbeFault.NONE, 4 * S).events()).hasSize(1);   // rise 2
        assertThat(((TrackerChanged) e.onResult(0, up(), ProbeFault.NONE, 5 * S).events().get(1)).ok()).isTrue();
    }

    @Test void trackerInitFailAndWeightZeroIsFault() {
        var t = new TrackerSpec("chk", "vrrp_script", "127.0.0.1", 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                0, false, 1, 1, true, SourceLocation.NONE);
        var e = new HealthEngine(new HealthModel(List.of(), List.of(t)), new Random(1), 0);
        TrackerChanged init = (TrackerChanged) e.start(0).getFirst();
        assertThat(init.ok()).isFalse();
        assertThat(init.fault()).isTrue();
        var positive = new TrackerSpec("p", "vrrp_script", "127.0.0.1", 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                10, false, 1, 1, false, SourceLocation.NONE);
        var e2 = new HealthEngine(new HealthModel(List.of(), List.of(positive)), new Random(1), 0);
        assertThat(((TrackerChanged) e2.start(0).getFirst()).priorityDelta()).isEqualTo(10);
        assertThat(((TrackerChanged) e2.onResult(0, down(), ProbeFault.NONE, S).events().get(1)).priorityDelta()).isZero();
    }

    @Test void warmupSpreadsFirstProbes() {
        var c = new CheckerSpec("c", "TCP_CHECK", "a", 80, Duration.ofSeconds(1), Duration.ofSeconds(1), 1,
                Duration.ofSeconds(1), Duration.ofSeconds(10), Optional.empty(), SourceLocation.NONE);
        var e = new HealthEngine(new HealthModel(List.of(new VirtualServerSpec("vs", 1, 0,
                List.of(rs("a:80", 1, false, false, c)))), List.of()), new Random(42), 0);
        long due = e.firstDue(0, 0);
        assertThat(due).isBetween(0L, 10 * S);
        assertThat(due).isEqualTo(new HealthEngine(new HealthModel(List.of(new VirtualServerSpec("vs", 1, 0,
                List.of(rs("a:80", 1, false, false, c)))), List.of()), new Random(42), 0).firstDue(0, 0));
    }
}
