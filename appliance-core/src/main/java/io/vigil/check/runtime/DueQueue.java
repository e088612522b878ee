package io.vigil.check.runtime;

import java.util.Arrays;

/**
 * When each probe is due next (its next run, or its host deadline while in flight): an indexed binary min-heap of
 * probe ids over primitive arrays, one entry per probe at most, earliest first (ties by id). Setting, moving and
 * removing an entry allocate nothing, so the scheduler arms one Vert.x timer for the earliest entry instead of
 * two timers per probe (a timer object per probe lived ~1 s and was promoted by ZGC). Not thread-safe: the engine's
 * context owns it.
 */
final class DueQueue {
    private final long[] at;
    private final int[] heap;
    /** Index of each id in {@link #heap}, -1 when absent. */
    private final int[] pos;
    private int size;

    DueQueue(int capacity) {
        at = new long[capacity];
        heap = new int[capacity];
        pos = new int[capacity];
        Arrays.fill(pos, -1);
    }

    int size() { return size; }

    boolean isEmpty() { return size == 0; }

    boolean contains(int id) { return pos[id] >= 0; }

    /** The earliest id; only when not empty. */
    int peek() { return heap[0]; }

    /** The earliest due time; only when not empty. */
    long peekDue() { return at[heap[0]]; }

    /** Due time of {@code id} (meaningful while {@link #contains} it). */
    long dueOf(int id) { return at[id]; }

    /** Adds {@code id} due at {@code due}, or moves it there. */
    void set(int id, long due) {
        int i = pos[id];
        if (i < 0) {
            at[id] = due;
            i = size++;
            heap[i] = id;
            pos[id] = i;
            up(i);
            return;
        }
        long old = at[id];
        at[id] = due;
        if (before(due, id, old, id)) up(i); else down(i);
    }

    /** Removes and returns the earliest id; only when not empty. */
    int poll() {
        int id = heap[0];
        removeAt(0);
        return id;
    }

    void remove(int id) {
        int i = pos[id];
        if (i >= 0) removeAt(i);
    }

    void clear() {
        for (int i = 0; i < size; i++) pos[heap[i]] = -1;
        size = 0;
    }

    private void removeAt(int i) {
        int id = heap[i];
        pos[id] = -1;
        int last = --size;
        if (i == last) return;
        int moved = heap[last];
        heap[i] = moved;
        pos[moved] = i;
        up(i);
        down(pos[moved]);
    }

    /** Whether (a, ida) sorts before (b, idb): earlier time (overflow-safe, as nanoTime), then lower id. */
    private static boolean before(long a, int ida, long b, int idb) {
        long d = a - b;
        return d < 0 || (d == 0 && ida < idb);
    }

    private boolean less(int i, int j) { return before(at[heap[i]], heap[i], at[heap[j]], heap[j]); }

    private void up(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(i, parent)) return;
            swap(i, parent);
            i = parent;
        }
    }

    private void down(int i) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) return;
            int r = l + 1;
            int m = r < size && less(r, l) ? r : l;
            if (!less(m, i)) return;
            swap(i, m);
            i = m;
        }
    }

    private void swap(int i, int j) {
        int a = heap[i], b = heap[j];
        heap[i] = b;
        heap[j] = a;
        pos[b] = i;
        pos[a] = j;
    }
}
