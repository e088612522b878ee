package io.vigil.api;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A small but complete {@link NodeView} for API tests: an in-memory event log whose appends update a
 * projection, with ordered replay-then-live subscriptions. Control actions append operator events.
 */
final class MemoryNode implements NodeView {
    private final List<Views.Event> log = new ArrayList<>();
    private final List<Consumer<Views.Event>> subscribers = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> drained = new LinkedHashMap<>();
    private boolean maintenance;
    private String state = "BACKUP";
    long reloads;
    Views.VrrpStats stats = new Views.VrrpStats(40, 120, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    MemoryNode() {
        drained.put("192.0.2.21-80", false);
        drained.put("192.0.2.22-80", false);
    }

    synchronized Views.Event append(String type, String cause, Map<String, Object> data) {
        return append(Instant.now(), type, cause, data);
    }

    /** Appends under the lock and queues for subscribers under it, so they see exactly log order. */
    synchronized Views.Event append(Instant time, String type, String cause, Map<String, Object> data) {
        long seq = log.size() + 1;
        var e = new Views.Event(seq, time, type, new io.vertx.core.json.JsonObject().put("seq", seq).put("time", time.toString())
                .put("type", type).put("cause", cause).put("data", new io.vertx.core.json.JsonObject(new LinkedHashMap<>(data))));
        log.add(e);
        if (type.equals("VrrpTransition")) state = (String) data.get("to");
        for (var s : subscribers) s.accept(e);
        return e;
    }

    @Override public String nodeName() { return "lab-d1"; }

    @Override public synchronized List<Views.Instance> instances() {
        return List.of(new Views.Instance("VI_1", "eth0", 51, state, 100, maintenance ? 1 : 100, maintenance,
                List.of("192.0.2.50/24"), 5, Instant.EPOCH, stats));
    }

    @Override public synchronized List<Views.VirtualServer> virtualServers() {
        List<Views.RealServer> reals = new ArrayList<>();
        drained.forEach((id, d) -> reals.add(new Views.RealServer(id, id.substring(0, id.indexOf('-')), 80, 1, d ? 0 : 1,
                true, d, kernelStats)));
        return List.of(new Views.VirtualServer("TCP-192.0.2.50-80", "TCP", "192.0.2.50", 80, 0, "rr", reals, kernelStats));
    }

    @Override public List<Views.Check> checks() {
        return List.of(new Views.Check("HTTP_GET-192.0.2.21-80", "HTTP_GET", "TCP-192.0.2.50-80", "192.0.2.21-80",
                "UP", Instant.EPOCH, 0.002, "200", 0));
    }

    @Override public synchronized JsonObject stateAt(Instant at) {
        String s = "INIT";
        long seq = 0;
        for (var e : log) {
            if (e.time().isAfter(at)) break;
            seq = e.seq();
            if (e.type().equals("VrrpTransition")) s = e.json().getJsonObject("data").getString("to");
        }
        return new JsonObject().put("seq", seq).put("instances", new JsonObject().put("VI_1", new JsonObject().put("state", s)));
    }

    @Override public synchronized List<Views.Event> events(Instant from, Instant to, Set<String> types, int limit) {
        return log.stream().filter(e -> !e.time().isBefore(from) && e.time().isBefore(to))
                .filter(e -> types.isEmpty() || types.contains(e.type())).limit(limit).toList();
    }

    /** As the journal-backed node does: replay, then live events, on the subscription's own thread (the sink may block). */
    @Override public synchronized AutoCloseable subscribe(long afterSeq, Consumer<Views.Event> sink) {
        var queue = new java.util.concurrent.LinkedBlockingQueue<Views.Event>();
        for (var e : log) if (e.seq() > afterSeq) queue.add(e);
        Consumer<Views.Event> enqueue = queue::add;
        subscribers.add(enqueue);
        Thread t = Thread.ofVirtual().name("memory-node-subscription").start(() -> {
            try {
                while (true) sink.accept(queue.take());
            } catch (InterruptedException e) {
                // closed
            }
        });
        return () -> {
            subscribers.remove(enqueue);
            t.interrupt();
        };
    }

    int subscribers() { return subscribers.size(); }

    @Override public synchronized long lastSeq() { return log.size(); }

    @Override public synchronized Views.JournalInfo journalInfo() { return new Views.JournalInfo(log.size(), 4096L * log.size()); }

    @Override public synchronized long drain(String vs, String rs, boolean d) {
        if (!vs.equals("TCP-192.0.2.50-80")) throw new NotFound("no virtual_server " + vs);
        if (!drained.containsKey(rs)) throw new NotFound("no real_server " + rs);
        drained.put(rs, d);
        return append(d ? "RealServerDrained" : "RealServerUndrained", "operator", Map.of("virtualServer", vs, "realServer", rs)).seq();
    }

    @Override public synchronized long maintenance(String instance, boolean on) {
        if (!instance.equals("VI_1")) throw new NotFound("no vrrp_instance " + instance);
        maintenance = on;
        return append("Maintenance", "operator", Map.of("instance", instance, "on", on)).seq();
    }

    /** What the next reloads report: applied when empty, else rejected with these errors. */
    volatile List<String> reloadErrors = List.of();
    volatile boolean lastReloadForced;

    @Override public synchronized Views.Reload reload(boolean force) {
        reloads++;
        lastReloadForced = force;
        long seq = append("ConfigReloaded", "operator", Map.of()).seq();
        return reloadErrors.isEmpty() ? new Views.Reload(seq, true, "~VI_1", List.of()) : new Views.Reload(seq, false, "", reloadErrors);
    }

    /** Kernel IPVS counters to report, or null for "this kernel has no ip_vs". */
    volatile Views.IpvsStats kernelStats;

    @Override public java.util.Optional<String> ipvsUnavailable() {
        return kernelStats == null ? java.util.Optional.of("no ip_vs in this kernel") : java.util.Optional.empty();
    }

    synchronized boolean drained(String rs) { return drained.get(rs); }
}
