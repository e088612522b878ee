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
import io.vigil.journal.JournalSet;
import io.vigil.journal.View;
import io.vigil.journal.forensic.Forensics;
import io.vigil.journal.forensic.IncidentFormat;

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
 * and a small read-only API over {@link Forensics} (states with UNKNOWN past each node's evidence, labelled
 * split-brain windows, crashes, skew, why-chains) and {@link JournalReader#stateAt} — the same projection code the
 * live node runs, so what the UI shows at instant T is what each node's own view was at T, unless the node had no
 * evidence then (shown as UNKNOWN).
 */
public final class ReplayServer implements AutoCloseable {

    private final Vertx vertx;
    private final Map<String, JournalReader> readers = new LinkedHashMap<>(); // node id → reader
    private final List<Entry> entries = new ArrayList<>();
    private final Forensics forensics;
    private final Forensics.Report report;
    private HttpServer server;
    private ConnectionGuard guard;

    private ReplayServer(Vertx vertx, List<Path> journals) {
        this.vertx = vertx;
        Map<String, List<Entry>> byNode = JournalSet.load(journals);   // refuses empty and non-journal directories
        int i = 0;
        for (var j : byNode.entrySet()) {
            readers.put(j.getKey(), JournalReader.open(journals.get(i++)));
            j.getValue().stream().filter(e -> !e.event().isAnnotation()).forEach(entries::add);
        }
        forensics = Forensics.of(byNode);
        report = forensics.report();
        entries.sort(Comparator.comparingLong((Entry e) -> forensics.corrected(e.node(), e.wallNs()))
                .thenComparing(Entry::node).thenComparingLong(Entry::seq));
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
        r.get("/replay/api/incidents").handler(ctx -> {
            JsonArray a = new JsonArray();
            IncidentFormat.json(report).forEach(a::add);
            json(ctx, a);
        });
        r.get("/replay/api/why").handler(this::why);
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
            var h = forensics.history(n);
            long count = h.entries().size();
            long last = h.entries().isEmpty() ? 0 : forensics.corrected(n, h.entries().getLast().wallNs());
            a.add(new JsonObject().put("node", n).put("entries", count).put("lastEntry", iso(last)));
        });
        json(ctx, a);
    }

    private void timeline(RoutingContext ctx) {
        JsonArray segs = new JsonArray();
        report.segments().forEach(s -> segs.add(new JsonObject().put("node", s.node()).put("instance", s.instance())
                .put("state", s.state().name()).put("from", ms(s.fromNs())).put("to", s.toNs() < 0 ? null : ms(s.toNs()))
                .put("ref", s.ref()).put("causeSeq", seqOf(s.ref())).put("why", s.why())));
        JsonArray splits = new JsonArray();
        report.splitBrains().forEach(s -> splits.add(new JsonObject().put("instance", s.instance())
                .put("from", ms(s.startNs())).put("to", s.endNs() < 0 ? null : ms(s.endNs()))
                .put("fromIso", iso(s.startNs())).put("toIso", s.endNs() < 0 ? null : iso(s.endNs()))
                .put("class", s.cls()).put("evidence", new JsonArray(s.evidence()))
                .put("nodes", new JsonArray(List.copyOf(s.nodes())))
                .put("openedBy", s.openedBy()).put("closedBy", s.closedBy())));
        JsonArray crashes = new JsonArray();
        report.crashes().forEach(c -> crashes.add(new JsonObject().put("node", c.node()).put("lastEntry", ms(c.lastEntryNs()))
                .put("lastSeq", c.lastSeq()).put("restart", c.restartNs() < 0 ? null : ms(c.restartNs()))));
        JsonObject last = new JsonObject();
        readers.keySet().forEach(n -> {
            var h = forensics.history(n);
            if (!h.entries().isEmpty()) last.put(n, ms(forensics.corrected(n, h.entries().getLast().wallNs())));
        });
        json(ctx, new JsonObject().put("first", ms(report.firstNs())).put("last", ms(report.lastNs()))
                .put("segments", segs).put("splitBrains", splits).put("crashes", crashes)
                .put("warnings", new JsonArray(report.warnings())).put("lastEntry", last));
    }

    private void why(RoutingContext ctx) {
        String ev = ctx.queryParams().get("event");
        int hash = ev == null ? -1 : ev.lastIndexOf('#');
        if (hash < 0) throw new IllegalArgumentException("event=NODE#SEQ expected");
        long seq;
        try { seq = Long.parseLong(ev.substring(hash + 1)); }
        catch (NumberFormatException e) { throw new IllegalArgumentException("event=" + ev + ": SEQ must be a number"); }
        json(ctx, new JsonObject().put("event", ev).put("why", IncidentFormat.why(forensics.why(ev.substring(0, hash), seq))));
    }

    private static Long seqOf(String ref) {
        int h = ref.lastIndexOf('#');
        try { return h < 0 ? null : Long.parseLong(ref.substring(h + 1)); } catch (NumberFormatException e) { return null; }
    }

    private void events(RoutingContext ctx) {
        long from = time(ctx, "from", Long.MIN_VALUE), to = time(ctx, "to", Long.MAX_VALUE);
        String node = ctx.queryParams().get("node");
        Set<String> types = ctx.queryParams().contains("type") ? Set.copyOf(ctx.queryParams().getAll("type")) : Set.of();
        int limit = limit(ctx.queryParams().get("limit"));
        JsonArray a = new JsonArray();
        for (Entry e : entries) {
            long at = forensics.corrected(e.node(), e.wallNs());
            if (at < from || at > to) continue;
            if (node != null && !node.equals(e.node())) continue;
            if (!types.isEmpty() && !types.contains(e.type().name())) continue;
            if (a.size() >= limit) break;
            a.add(new JsonObject().put("node", e.node()).put("seq", e.seq()).put("time", iso(at)).put("ms", ms(at))
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
            long atNode = at == Long.MAX_VALUE ? at : at + (at - forensics.corrected(node, at)); // reference → node clock
            View v = at == Long.MAX_VALUE ? r.stateAtEnd() : r.stateAt(atNode);
            JsonObject o = (JsonObject) JournalJson.value(v);
            // a node past its last evidence is unknown, whatever its journal said last
            long t = at == Long.MAX_VALUE ? report.lastNs() : at;
            JsonObject inst = o.getJsonObject("instances");
            if (inst != null) for (String name : inst.fieldNames()) {
                if (Forensics.stateAt(report.segments(), node, name, t) == io.vigil.journal.Event.VrrpState.UNKNOWN) {
                    JsonObject i = inst.getJsonObject(name);
                    i.put("lastKnownState", i.getString("state")).put("state", "UNKNOWN");
                }
            }
            out.put(node, o);
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
