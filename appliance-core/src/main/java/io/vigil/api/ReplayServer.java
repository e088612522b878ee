package io.vigil.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vigil.journal.Entry;
import io.vigil.journal.JournalJson;
import io.vigil.journal.JournalReader;
import io.vigil.journal.Timeline;
import io.vigil.journal.View;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forensic replay of several directors' journals (copied off the boxes or read in place): serves the replay UI
 * and a small read-only API over {@link Timeline} and {@link JournalReader#stateAt} — the same projection code
 * the live node runs, so what the UI shows at instant T is what each node's own view was at T.
 */
public final class ReplayServer implements AutoCloseable {

    private final Vertx vertx;
    private final Map<String, JournalReader> readers = new LinkedHashMap<>(); // node id → reader
    private final List<Entry> entries = new ArrayList<>();
    private final Timeline.Result timeline;
    private HttpServer server;
    private ConnectionGuard guard;

    private ReplayServer(Vertx vertx, List<Path> journals) {
        this.vertx = vertx;
        for (Path dir : journals) {
            JournalReader r = JournalReader.open(dir);
            List<Entry> all = r.readAll().stream().filter(e -> !e.event().isAnnotation()).toList();
            String node = all.isEmpty() ? dir.getFileName().toString() : all.getFirst().node();
            if (readers.containsKey(node)) node = node + "@" + dir;
            readers.put(node, r);
            entries.addAll(all);
        }
        entries.sort(Comparator.comparingLong(Entry::wallNs).thenComparing(Entry::node).thenComparingLong(Entry::seq));
        timeline = Timeline.of(entries);
    }

    /** Opens the journals and listens on {@code host:port} (port 0 = any free port). */
    public static ReplayServer start(Vertx vertx, List<Path> journals, String host, int port) {
        return start(vertx, journals, host, port, ApiLimits.defaults());
    }

    /** As the management API: connection caps, idle timeout, no request bodies (docs/api.md "Limits"). */
    public static ReplayServer start(Vertx vertx, List<Path> journals, String host, int port, ApiLimits limits) {
        ReplayServer s = new ReplayServer(vertx, journals);
        s.guard = new ConnectionGuard(vertx, limits, "replay server");
        HttpServer http = vertx.createHttpServer(ManagementServer.httpOptions(limits));
        s.guard.install(http);
        s.server = http.requestHandler(s.router()).listen(port, host).await();
        return s;
    }

    public int port() { return server.actualPort(); }

    @Override public void close() {
        if (server != null) server.close().await();
        readers.values().forEach(JournalReader::close);
    }

    private Router router() {
        Router r = Router.router(vertx);
        r.route().handler(guard::request);
        r.get("/replay/api/nodes").handler(this::nodes);
        r.get("/replay/api/timeline").handler(this::timeline);
        r.get("/replay/api/events").handler(this::events);
        // stateAt reads the queues: off the event loop, one at a time (a reader is single-threaded)
        r.get("/replay/api/state").blockingHandler(this::state, true);
        r.get("/").handler(ctx -> ctx.redirect("/replay/"));
        r.route("/replay/*").handler(StaticHandler.create("io/vigil/ui").setCachingEnabled(false));
        r.route().failureHandler(ctx -> {
            if (ctx.response().ended()) return;
            // a bad parameter is the client's mistake (400), not the server's
            int status = ctx.failure() instanceof IllegalArgumentException ? 400 : ctx.statusCode() < 0 ? 500 : ctx.statusCode();
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", ctx.failure() == null ? "error" : String.valueOf(ctx.failure().getMessage()))
                            .put("status", status).encode());
        });
        return r;
    }

    private void nodes(RoutingContext ctx) {
        JsonArray a = new JsonArray();
        readers.keySet().forEach(n -> {
            long count = entries.stream().filter(e -> e.node().equals(n)).count();
            a.add(new JsonObject().put("node", n).put("entries", count)
                    .put("lastEntry", iso(timeline.lastEntryWallNs().getOrDefault(n, 0L))));
        });
        json(ctx, a);
    }

    private void timeline(RoutingContext ctx) {
        JsonArray segs = new JsonArray();
        timeline.segments().forEach(s -> segs.add(new JsonObject().put("node", s.node()).put("instance", s.instance())
                .put("state", s.state().name()).put("from", ms(s.fromWallNs())).put("to", s.toWallNs() < 0 ? null : ms(s.toWallNs()))
                .put("causeSeq", s.causeSeq()).put("why", s.why())));
        JsonArray splits = new JsonArray();
        timeline.splitBrains().forEach(s -> splits.add(new JsonObject().put("instance", s.instance())
                .put("from", ms(s.fromWallNs())).put("to", s.toWallNs() < 0 ? null : ms(s.toWallNs()))
                .put("fromIso", iso(s.fromWallNs())).put("toIso", s.toWallNs() < 0 ? null : iso(s.toWallNs()))
                .put("nodes", new JsonArray(List.copyOf(s.nodes()))).put("openedBy", s.openedBy()).put("closedBy", s.closedBy())));
        JsonObject last = new JsonObject();
        timeline.lastEntryWallNs().forEach((n, t) -> last.put(n, ms(t)));
        json(ctx, new JsonObject().put("first", ms(timeline.firstWallNs())).put("last", ms(timeline.lastWallNs()))
                .put("segments", segs).put("splitBrains", splits).put("lastEntry", last));
    }

    private void events(RoutingContext ctx) {
        long from = time(ctx, "from", Long.MIN_VALUE), to = time(ctx, "to", Long.MAX_VALUE);
        String node = ctx.queryParams().get("node");
        Set<String> types = ctx.queryParams().contains("type") ? Set.copyOf(ctx.queryParams().getAll("type")) : Set.of();
        int limit = limit(ctx.queryParams().get("limit"));
        JsonArray a = new JsonArray();
        for (Entry e : entries) {
            if (e.wallNs() < from || e.wallNs() > to) continue;
            if (node != null && !node.equals(e.node())) continue;
            if (!types.isEmpty() && !types.contains(e.type().name())) continue;
            if (a.size() >= limit) break;
            a.add(new JsonObject().put("node", e.node()).put("seq", e.seq()).put("time", iso(e.wallNs())).put("ms", ms(e.wallNs()))
                    .put("type", e.type().name()).put("cause", e.cause().describe())
                    .put("causeSeq", e.cause() instanceof io.vigil.journal.Cause.Event c ? c.seq() : null)
                    .put("data", JournalJson.value(e.event())));
        }
        json(ctx, a);
    }

    private void state(RoutingContext ctx) {
        long at = time(ctx, "at", Long.MAX_VALUE);
        JsonObject out = new JsonObject();
        readers.forEach((node, r) -> {
            View v = at == Long.MAX_VALUE ? r.stateAtEnd() : r.stateAt(at);
            out.put(node, JournalJson.value(v));
        });
        json(ctx, out);
    }

    private static int limit(String v) {
        if (v == null || v.isBlank()) return 2000;
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("limit=" + v + ": expected a positive integer");
    }

    /** {@code ?name=} as ISO-8601 instant or epoch milliseconds → wall ns. */
    private static long time(RoutingContext ctx, String name, long dflt) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            if (v.chars().allMatch(Character::isDigit)) return Math.multiplyExact(Long.parseLong(v), 1_000_000L);
            Instant i = Instant.parse(v);
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException ex) {
            throw new IllegalArgumentException(name + "=" + v + ": expected an ISO-8601 instant or epoch milliseconds");
        }
    }

    private static long ms(long wallNs) { return wallNs / 1_000_000L; }

    private static String iso(long wallNs) { return Instant.ofEpochSecond(0, wallNs).toString(); }

    private static void json(RoutingContext ctx, Object body) {
        ctx.response().putHeader("content-type", "application/json")
                .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    }
}
