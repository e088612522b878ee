package io.vigil.api;

import static io.vigil.api.HttpHelper.*;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vigil.journal.Entry;
import io.vigil.journal.EntryFormat;
import io.vigil.journal.Event;
import io.vigil.journal.EventType;
import io.vigil.journal.store.JournalException;
import io.vigil.journal.JournalJson;
import io.vigil.journal.store.JournalReader;
import io.vigil.journal.View;
import io.vigil.journal.forensic.ClockSkew;
import io.vigil.journal.forensic.Forensics;
import io.vigil.journal.forensic.IncidentFormat;
import io.vigil.journal.forensic.JournalIndex;
import io.vigil.journal.forensic.Lanes;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Forensic replay of several directors' journals (copied off the boxes, read in place, or from an incident bundle):
 * serves the replay UI and a read-only API. One streaming pass per journal builds a {@link JournalIndex} (the
 * state-relevant entries and per-second counts); {@link Forensics} runs over the kept entries only, so a 30-day
 * journal of 10 M events costs memory for its transitions, not its check results. The timeline is aggregated to
 * the requested zoom (spans narrower than a pixel merged, marks bucketed, counts binned); the event table pages
 * through the journals on disk, never capped silently. State at an instant comes from {@link JournalReader#stateAt}
 * — the same projection the live node runs — shown as UNKNOWN where the node had no evidence.
 */
public final class ReplayServer implements AutoCloseable {

    private final Vertx vertx;
    private final Map<String, JournalReader> readers = new LinkedHashMap<>(); // node id → reader
    private final Map<String, JournalIndex.Node> index = new LinkedHashMap<>();
    private final Map<String, Long> offsets = new LinkedHashMap<>();        // node clock − reference clock
    private final Forensics forensics;
    private final Forensics.Report report;
    private final Lanes lanes;
    private final String verified;
    private final Path cleanup;
    private HttpServer server;
    private ConnectionGuard guard;

    private ReplayServer(Vertx vertx, List<Path> journals, String verified, Path cleanup, Map<String, ClockSkew.Estimate> skews) {
        this.vertx = vertx;
        this.verified = verified;
        this.cleanup = cleanup;
        if (journals.isEmpty()) throw new IllegalArgumentException("no journal given (--journal DIR, once per director)");
        Map<String, List<Entry>> kept = new LinkedHashMap<>();
        journals.forEach(ReplayServer::checkDir);
        // one streaming pass per journal, the journals in parallel (each reader on its own thread)
        List<JournalReader> opened = new ArrayList<>();
        try {
            for (Path dir : journals) opened.add(JournalReader.open(dir));
            List<java.util.concurrent.CompletableFuture<JournalIndex.Node>> passes = new ArrayList<>();
            for (JournalReader r : opened)
                passes.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    JournalIndex.Builder b = new JournalIndex.Builder();
                    r.forEach(e -> { b.add(e); return true; });
                    return b.build();
                }, runnable -> Thread.ofPlatform().name("replay-index").start(runnable)));
            for (int i = 0; i < opened.size(); i++) {
                JournalIndex.Node n;
                try { n = passes.get(i).join(); }
                catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new JournalException(String.valueOf(e.getCause()));
                }
                Path dir = journals.get(i);
                if (n.entries() == 0) throw new JournalException("journal at " + dir + " has no entries");
                if (readers.containsKey(n.node()))
                    throw new JournalException(dir + " is another journal of node '" + n.node() + "', already loaded: give each director's journal once");
                readers.put(n.node(), opened.get(i));
                index.put(n.node(), n);
                kept.put(n.node(), n.kept());
            }
        } catch (RuntimeException e) {
            opened.forEach(JournalReader::close);
            throw e;
        }
        forensics = Forensics.ofThinned(kept, skews);
        report = forensics.report();
        lanes = Lanes.of(forensics, kept);
        kept.keySet().forEach(n -> offsets.put(n, -forensics.corrected(n, 0)));
    }

    private static void checkDir(Path dir) { io.vigil.journal.store.JournalSet.requireJournal(dir); }


    /** Opens the journals and listens on {@code host:port} (port 0 = any free port). */
    public static ReplayServer start(Vertx vertx, List<Path> journals, String host, int port) {
        return listen(new ReplayServer(vertx, journals, "", null, Map.of()), host, port);
    }

    /** Verifies an incident bundle ({@link ReplayBundle}), refusing it when any hash does not follow, and serves it. */
    public static ReplayServer startBundle(Vertx vertx, Path bundle, String host, int port) throws IOException {
        Path work = Files.createTempDirectory("vigil-bundle");
        try {
            ReplayBundle.Opened o = ReplayBundle.open(bundle, work);
            return listen(new ReplayServer(vertx, o.dirs(), o.verified(), work, o.skews()), host, port);
        } catch (RuntimeException e) {
            deleteTree(work);
            throw e;
        }
    }

    private static ReplayServer listen(ReplayServer s, String host, int port) {
        // as the management API: connection caps, idle timeout, no request bodies (docs/api.md "Limits")
        ApiLimits limits = ApiLimits.defaults();
        s.guard = new ConnectionGuard(s.vertx, limits, "replay server");
        HttpServer http = s.vertx.createHttpServer(ManagementServer.httpOptions(limits));
        s.guard.install(http);
        s.server = http.requestHandler(s.router()).listen(port, host).await();
        return s;
    }

    public int port() { return server.actualPort(); }

    /** The incident report the page shows (over the kept entries). */
    Forensics.Report report() { return report; }

    /** "" for journals; for a bundle what was verified on load. */
    public String verified() { return verified; }

    @Override public void close() {
        if (server != null) server.close().await();
        readers.values().forEach(JournalReader::close);
        if (cleanup != null) deleteTree(cleanup);
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) { /* a temp dir left behind is harmless */ }
    }

    private Router router() {
        Router r = Router.router(vertx);
        r.route().handler(guard::request);
        r.get("/replay/api/nodes").handler(this::nodes);
        r.get("/replay/api/timeline").blockingHandler(this::timeline, false);
        r.get("/replay/api/incidents").handler(ctx -> {
            JsonArray a = new JsonArray();
            IncidentFormat.json(report).forEach(a::add);
            json(ctx, a);
        });
        r.get("/replay/api/why").handler(this::why);
        // these read the queues: off the event loop, one at a time (a reader is single-threaded)
        r.get("/replay/api/events").blockingHandler(this::events, true);
        r.get("/replay/api/state").blockingHandler(this::state, true);
        r.get("/replay/api/bundle").blockingHandler(this::bundle, true);
        r.get("/").handler(ctx -> ctx.redirect("/replay/"));
        r.route("/replay/*").handler(StaticHandler.create("io/vigil/ui").setCachingEnabled(false));
        r.route().failureHandler(ctx -> {
            if (ctx.response().ended()) return;
            // a bad parameter is the client's mistake (400), not the server's
            int status = ctx.failure() instanceof IllegalArgumentException ? 400 : ctx.statusCode() < 0 ? 500 : ctx.statusCode();
            error(ctx, status, ctx.failure() == null ? "error" : String.valueOf(ctx.failure().getMessage()));
        });
        return r;
    }

    private void nodes(RoutingContext ctx) {
        JsonArray a = new JsonArray();
        index.forEach((n, ix) -> a.add(new JsonObject().put("node", n).put("entries", ix.entries()).put("kept", ix.kept().size())
                .put("lastEntry", iso(forensics.corrected(n, ix.lastWallNs())))));
        json(ctx, new JsonObject().put("nodes", a).put("verified", verified));
    }

    // ---------------------------------------------------------------- timeline, aggregated to the zoom

    private void timeline(RoutingContext ctx) {
        long first = report.firstNs(), last = Math.max(report.lastNs(), report.firstNs() + 1_000_000);
        long from = timeNsParam(ctx, "from", first), to = timeNsParam(ctx, "to", last);
        if (to <= from) to = from + 1_000_000;
        int px = Math.clamp(longParam(ctx, "px", 1000), 50, 8000);
        long res = Math.max(1, (to - from) / px);     // ns per pixel: anything narrower is merged
        JsonArray lanesOut = new JsonArray();
        Map<String, List<Span>> byLane = new LinkedHashMap<>();
        for (Forensics.Segment s : report.segments())
            byLane.computeIfAbsent(s.node() + "|vrrp|" + s.instance(), k -> new ArrayList<>())
                    .add(new Span(s.fromNs(), s.toNs(), s.state().name(), s.ref(), s.why()));
        for (Lanes.Span s : lanes.spans())
            byLane.computeIfAbsent(s.node() + "|" + s.group() + "|" + s.lane(), k -> new ArrayList<>())
                    .add(new Span(s.fromNs(), s.toNs(), s.value(), s.ref(), ""));
        for (var l : byLane.entrySet()) {
            String[] k = l.getKey().split("\\|", 3);
            lanesOut.add(new JsonObject().put("node", k[0]).put("group", k[1]).put("lane", k[2])
                    .put("spans", coalesce(l.getValue(), from, to, res, last)));
        }
        // marks: one per node, kind and pixel, with how many it stands for
        JsonArray marks = new JsonArray();
        Map<String, JsonObject> bucket = new HashMap<>();
        for (Lanes.Mark m : lanes.marks()) {
            if (m.atNs() < from || m.atNs() > to) continue;
            String key = m.node() + "|" + m.kind() + "|" + (m.atNs() - from) / res;
            JsonObject b = bucket.get(key);
            if (b != null) { b.put("n", b.getInteger("n") + 1); continue; }
            b = new JsonObject().put("node", m.node()).put("kind", m.kind()).put("t", ms(m.atNs())).put("ref", m.ref())
                    .put("text", m.text()).put("n", 1);
            bucket.put(key, b);
            marks.add(b);
        }
        // event counts per bin (whole seconds), per node, on the reference clock
        int bins = Math.min(px / 2, 600);
        long binSec = Math.max(1, (to - from) / 1_000_000_000L / bins + 1);
        long fromSec = Math.floorDiv(from, 1_000_000_000L);
        int nBins = (int) Math.min(bins, (Math.floorDiv(to, 1_000_000_000L) - fromSec) / binSec + 1);
        JsonObject counts = new JsonObject().put("from", fromSec * 1000).put("binMs", binSec * 1000);
        JsonObject all = new JsonObject(), checks = new JsonObject();
        index.forEach((n, ix) -> {
            long offSec = Math.round(offsets.get(n) / 1e9);
            JsonArray c = new JsonArray(), k = new JsonArray();
            for (int b = 0; b < nBins; b++) {
                long s0 = fromSec + b * binSec + offSec;
                c.add(ix.count(s0, s0 + binSec, false));
                k.add(ix.count(s0, s0 + binSec, true));
            }
            all.put(n, c);
            checks.put(n, k);
        });
        counts.put("all", all).put("checks", checks);

        // incidents: all of them for the list (all=1, the page's first load), else only those in view
        boolean everything = "1".equals(param(ctx, "all", "0"));
        long f = from, t = to;
        JsonArray splits = new JsonArray();
        report.splitBrains().stream().filter(s -> everything || s.startNs() <= t && (s.endNs() < 0 || s.endNs() >= f)).forEach(s -> splits.add(new JsonObject().put("instance", s.instance())
                .put("from", ms(s.startNs())).put("to", s.endNs() < 0 ? null : ms(s.endNs()))
                .put("fromNs", s.startNs()).put("toNs", s.endNs() < 0 ? null : s.endNs())
                .put("fromIso", iso(s.startNs())).put("toIso", s.endNs() < 0 ? null : iso(s.endNs()))
                .put("class", s.cls()).put("evidence", new JsonArray(s.evidence()))
                .put("nodes", new JsonArray(List.copyOf(s.nodes())))
                .put("openedBy", s.openedBy()).put("closedBy", s.closedBy())));
        JsonArray crashes = new JsonArray();
        report.crashes().stream().filter(c -> everything || c.lastEntryNs() <= t && (c.restartNs() < 0 || c.restartNs() >= f)).forEach(c -> crashes.add(new JsonObject().put("node", c.node()).put("lastEntry", ms(c.lastEntryNs()))
                .put("lastSeq", c.lastSeq()).put("restart", c.restartNs() < 0 ? null : ms(c.restartNs()))));
        JsonArray failovers = new JsonArray();
        if (everything) report.failovers().forEach(fo -> failovers.add(new JsonObject().put("instance", fo.instance()).put("node", fo.node())
                .put("seq", fo.seq()).put("t", ms(fo.atNs())).put("from", fo.from())));
        JsonObject lastEntry = new JsonObject();
        index.forEach((n, ix) -> lastEntry.put(n, ms(forensics.corrected(n, ix.lastWallNs()))));
        json(ctx, new JsonObject().put("first", ms(first)).put("last", ms(last)).put("from", ms(from)).put("to", ms(to))
                .put("nodes", new JsonArray(List.copyOf(index.keySet())))
                .put("lanes", lanesOut).put("marks", marks).put("counts", counts)
                .put("splitBrains", splits).put("crashes", crashes).put("failovers", failovers)
                .put("warnings", new JsonArray(report.warnings())).put("lastEntry", lastEntry));
    }

    private record Span(long fromNs, long toNs, String value, String ref, String why) {}

    /**
     * Spans overlapping [from, to], clipped; runs of spans narrower than {@code res} become one span whose value is
     * "MIXED" (with how many it stands for), so a month of flapping draws as a band, not as a barcode.
     */
    private static JsonArray coalesce(List<Span> spans, long from, long to, long res, long last) {
        JsonArray out = new JsonArray();
        JsonObject mixed = null;
        for (Span s : spans) {
            long end = s.toNs() < 0 ? last : s.toNs();
            if (end < from || s.fromNs() > to) continue;
            long a = Math.max(from, s.fromNs()), b = Math.min(to, end);
            if (b - a < res) {
                if (mixed != null && a - mixed.getLong("toNs") < res) {
                    mixed.put("toNs", b).put("to", ms(b)).put("n", mixed.getInteger("n") + 1).put("v", "MIXED");
                    continue;
                }
                mixed = span(s, a, b, end).put("toNs", b).put("n", 1);
                out.add(mixed);
                continue;
            }
            mixed = null;
            out.add(span(s, a, b, end));
        }
        for (Object o : out) ((JsonObject) o).remove("toNs");
        return out;
    }

    private static JsonObject span(Span s, long a, long b, long end) {
        return new JsonObject().put("from", ms(a)).put("to", ms(b)).put("v", s.value()).put("ref", s.ref()).put("why", s.why())
                .put("start", ms(s.fromNs())).put("open", s.toNs() < 0);
    }

    // ---------------------------------------------------------------- why

    private void why(RoutingContext ctx) {
        String ev = ctx.queryParams().get("event");
        int hash = ev == null ? -1 : ev.lastIndexOf('#');
        if (hash < 0) throw new IllegalArgumentException("event=NODE#SEQ expected");
        long seq;
        try { seq = Long.parseLong(ev.substring(hash + 1)); }
        catch (NumberFormatException e) { throw new IllegalArgumentException("event=" + ev + ": SEQ must be a number"); }
        String node = ev.substring(0, hash);
        JsonObject out = new JsonObject().put("event", ev).put("why", IncidentFormat.why(forensics.why(node, seq)));
        var h = forensics.history(node);
        Entry e = h == null ? null : h.bySeq(seq);
        if (e != null) out.put("at", iso(forensics.corrected(node, e.wallNs()))).put("t", ms(forensics.corrected(node, e.wallNs())))
                .put("type", e.type().cliName()).put("text", EntryFormat.summary(e.event()));
        json(ctx, out);
    }

    // ---------------------------------------------------------------- events: paged, filtered, collapsed

    private static final int SCAN_BUDGET = 2_000_000;
    private static final long PAGE_BUDGET_NS = 400_000_000L;

    private void events(RoutingContext ctx) {
        long from = timeNsParam(ctx, "from", Long.MIN_VALUE), to = timeNsParam(ctx, "to", Long.MAX_VALUE);
        Set<String> nodes = ctx.queryParams().contains("node") ? Set.copyOf(ctx.queryParams().getAll("node")) : index.keySet();
        // wire names (vrrp-transition); the enum names the UI sent before (VRRP_TRANSITION) are accepted too
        Set<EventType> types = ctx.queryParams().getAll("type").stream().map(EventType::parse).collect(Collectors.toSet());
        String instance = ctx.queryParams().get("instance");
        String q = param(ctx, "q", "").toLowerCase(Locale.ROOT);
        boolean collapse = !"0".equals(param(ctx, "collapse", "1"));
        int limit = intParam(ctx, "limit", 200);
        if (limit < 1 || limit > 5000) throw new IllegalArgumentException("limit=" + limit + ": expected 1 to 5000");
        Map<String, Long> after = parseAfter(param(ctx, "after", ""));
        for (String n : nodes) if (!index.containsKey(n)) throw new IllegalArgumentException("node=" + n + ": not loaded (" + index.keySet() + ")");

        record Head(Entry e, long at, JournalReader.Cursor c) {}
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
                : a.e.node().equals(b.e.node()) ? Long.compare(a.e.seq(), b.e.seq()) : a.e.node().compareTo(b.e.node()));
        List<JournalReader.Cursor> cursors = new ArrayList<>();
        Map<String, Long> position = new LinkedHashMap<>(after);
        JsonArray rows = new JsonArray();
        // node|checker|target → its collapsed row, and what must stay the same to fold into it (not part of the row)
        record Open(JsonObject row, String same) {}
        Map<String, Open> open = new HashMap<>();
        long scanned = 0, lastAt = from, deadline = System.nanoTime() + PAGE_BUDGET_NS;
        boolean more = false;
        try {
            for (String n : nodes) {
                JournalReader.Cursor c = readers.get(n).cursor();
                cursors.add(c);
                if (after.containsKey(n)) c.afterSeq(after.get(n));
                else if (from == Long.MIN_VALUE) c.toStart();
                else c.seekWall(from + offsets.get(n));
                pull(heads, c, n, (x, cur) -> new Head(x, forensics.corrected(n, x.wallNs()), cur));
            }
            while (!heads.isEmpty()) {
                Head h = heads.peek();
                if (h.at > to) break;
                // folding a quiet month into a few rows would read it all: a page stops after a time budget too,
                // and says where it stopped (scannedTo, next) instead of hanging or cutting silently
                if (scanned >= SCAN_BUDGET || scanned > 0 && (scanned & 1023) == 0 && System.nanoTime() > deadline) { more = true; break; }
                Entry e = h.e;
                String key = null;
                boolean match = matches(e, types, instance, q);
                if (match && collapse && repeatable(e.event()) != null) {
                    key = e.node() + "|" + e.type() + "|" + repeatKey(e.event());
                    Open o = open.get(key);
                    if (o != null && o.same().equals(repeatable(e.event()))) {
                        JsonObject row = o.row();
                        row.put("count", row.getInteger("count") + 1).put("lastMs", ms(h.at)).put("lastSeq", e.seq());
                        match = false;   // folded into its row
                    }
                }
                if (match && rows.size() >= limit) { more = true; break; }
                heads.poll();
                scanned++;
                lastAt = h.at;
                position.put(e.node(), e.seq());
                if (match) {
                    JsonObject row = row(e, h.at);
                    if (key != null) { row.put("count", 1); open.put(key, new Open(row, repeatable(e.event()))); }
                    rows.add(row);
                }
                String n = e.node();
                pull(heads, h.c, n, (x, cur) -> new Head(x, forensics.corrected(n, x.wallNs()), cur));
            }
        } finally {
            cursors.forEach(JournalReader.Cursor::close);
        }
        long fromSec = from == Long.MIN_VALUE ? Long.MIN_VALUE / 2 : Math.floorDiv(from, 1_000_000_000L);
        long toSec = to == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : Math.floorDiv(to, 1_000_000_000L) + 1;
        long total = 0;
        for (String n : nodes) {
            long off = Math.round(offsets.get(n) / 1e9);
            total += index.get(n).count(fromSec + off, toSec + off, false);
        }
        StringBuilder next = new StringBuilder();
        position.forEach((n, s) -> next.append(next.isEmpty() ? "" : ",").append(n).append(':').append(s));
        json(ctx, new JsonObject().put("rows", rows).put("more", more).put("next", more ? next.toString() : null)
                .put("scanned", scanned).put("scannedTo", ms(lastAt)).put("totalInRange", total));
    }

    /**
     * What must stay the same for an event to fold into the row of the previous one of its kind: a check's
     * result, a liveness mark's content; null for events that are never folded.
     */
    private static String repeatable(Event ev) {
        return switch (ev) {
            case Event.CheckResult c -> c.up() ? "up" : "down";
            case Event.NodeAlive a -> a.instances();
            case Event.MasterSeen m -> m.peer() + " " + m.priority();
            default -> null;
        };
    }

    private static String repeatKey(Event ev) {
        return switch (ev) {
            case Event.CheckResult c -> c.checker() + "|" + c.target();
            case Event.MasterSeen m -> m.instance();
            default -> "";
        };
    }

    private static <H> void pull(PriorityQueue<H> heads, JournalReader.Cursor c, String node,
                                 java.util.function.BiFunction<Entry, JournalReader.Cursor, H> mk) {
        for (Entry e = c.next(); e != null; e = c.next())
            if (!e.event().isAnnotation()) { heads.add(mk.apply(e, c)); return; }
    }

    private static Map<String, Long> parseAfter(String s) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (s.isBlank()) return out;
        for (String part : s.split(",")) {
            int c = part.lastIndexOf(':');
            try { out.put(part.substring(0, c), Long.parseLong(part.substring(c + 1))); }
            catch (RuntimeException e) { throw new IllegalArgumentException("after=" + s + ": expected NODE:SEQ,..."); }
        }
        return out;
    }

    private static boolean matches(Entry e, Set<EventType> types, String instance, String q) {
        if (!types.isEmpty() && !types.contains(e.type())) return false;
        if (instance != null && !instance.isEmpty() && !instance.equals(instanceOf(e.event()))) return false;
        if (q.isEmpty()) return true;
        String text = (e.node() + " " + e.type().cliName() + " " + EntryFormat.summary(e.event()) + " " + e.cause().describe())
                .toLowerCase(Locale.ROOT);
        return text.contains(q);
    }

    static String instanceOf(Event ev) {
        return switch (ev) {
            case Event.VrrpTransition t -> t.instance();
            case Event.PriorityChanged p -> p.instance();
            case Event.MasterSeen m -> m.instance();
            case Event.VipChanged v -> v.instance();
            case Event.GarpSent g -> g.instance();
            case Event.AdvertAnomaly a -> a.instance();
            default -> null;
        };
    }

    /**
     * An event row: the entry's one JSON shape ({@link JournalJson}, as the management API and export show it) plus
     * where it sits on the replay's reference clock, {@code at} (ISO) and {@code ms}; {@code time} stays the node's own.
     */
    static JsonObject row(Entry e, long at) {
        return JournalJson.toJson(e).put("at", iso(at)).put("ms", ms(at));
    }

    // ---------------------------------------------------------------- state at an instant

    private void state(RoutingContext ctx) {
        long at = timeNsParam(ctx, "at", Long.MAX_VALUE);
        JsonObject out = new JsonObject();
        readers.forEach((node, r) -> {
            long atNode = at == Long.MAX_VALUE ? at : at + offsets.get(node);   // reference → node clock
            View v = at == Long.MAX_VALUE ? r.stateAtEnd() : r.stateAt(atNode);
            JsonObject o = JournalJson.state(v);
            // a node past its last evidence is unknown, whatever its journal said last
            long t = at == Long.MAX_VALUE ? report.lastNs() : at;
            JsonObject inst = o.getJsonObject("instances");
            if (inst != null) for (String name : inst.fieldNames()) {
                if (Forensics.stateAt(report.segments(), node, name, t) == Event.VrrpState.UNKNOWN)
                    JournalJson.unknown(inst.getJsonObject(name));
            }
            out.put(node, o);
        });
        json(ctx, out);
    }

    // ---------------------------------------------------------------- bundle

    private void bundle(RoutingContext ctx) {
        long from = timeNsParam(ctx, "from", report.firstNs()), to = timeNsParam(ctx, "to", report.lastNs());
        StringWriter w = new StringWriter();
        try { ReplayBundle.write(readers, offsets, report.skews(), from, to, w); }
        catch (IOException e) { throw new JournalException("bundle: " + e.getMessage()); }
        String name = "vigil-incident-" + iso(from).replace(':', '-') + ".vigil-bundle";
        ctx.response().putHeader("content-type", "application/x-ndjson")
                .putHeader("content-disposition", "attachment; filename=\"" + name + "\"").end(w.toString());
    }

    /** Writes the bundle of [fromNs, toNs] (reference clock) of every loaded journal to {@code file}. */
    public long writeBundle(long fromNs, long toNs, Path file) throws IOException {
        try (var w = Files.newBufferedWriter(file)) { return ReplayBundle.write(readers, offsets, report.skews(), fromNs, toNs, w); }
    }

    private static long ms(long wallNs) { return Math.floorDiv(wallNs, 1_000_000L); }

    private static String iso(long wallNs) { return Instant.ofEpochSecond(0, wallNs).toString(); }

}
