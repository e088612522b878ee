package io.vigil.api;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.Event.NodeAlive.Beat;
import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalClock;
import io.vigil.journal.store.JournalConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Writes a realistic pair of directors' journals (lb-a 192.0.2.11 prio 150, lb-b 192.0.2.12 prio 100, VI_1) as
 * two running Vigils would: liveness marks every second, check results at a given rate over four real servers and a
 * vrrp_script every 2 s, master-seen samples, and every {@code period} one incident cycle with known answers:
 * <ul>
 *   <li>+60 s a's chk_nginx fails, a drops to priority 90, b preempts (why: b ← a's advert 90 ← a's priority change
 *       ← a's script result), a steps down;</li>
 *   <li>+200 s a partition: a's master_down runs out at +203.6 s, split brain until the heal at +209 s;</li>
 *   <li>+300 s a's script recovers, priority 150, a preempts back;</li>
 *   <li>+400 s real server 198.51.100.12 fails its checks for 30 s on both (real-server and IPVS changes);</li>
 *   <li>+450 s an operator action on b, +500 s a config reload on both.</li>
 * </ul>
 * With {@code crashAt} ≥ 0, a is killed -9 at that second (nothing more from it; b takes over by master_down),
 * restarted {@code restartAfter} seconds later if that is ≥ 0. Deterministic (seeded).
 */
public final class ReplayJournals {
    public static final String A = "192.0.2.11", B = "192.0.2.12";
    public static final String VS = "TCP 192.0.2.100:80 wrr";
    static final String[] RS = {"198.51.100.10:80", "198.51.100.11:80", "198.51.100.12:80", "198.51.100.13:80"};

    /** What the generator wrote, to check the replay against. */
    public record Truth(List<long[]> splitBrainsMs, List<Long> preemptSeqsOfB, long crashMs, long entriesA, long entriesB) {}

    static final class Clock implements JournalClock {
        long wall;
        @Override public long wallNs() { return wall; }
        @Override public long monoNs() { return wall; }
    }

    private static final class Node {
        final String id, addr;
        final Journal j;
        final Clock clock = new Clock();
        VrrpState state = VrrpState.INIT;
        int prio, basePrio;
        boolean running = true, partitioned;
        long entries;
        final boolean[] rsDown = new boolean[RS.length];

        Node(Path dir, String id, String addr, int prio) {
            this.id = id; this.addr = addr; this.prio = prio; this.basePrio = prio;
            j = Journal.open(JournalConfig.defaults(dir, id).withClock(clock).withRetention(Duration.ZERO, 0).withRingCapacity(1 << 16));
        }

        long add(long wallNs, Cause c, Event e) {
            clock.wall = wallNs;
            long s = j.appendOrWait(c, e, Duration.ofSeconds(30));
            if (s < 0) throw new IllegalStateException("journal " + id + " did not take an entry");
            entries++;
            return s;
        }

        long transition(long at, VrrpState to, Cause c, String reason) {
            VrrpState from = state;
            state = to;
            long s = add(at, c, new Event.VrrpTransition("VI_1", from, to, reason, prio));
            if (to == VrrpState.MASTER) {
                add(at + 200_000, Cause.event(s), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
                add(at + 400_000, Cause.event(s), new Event.GarpSent("VI_1", "192.0.2.100", "eth0", 5));
            } else if (from == VrrpState.MASTER) {
                add(at + 200_000, Cause.event(s), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", false, true, ""));
            }
            return s;
        }

        Event alive() { return Event.NodeAlive.of(1000, List.of(new Beat("VI_1", 51, addr, state, prio, 1000))); }
    }

    private record Act(Node n, long at, Runnable r) {}

    /**
     * @param seconds       length of the journals
     * @param checksPerSec  check results per second per node (25 = a busy director)
     * @param periodSec     incident cycle length (≥ 600)
     */
    public static Truth write(Path dirA, Path dirB, long t0Ns, long seconds, double checksPerSec, long periodSec,
                              long crashAt, long restartAfter) {
        Node a = new Node(dirA, "lb-a", A, 150), b = new Node(dirB, "lb-b", B, 100);
        Random rnd = new Random(42);
        List<long[]> splits = new ArrayList<>();
        List<Long> preempts = new ArrayList<>();
        long S = 1_000_000_000L;
        long[] lastHeard = {0};
        try {
            a.add(t0Ns, Cause.NONE, new Event.NodeStarted("0.1.0", 100, Event.NodeStarted.FIRST_RUN, 0, 0));
            b.add(t0Ns + 3_000_000, Cause.NONE, new Event.NodeStarted("0.1.0", 200, Event.NodeStarted.FIRST_RUN, 0, 0));
            a.add(t0Ns + 5_000_000, Cause.configReload("c0ffee"), new Event.ConfigApplied("/etc/vigil/keepalived.conf", "c0ffee", "initial"));
            b.add(t0Ns + 6_000_000, Cause.configReload("c0ffee"), new Event.ConfigApplied("/etc/vigil/keepalived.conf", "c0ffee", "initial"));
            for (Node n : List.of(a, b))
                for (int i = 0; i < RS.length; i++) {
                    long s = n.add(t0Ns + 7_000_000 + i, Cause.configReload("c0ffee"), new Event.RealServerChanged(VS, RS[i], true, 1, true));
                    n.add(t0Ns + 7_000_100 + i, Cause.event(s), new Event.IpvsChanged(Event.IpvsOp.DEST_ADD, VS, RS[i], 1, "masq", true, ""));
                }
            a.transition(t0Ns + 10_000_000, VrrpState.BACKUP, Cause.configReload("c0ffee"), "start");
            b.transition(t0Ns + 11_000_000, VrrpState.BACKUP, Cause.configReload("c0ffee"), "start");
            a.transition(t0Ns + 3_620_000_000L, VrrpState.MASTER, new Cause.Vrrp(Cause.Vrrp.MASTER_DOWN, "", "eth0", 0, 0, ""), "no advert for 3.61 s");
            double checkEvery = checksPerSec > 0 ? 1.0 / checksPerSec : Double.MAX_VALUE;
            double[] nextCheck = {0.5, 0.5};
            long[] checkNo = {0, 0};
            for (long sec = 4; sec < seconds; sec++) {
                long base = t0Ns + sec * S;
                long inCycle = sec % periodSec;
                List<Act> acts = new ArrayList<>();
                final long fsec = sec;
                for (Node n : List.of(a, b)) {
                    int ni = n == a ? 0 : 1;
                    acts.add(new Act(n, base, () -> { if (n.running) n.add(base, Cause.NONE, n.alive()); }));
                    if (n.state == VrrpState.BACKUP && !n.partitioned && fsec % 60 == 7) {
                        Node m = n == a ? b : a;
                        acts.add(new Act(n, base + 300_000_000, () -> {
                            if (n.running && m.running && m.state == VrrpState.MASTER) {
                                n.add(base + 300_000_000, Cause.packet(m.addr, "eth0"), new Event.MasterSeen("VI_1", m.addr, m.prio, true));
                                lastHeard[0] = base;
                            }
                        }));
                    }
                    if (fsec % 2 == 1) acts.add(new Act(n, base + 100_000_000, () -> {
                        if (n.running) n.add(base + 100_000_000, Cause.timer("vrrp_script chk_nginx"),
                                new Event.CheckResult("chk_nginx", "vrrp_script", n.prio == n.basePrio, 3_000_000, "", 1));
                    }));
                    while (nextCheck[ni] < fsec + 1) {
                        long at = t0Ns + (long) (nextCheck[ni] * S);
                        long k = checkNo[ni]++;
                        nextCheck[ni] += checkEvery;
                        if (at < base) continue;
                        acts.add(new Act(n, at, () -> {
                            if (!n.running) return;
                            int r = (int) (k % RS.length);
                            n.add(at, Cause.timer("HTTP_GET"), new Event.CheckResult("HTTP_GET", RS[r], !n.rsDown[r],
                                    800_000 + rnd.nextInt(2_000_000), n.rsDown[r] ? "connection refused" : "", 1));
                        }));
                    }
                }
                // the incident cycle
                if (inCycle == 60) acts.add(new Act(a, base + 100_000_000, () -> {
                    if (!a.running) return;
                    long c = a.add(base + 100_000_001, Cause.timer("vrrp_script chk_nginx"), new Event.CheckResult("chk_nginx", "vrrp_script", false, 3_000_000, "exit 1", 1));
                    a.prio = 90;
                    a.add(base + 100_100_000, Cause.event(c), new Event.PriorityChanged("VI_1", 150, 90, "track_script chk_nginx weight -60"));
                    if (a.state == VrrpState.MASTER && b.running) {
                        preempts.add(b.transition(base + 800_000_000, VrrpState.MASTER,
                                new Cause.Vrrp(Cause.Vrrp.PREEMPT, A, "eth0", 90, base + 110_000_000, "lower"), "preempt: advert priority 90 from " + A));
                        a.transition(base + 900_000_000, VrrpState.BACKUP, new Cause.Vrrp(Cause.Vrrp.ADVERT, B, "eth0", 100, base + 850_000_000, "higher"),
                                "higher priority 100 from " + B);
                    }
                }));
                if (inCycle == 200) { a.partitioned = true; b.partitioned = true; }
                if (inCycle == 203 && a.running && a.state == VrrpState.BACKUP) acts.add(new Act(a, base + 600_000_000, () -> {
                    a.transition(base + 600_000_000, VrrpState.MASTER, new Cause.Vrrp(Cause.Vrrp.MASTER_DOWN, B, "eth0", 100, lastHeard[0], ""), "no advert for 3.61 s");
                    splits.add(new long[]{(base + 600_000_000) / 1_000_000, -1});
                }));
                if (inCycle == 209) acts.add(new Act(a, base, () -> {
                    a.partitioned = false; b.partitioned = false;
                    if (a.running && a.state == VrrpState.MASTER && b.state == VrrpState.MASTER) {
                        a.transition(base, VrrpState.BACKUP, new Cause.Vrrp(Cause.Vrrp.ADVERT, B, "eth0", 100, base - 1_000_000, "higher"), "higher priority 100 from " + B);
                        splits.getLast()[1] = base / 1_000_000;
                    }
                }));
                if (inCycle == 300) acts.add(new Act(a, base + 100_000_000, () -> {
                    if (!a.running || a.prio == 150) return;
                    long c = a.add(base + 100_000_001, Cause.timer("vrrp_script chk_nginx"), new Event.CheckResult("chk_nginx", "vrrp_script", true, 3_000_000, "", 1));
                    a.prio = 150;
                    a.add(base + 100_100_000, Cause.event(c), new Event.PriorityChanged("VI_1", 90, 150, "track_script chk_nginx weight -60"));
                    if (a.state == VrrpState.BACKUP && b.state == VrrpState.MASTER) {
                        a.transition(base + 900_000_000, VrrpState.MASTER, new Cause.Vrrp(Cause.Vrrp.PREEMPT, B, "eth0", 100, base + 500_000_000, "lower"),
                                "preempt: advert priority 100 from " + B);
                        b.transition(base + 950_000_000, VrrpState.BACKUP, new Cause.Vrrp(Cause.Vrrp.ADVERT, A, "eth0", 150, base + 920_000_000, "higher"),
                                "higher priority 150 from " + A);
                    }
                }));
                if (inCycle == 400 || inCycle == 430) for (Node n : List.of(a, b)) acts.add(new Act(n, base + 50_000_000, () -> {
                    if (!n.running) return;
                    boolean down = inCycle == 400;
                    n.rsDown[2] = down;
                    long c = n.add(base + 50_000_000, Cause.timer("HTTP_GET"), new Event.CheckResult("HTTP_GET", RS[2], !down, 5_000_000, down ? "connection refused" : "", 3));
                    long r = n.add(base + 50_100_000, Cause.event(c), new Event.RealServerChanged(VS, RS[2], !down, down ? 0 : 1, true));
                    n.add(base + 50_200_000, Cause.event(r), new Event.IpvsChanged(Event.IpvsOp.DEST_EDIT, VS, RS[2], down ? 0 : 1, "masq", true, ""));
                }));
                if (inCycle == 450) acts.add(new Act(b, base, () -> b.add(base, Cause.operator("alice", "api"), new Event.OperatorAction("alice", "drain", RS[3]))));
                if (inCycle == 500) for (Node n : List.of(a, b)) acts.add(new Act(n, base + 20_000_000, () -> {
                    if (n.running) n.add(base + 20_000_000, Cause.signal("SIGHUP"), new Event.ConfigApplied("/etc/vigil/keepalived.conf", "beef" + fsec, "1 instance changed"));
                }));
                if (crashAt >= 0 && sec == crashAt) acts.add(new Act(a, base + 500_000_000, () -> { a.running = false; a.state = VrrpState.INIT; }));
                if (crashAt >= 0 && sec == crashAt + 3 && b.state == VrrpState.BACKUP) acts.add(new Act(b, base + 600_000_000, () ->
                        b.transition(base + 600_000_000, VrrpState.MASTER, new Cause.Vrrp(Cause.Vrrp.MASTER_DOWN, A, "eth0", 150, base - 3_000_000_000L, ""), "no advert for 3.61 s")));
                if (crashAt >= 0 && restartAfter >= 0 && sec == crashAt + restartAfter) acts.add(new Act(a, base + 200_000_000, () -> {
                    a.running = true;
                    a.add(base + 200_000_000, Cause.NONE, new Event.NodeStarted("0.1.0", 101, Event.NodeStarted.CRASHED, 0, 0));
                    a.prio = 150;
                    a.transition(base + 210_000_000, VrrpState.BACKUP, Cause.configReload("c0ffee"), "start");
                    if (b.state == VrrpState.MASTER) {
                        a.transition(base + 900_000_000, VrrpState.MASTER, new Cause.Vrrp(Cause.Vrrp.PREEMPT, B, "eth0", 100, base + 500_000_000, "lower"), "preempt");
                        b.transition(base + 950_000_000, VrrpState.BACKUP, new Cause.Vrrp(Cause.Vrrp.ADVERT, A, "eth0", 150, base + 920_000_000, "higher"), "higher priority 150 from " + A);
                    }
                }));
                acts.sort(Comparator.comparingLong(Act::at));
                for (Act x : acts) x.r().run();
            }
            a.j.flush(Duration.ofSeconds(60));
            b.j.flush(Duration.ofSeconds(60));
        } finally {
            a.j.close();
            b.j.close();
        }
        return new Truth(splits, preempts, crashAt < 0 ? -1 : (t0Ns + crashAt * S) / 1_000_000, a.entries, b.entries);
    }
}
