package io.vigil.journal.store;

import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.View;
import io.vigil.journal.Event.*;
import net.openhft.chronicle.core.time.SetTimeProvider;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Random but plausible director events over a small set of names, and a clock tied to Chronicle's test time. */
final class Scenario {
    private static final List<String> INSTANCES = List.of("VI_1", "VI_2");
    private static final List<String> VIPS = List.of("192.0.2.100/24", "192.0.2.101/24", "203.0.113.5/32");
    private static final List<String> RS = List.of("198.51.100.11:80", "198.51.100.12:80", "198.51.100.13:80");
    private static final String VS = "TCP 192.0.2.100:80 wrr";

    private final Random rnd;
    Scenario(long seed) { rnd = new Random(seed); }

    private <T> T pick(List<T> l) { return l.get(rnd.nextInt(l.size())); }

    Event next() {
        return switch (rnd.nextInt(10)) {
            case 0 -> new VrrpTransition(pick(INSTANCES), pick(List.of(VrrpState.values())), pick(List.of(VrrpState.BACKUP, VrrpState.MASTER, VrrpState.FAULT)), "random", rnd.nextInt(3) * 50);
            case 1 -> new PriorityChanged(pick(INSTANCES), 100, 50 + rnd.nextInt(100), "track_script chk");
            case 2 -> new MasterSeen(pick(INSTANCES), "192.0.2." + (1 + rnd.nextInt(3)), 100 + rnd.nextInt(100), rnd.nextBoolean());
            case 3 -> new VipChanged(pick(INSTANCES), pick(VIPS), "eth0", rnd.nextBoolean(), rnd.nextInt(5) > 0, "");
            case 4 -> new RealServerChanged(VS, pick(RS), rnd.nextBoolean(), rnd.nextInt(5), rnd.nextBoolean());
            case 5 -> new IpvsChanged(pick(List.of(IpvsOp.values())), VS, pick(RS), rnd.nextInt(5), "masq", rnd.nextInt(5) > 0, "");
            case 6, 7 -> new CheckResult("HTTP_GET", pick(RS), rnd.nextBoolean(), rnd.nextInt(1_000_000), "", 1 + rnd.nextInt(3));
            case 8 -> new GarpSent(pick(INSTANCES), pick(VIPS), "eth0", 5);
            default -> new ConfigApplied("/etc/keepalived/keepalived.conf", "sha256:" + rnd.nextInt(1000), "");
        };
    }

    /** Wall time = Chronicle test time + 1 µs per stamp (strictly increasing), mono = wall. */
    static JournalClock clock(SetTimeProvider time) {
        AtomicLong n = new AtomicLong();
        return new JournalClock() {
            @Override public long wallNs() { return time.currentTimeNanos() + n.incrementAndGet() * 1_000; }
            @Override public long monoNs() { return n.get(); }
        };
    }

    /** The fold from the empty view over every event with wall ≤ t: what stateAt(t) must equal. */
    static View bruteForce(List<Entry> events, long t) {
        View v = View.EMPTY;
        for (Entry e : events) if (e.wallNs() <= t && !e.event().isAnnotation()) v = v.apply(e);
        return v;
    }
}
