package io.vigil.journal.forensic;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.Event.NodeAlive.Beat;
import io.vigil.journal.Event.VrrpState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds one node's journal as a running Vigil writes it: liveness marks every second, seqs gap-free. */
final class JournalBuilder {
    static final long T0 = 1_780_000_000_000_000_000L;
    static final long MS = 1_000_000L, S = 1000 * MS;

    final String node;
    final String address;
    final long clockOffsetNs;     // this node's clock minus true time
    final List<Entry> entries = new ArrayList<>();
    final Map<String, VrrpState> state = new TreeMap<>();
    final Map<String, Integer> priority = new TreeMap<>();
    long seq, lastAlive = Long.MIN_VALUE, lastAt;

    JournalBuilder(String node, String address, long clockOffsetNs) {
        this.node = node; this.address = address; this.clockOffsetNs = clockOffsetNs;
    }

    /** Appends at true time {@code t} (ns after T0), writing the liveness marks due before it. */
    long add(long t, Cause cause, Event ev) {
        aliveUntil(t);
        entries.add(new Entry(node, ++seq, T0 + t + clockOffsetNs, t, cause, ev));
        lastAt = t;
        return seq;
    }

    /** Liveness marks every second up to {@code t} (a running node). */
    void aliveUntil(long t) {
        if (lastAlive == Long.MIN_VALUE) return;
        while (lastAlive + S <= t) {
            lastAlive += S;
            List<Beat> beats = new ArrayList<>();
            state.forEach((i, s) -> beats.add(new Beat(i, 51, address, s, priority.getOrDefault(i, 100), 1000)));
            entries.add(new Entry(node, ++seq, T0 + lastAlive + clockOffsetNs, lastAlive, Cause.NONE, Event.NodeAlive.of(1000, beats)));
        }
    }

    long start(long t, int prio) {
        String prev = entries.isEmpty() ? Event.NodeStarted.FIRST_RUN
                : entries.getLast().event() instanceof Event.NodeStopped ? Event.NodeStarted.CLEAN : Event.NodeStarted.CRASHED;
        Entry last = entries.isEmpty() ? null : entries.getLast();
        lastAlive = Long.MIN_VALUE;
        long s = add(t, Cause.NONE, new Event.NodeStarted("vigil test", 1, prev, last == null ? 0 : last.seq(), last == null ? 0 : last.wallNs()));
        lastAlive = t;
        state.put("VI_1", VrrpState.INIT);
        priority.put("VI_1", prio);
        return s;
    }

    long transition(long t, VrrpState to, Cause cause) {
        VrrpState from = state.getOrDefault("VI_1", VrrpState.INIT);
        state.put("VI_1", to);
        return add(t, cause, new Event.VrrpTransition("VI_1", from, to, cause.describe(), priority.get("VI_1")));
    }

    long priority(long t, int to, Cause cause) {
        int from = priority.get("VI_1");
        priority.put("VI_1", to);
        return add(t, cause, new Event.PriorityChanged("VI_1", from, to, "track_script chk"));
    }

    long masterSeen(long t, String peer, int prio) { return add(t, Cause.packet(peer, "eth0"), new Event.MasterSeen("VI_1", peer, prio, false)); }

    long stop(long t) { return add(t, Cause.signal("SIGTERM"), new Event.NodeStopped("SIGTERM")); }

    /** kill -9 at true time t: nothing more is written (liveness marks stop). */
    void crash(long t) { aliveUntil(t); lastAlive = Long.MIN_VALUE; }

    static Cause advert(String kind, String peer, int prio, long heardTrue, JournalBuilder receiver, String relation) {
        return new Cause.Vrrp(kind, peer, "eth0", prio, heardTrue == 0 ? 0 : T0 + heardTrue + receiver.clockOffsetNs, relation);
    }
}
