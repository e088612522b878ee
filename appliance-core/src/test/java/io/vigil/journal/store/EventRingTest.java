package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class EventRingTest {
    private static EventRing.Pending p(long tag) { return new EventRing.Pending(tag, tag, Cause.NONE, new Event.Dropped(tag)); }

    @Test
    void fullRingDropsAndCountsWithoutBlocking() {
        EventRing r = new EventRing(8, 1);
        for (int i = 0; i < 8; i++) assertThat(r.offer(p(i))).isEqualTo(i + 1);
        assertThat(r.offer(p(99))).isEqualTo(-1);
        assertThat(r.dropped()).isEqualTo(1);
        assertThat(r.poll().seq).isEqualTo(1);
        assertThat(r.offer(p(9))).isEqualTo(9); // space again; no seq was used by the drop
        for (long s = 2; s <= 9; s++) assertThat(r.poll().seq).isEqualTo(s);
        assertThat(r.poll()).isNull();
        assertThat(r.isEmpty()).isTrue();
    }

    @Test
    void concurrentProducersGetGapFreeSeqsConsumedInOrder() throws Exception {
        EventRing r = new EventRing(1024, 100);
        int producers = 4, each = 20_000;
        List<Thread> threads = new ArrayList<>();
        AtomicLong failed = new AtomicLong();
        for (int t = 0; t < producers; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    while (r.offerNoCount(p(id * 1_000_000L + i)) < 0) Thread.onSpinWait();
                }
            }));
        }
        long expect = 100;
        long[] lastPerProducer = {-1, -1, -1, -1};
        while (expect < 100 + (long) producers * each) {
            EventRing.Pending x = r.poll();
            if (x == null) { Thread.onSpinWait(); continue; }
            if (x.seq != expect) failed.incrementAndGet();
            int id = (int) (x.wallNs / 1_000_000);
            long i = x.wallNs % 1_000_000;
            if (i <= lastPerProducer[id]) failed.incrementAndGet(); // each producer's events stay in its order
            lastPerProducer[id] = i;
            expect++;
        }
        for (Thread t : threads) t.join();
        assertThat(failed.get()).isZero();
        assertThat(r.poll()).isNull();
        assertThat(r.dropped()).isZero();
    }
}
