package io.vigil.check.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The due-time heap against a sorted reference, under random sets, moves, removals and polls. */
class DueQueueTest {
    record Entry(long due, int id) implements Comparable<Entry> {
        @Override public int compareTo(Entry o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Integer.compare(id, o.id);
        }
    }

    @Test void pollsInDueOrderThenIdAgainstAReference() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            int n = 1 + random.nextInt(300);
            DueQueue q = new DueQueue(n);
            TreeSet<Entry> ref = new TreeSet<>();
            Entry[] current = new Entry[n];
            for (int op = 0; op < 5_000; op++) {
                int id = random.nextInt(n);
                switch (random.nextInt(6)) {
                    case 0, 1, 2 -> { // set or move (few distinct times: ties are common)
                        long due = random.nextInt(50);
                        if (current[id] != null) ref.remove(current[id]);
                        current[id] = new Entry(due, id);
                        ref.add(current[id]);
                        q.set(id, due);
                    }
                    case 3 -> {
                        if (current[id] != null) ref.remove(current[id]);
                        current[id] = null;
                        q.remove(id);
                    }
                    case 4 -> {
                        if (ref.isEmpty()) { assertThat(q.isEmpty()).isTrue(); break; }
                        Entry first = ref.pollFirst();
                        current[first.id()] = null;
                        assertThat(q.peekDue()).isEqualTo(first.due());
                        assertThat(q.poll()).isEqualTo(first.id());
                    }
                    default -> assertThat(q.contains(id)).isEqualTo(current[id] != null);
                }
                assertThat(q.size()).isEqualTo(ref.size());
            }
            List<Integer> drained = new ArrayList<>();
            while (!q.isEmpty()) drained.add(q.poll());
            assertThat(drained).isEqualTo(ref.stream().map(Entry::id).toList());
        }
    }

    @Test void comparesTimesAsNanoTimeDoesAcrossOverflow() {
        DueQueue q = new DueQueue(2);
        q.set(0, Long.MAX_VALUE - 5);
        q.set(1, Long.MIN_VALUE + 5);        // 11 ns after id 0, across the wrap
        assertThat(q.poll()).isZero();
        assertThat(q.poll()).isEqualTo(1);
    }
}
