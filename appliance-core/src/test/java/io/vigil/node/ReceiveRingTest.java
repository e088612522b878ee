package io.vigil.node;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReceiveRingTest {

    private static void put(ReceiveRing r, int value) {
        MemorySegment slot = r.claim();
        slot.set(JAVA_INT_UNALIGNED, 0, value);
        r.publish(slot, 4, value);
    }

    private static List<Integer> drain(ReceiveRing r) {
        List<Integer> got = new ArrayList<>();
        r.drain((p, len, at) -> {
            assertThat(len).isEqualTo(4);
            assertThat(at).isEqualTo(p.get(JAVA_INT_UNALIGNED, 0));
            got.add(p.get(JAVA_INT_UNALIGNED, 0));
        });
        return got;
    }

    @Test
    void keepsOrderAcrossWrapAndCountsWhatAFullRingDrops() {
        ReceiveRing r = new ReceiveRing("eth0", 4, 16);
        assertThat(r.isEmpty()).isTrue();
        for (int i = 1; i <= 3; i++) put(r, i);
        assertThat(drain(r)).containsExactly(1, 2, 3);
        for (int i = 4; i <= 9; i++) put(r, i); // 4 fit (wrapping), 8 and 9 find it full
        assertThat(r.dropped()).isEqualTo(2);
        assertThat(r.isEmpty()).isFalse();
        assertThat(drain(r)).containsExactly(4, 5, 6, 7);
        assertThat(r.isEmpty()).isTrue();
        put(r, 10);
        assertThat(drain(r)).containsExactly(10);
        assertThat(r.dropped()).isEqualTo(2);
    }

    @Test
    void aThrowingHandlerStillReturnsTheSlot() {
        ReceiveRing r = new ReceiveRing("eth0", 2, 16);
        put(r, 1);
        put(r, 2);
        assertThatThrownBy(() -> r.drain((p, len, at) -> { throw new IllegalStateException("bug"); }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(drain(r)).containsExactly(2);
        put(r, 3);
        put(r, 4);
        assertThat(r.dropped()).isZero();
        assertThat(drain(r)).containsExactly(3, 4);
    }

    @Test
    void oneProducerOneConsumerLoseNothingButTheCountedDrops() throws Exception {
        ReceiveRing r = new ReceiveRing("eth0", 8, 16);
        int total = 200_000;
        Thread producer = Thread.ofPlatform().start(() -> { for (int i = 1; i <= total; i++) put(r, i); });
        List<Integer> got = new ArrayList<>();
        while (producer.isAlive() || !r.isEmpty()) got.addAll(drain(r));
        producer.join();
        got.addAll(drain(r));
        assertThat(got.size() + r.dropped()).isEqualTo(total);
        for (int i = 1; i < got.size(); i++) assertThat(got.get(i)).isGreaterThan(got.get(i - 1));
    }
}
