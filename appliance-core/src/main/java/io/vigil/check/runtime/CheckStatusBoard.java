package io.vigil.check.runtime;

import io.vigil.check.HealthEvent;
import io.vigil.check.HealthListener;
import io.vigil.check.HealthModel;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live state of every real-server checker, for the API ({@code /api/v1/checks}): fed by the scheduler's
 * events, read by request threads. A checker starts UP (DOWN with alpha) before its first probe, as the engine does.
 */
public final class CheckStatusBoard implements HealthListener {

    /**
     * One checker now. {@code ordinal} is its place among the real server's checkers of the same keyword (0 for the
     * first TCP_CHECK, ...), so the configuration's checker blocks can be matched to it; {@code failures} counts the
     * failed probes since the last good one.
     */
    public record Status(String checker, String keyword, String virtualServer, String realServer, int ordinal, boolean up,
                         Instant lastRun, double lastLatencySeconds, String lastDetail, long failures) {}

    private static final class Live {
        final String keyword, virtualServer, realServer;
        final int ordinal;
        boolean up;
        /** Epoch millis of the last probe, {@link #NEVER} before the first: an {@code Instant} per probe was garbage. */
        long lastRunMillis = NEVER;
        double latency;
        String detail;
        long failures;

        Live(String keyword, String virtualServer, String realServer, int ordinal, boolean up) {
            this.keyword = keyword;
            this.virtualServer = virtualServer;
            this.realServer = realServer;
            this.ordinal = ordinal;
            this.up = up;
        }
    }

    private static final long NEVER = Long.MIN_VALUE;
    private final Clock clock;
    private final Map<String, Live> byName = new LinkedHashMap<>();

    public CheckStatusBoard(HealthModel model, Clock clock) {
        this.clock = clock;
        for (var vs : model.virtualServers()) {
            for (var rs : vs.realServers()) {
                Map<String, Integer> seen = new HashMap<>();
                for (var c : rs.checkers()) {
                    int ordinal = seen.merge(c.keyword(), 1, Integer::sum) - 1;
                    byName.put(c.name(), new Live(c.keyword(), vs.id(), rs.id(), ordinal, !rs.alpha()));
                }
            }
        }
    }

    @Override public void onEvent(HealthEvent event) {
        switch (event) {
            case HealthEvent.ProbeCompleted p -> {
                Live l = byName.get(p.checker());
                if (l == null) return;
                synchronized (l) {
                    l.lastRunMillis = clock.millis();
                    l.latency = p.latencyNanos() / 1e9;
                    l.detail = p.detail();
                    l.failures = p.up() ? 0 : l.failures + 1;
                }
            }
            case HealthEvent.CheckerChanged c -> {
                Live l = byName.get(c.checker());
                if (l == null) return;
                synchronized (l) { l.up = c.up(); }
            }
            default -> { }
        }
    }

    /** Before the scheduler starts: the named checkers go on from the previous checker's entries (a reload). */
    public void carry(List<Status> previous, java.util.Set<String> names) {
        for (Status p : previous) {
            Live l = byName.get(p.checker());
            if (l == null || !names.contains(p.checker())) continue;
            synchronized (l) {
                l.up = p.up();
                l.lastRunMillis = p.lastRun() == null ? NEVER : p.lastRun().toEpochMilli();
                l.latency = p.lastLatencySeconds();
                l.detail = p.lastDetail();
                l.failures = p.failures();
            }
        }
    }

    /** Every checker in plan order. */
    public List<Status> snapshot() {
        List<Status> out = new ArrayList<>(byName.size());
        byName.forEach((name, l) -> {
            synchronized (l) {
                Instant lastRun = l.lastRunMillis == NEVER ? null : Instant.ofEpochMilli(l.lastRunMillis);
                out.add(new Status(name, l.keyword, l.virtualServer, l.realServer, l.ordinal, l.up, lastRun, l.latency,
                        l.detail, l.failures));
            }
        });
        return out;
    }
}
