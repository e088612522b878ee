package io.vigil.bench;

import io.vertx.core.Vertx;
import io.vigil.api.ConfiguredNodeView;
import io.vigil.api.JournalAccess;
import io.vigil.api.ManagementOptions;
import io.vigil.api.ManagementServer;
import io.vigil.api.Views;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.lab.LabPlan;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Management API numbers over a real journal: /metrics scrape latency, SSE delivery rate and lag from append
 * to client. Run: bin/bench io.vigil.bench.ApiBench [events]
 */
public final class ApiBench {
    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        Path dir = Files.createTempDirectory("vigil-apibench");
        LabPlan plan = LabPlan.defaults();
        var cfg = ConfigLoader.loadText("keepalived.conf", plan.keepalivedConf(plan.directors().getFirst()), dir, LoadOptions.defaults())
                .config().orElseThrow();
        Vertx vertx = Vertx.vertx();
        try (Journal j = Journal.open(JournalConfig.defaults(dir.resolve("journal"), "bench"))) {
            var runtime = new ConfiguredNodeView.Runtime() {
                public Views.VrrpStats vrrpStats(String i) { return Views.VrrpStats.ZERO; }
                public boolean maintenance(String i) { return false; }
                public boolean drained(String vs, String rs) { return false; }
                public long drain(String vs, String rs, boolean d) { return 0; }
                public long maintenance(String i, boolean on) { return 0; }
                public io.vigil.api.Views.Reload reload(boolean force) { return new io.vigil.api.Views.Reload(0, true, "", java.util.List.of()); }
            };
            var view = new ConfiguredNodeView("bench", () -> cfg, new JournalAccess(j), runtime);
            var server = ManagementServer.start(vertx, view, new ManagementOptions("127.0.0.1", 0, Optional.empty()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            var http = HttpClient.newHttpClient();

            // /metrics
            var scrape = HttpRequest.newBuilder(URI.create(server.url() + "metrics")).build();
            for (int i = 0; i < 200; i++) http.send(scrape, HttpResponse.BodyHandlers.discarding());
            long[] ns = new long[1000];
            for (int i = 0; i < ns.length; i++) {
                long t = System.nanoTime();
                http.send(scrape, HttpResponse.BodyHandlers.ofString());
                ns[i] = System.nanoTime() - t;
            }
            Arrays.sort(ns);
            System.out.printf("GET /metrics: p50 %.2f ms, p99 %.2f ms (%d requests, sequential)%n", ns[500] / 1e6, ns[990] / 1e6, ns.length);

            // SSE: live events from append to client
            long start = j.writtenSeq();
            var res = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/events/stream?after=" + start)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long t0 = System.nanoTime();
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < events; i++) {
                    while (j.append(Cause.timer("check"), new Event.CheckResult("HTTP_GET", "192.0.2.21:80", true, System.nanoTime(), "", 1)) < 0) Thread.onSpinWait();
                }
            });
            long received = 0, lagSum = 0, lagMax = 0;
            try (var in = new BufferedReader(new InputStreamReader(res.body()))) {
                String line;
                while (received < events && (line = in.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        received++;
                        int k = line.indexOf("\"latencyNs\":");
                        long sent = Long.parseLong(line.substring(k + 12, line.indexOf(',', k)));
                        long lag = System.nanoTime() - sent;
                        lagSum += lag;
                        lagMax = Math.max(lagMax, lag);
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            writer.join();
            System.out.printf("SSE: %d events in %.2f s = %.0f events/s; append->client lag mean %.2f ms, max %.2f ms%n",
                    received, secs, received / secs, lagSum / 1e6 / Math.max(1, received), lagMax / 1e6);
            server.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
