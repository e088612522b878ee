package io.vigil.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vigil.api.ReplayJournals;
import io.vigil.api.ReplayServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The replay UI on two long journals: generates a realistic pair ({@link ReplayJournals}: liveness every second,
 * check results, an incident cycle every 6 h, one crash and restart) of DAYS days at a rate that gives about
 * EVENTS events per node, or reuses DIR if it already holds one; then prints the index build time and heap, the
 * API times (whole-range timeline, zoomed timelines, event pages) and, in chromium, first paint and zoom redraw.
 * Targets: first paint < 2 s, zoom redraw < 300 ms.
 * Usage: bin/bench io.vigil.bench.ReplayBench [DIR=/tmp/vigil-replay-bench] [days=30] [events=10000000]
 */
public final class ReplayBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/vigil-replay-bench");
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        long events = args.length > 2 ? Long.parseLong(args[2]) : 10_000_000;
        long seconds = days * 86_400L;
        long t0 = 1_795_000_000_000_000_000L;
        Path a = dir.resolve("a"), b = dir.resolve("b");
        if (!Files.isDirectory(a)) {
            // per second: 1 liveness mark + 0.5 script result + checks
            double rate = Math.max(0, events / (double) seconds - 1.5);
            long g = System.nanoTime();
            var truth = ReplayJournals.write(a, b, t0, seconds, rate, 6 * 3600, seconds / 3, 60);
            System.out.printf("generated %d days: lb-a %,d events, lb-b %,d events (%.2f checks/s per node) in %.1f s; %d split brains%n",
                    days, truth.entriesA(), truth.entriesB(), rate, (System.nanoTime() - g) / 1e9, truth.splitBrainsMs().size());
        }
        System.out.printf("journal size on disk: %s%n", du(dir));
        Vertx vertx = Vertx.vertx();
        long s0 = System.nanoTime();
        try (ReplayServer server = ReplayServer.start(vertx, List.of(a, b), "127.0.0.1", 0)) {
            double load = (System.nanoTime() - s0) / 1e9;
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("index built (one streaming pass per journal, forensics over kept entries) in %.1f s; heap used %d MB%n",
                    load, (rt.totalMemory() - rt.freeMemory()) >> 20);
            String base = "http://127.0.0.1:" + server.port() + "/replay/";
            HttpClient http = HttpClient.newHttpClient();
            JsonObject tl = new JsonObject(get(http, base + "api/timeline?px=1300"));
            long first = tl.getLong("first"), last = tl.getLong("last");
            double[] whole = new double[5];
            for (int i = 0; i < whole.length; i++) { long t = System.nanoTime(); get(http, base + "api/timeline?px=1300"); whole[i] = (System.nanoTime() - t) / 1e6; }
            Random rnd = new Random(7);
            double[] zoom = new double[20], page = new double[20];
            for (int i = 0; i < zoom.length; i++) {
                long span = (long) ((last - first) / Math.pow(4, 1 + rnd.nextInt(8)));
                long from = first + (long) (rnd.nextDouble() * (last - first - span));
                long t = System.nanoTime();
                get(http, base + "api/timeline?px=1300&from=" + from + "&to=" + (from + span));
                zoom[i] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                get(http, base + "api/events?limit=200&from=" + from + "&to=" + (from + span));
                page[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.printf("API whole-range timeline: median %.0f ms, max %.0f ms (%d bytes, %d split brains, %d crashes)%n",
                    median(whole), max(whole), tl.encode().length(), tl.getJsonArray("splitBrains").size(), tl.getJsonArray("crashes").size());
            System.out.printf("API zoomed timeline (20 random ranges): median %.0f ms, max %.0f ms%n", median(zoom), max(zoom));
            System.out.printf("API event page of 200 rows (same ranges): median %.0f ms, max %.0f ms%n", median(page), max(page));
            Path script = Path.of("..", "ui", "test", "replay-bench.mjs").toAbsolutePath().normalize();
            if (!Files.exists(script)) script = Path.of("ui", "test", "replay-bench.mjs").toAbsolutePath();
            Process p = new ProcessBuilder("node", script.toString(), base).redirectErrorStream(true).start();
            boolean done = p.waitFor(300, TimeUnit.SECONDS);
            System.out.print(new String(p.getInputStream().readAllBytes()));
            if (!done) { p.destroyForcibly(); System.out.println("browser bench timed out"); }
        } finally {
            vertx.close().await();
        }
    }

    static String get(HttpClient http, String url) throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(url + " → " + r.statusCode() + " " + r.body());
        return r.body();
    }

    static double median(double[] a) { double[] c = a.clone(); Arrays.sort(c); return c[c.length / 2]; }
    static double max(double[] a) { return Arrays.stream(a).max().orElse(0); }

    static String du(Path dir) throws Exception {
        Process p = new ProcessBuilder("du", "-sh", dir.toString()).redirectErrorStream(true).start();
        return new String(p.getInputStream().readAllBytes()).trim();
    }
}
