package io.vigil.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckScheduler;
import io.vigil.check.HealthEvent;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigNodes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 10,000 HTTP_GET real servers at delay_loop 1 through the real scheduler and the built http plugin zip,
 * against a private nginx (a separate process, so this JVM's CPU is the checker's): 100 virtual servers x
 * 100 real servers on 100 loopback ports. Reports this process's CPU, probe latency percentiles, and the VRRP
 * advert jitter measured at the same time: a real Vigil VRRP node (advert_int 0.1, MASTER) runs in this JVM on
 * its own thread inside a network namespace, and tcpdump in a peer namespace timestamps every advert it sends
 * (as {@link JitterBench} does). Needs root (namespaces), nginx and tcpdump.
 *
 * <p>Run: {@code ./mvnw -q -DskipTests package -pl appliance-core,plugins/http -am && bin/bench io.vigil.bench.CheckBench [servers] [seconds]}
 * ({@code -Dnative=false} for Vert.x's NIO transport instead of epoll).
 */
public final class CheckBench {
    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int ports = 100;
        Path work = Files.createTempDirectory("vigil-checkbench");
        Path plugins = Files.createDirectory(work.resolve("plugins"));
        Path zipDir = Path.of(System.getProperty("vigil.plugins.build", "plugins/http/target"));
        try (var files = Files.list(zipDir)) {
            Path zip = files.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build plugins/http first: no zip in " + zipDir));
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        int[] portList = freePorts(ports);
        Process nginx = startNginx(work, portList);
        io.vigil.node.NetLab lab = new io.vigil.node.NetLab("vcb");
        String m = lab.node("m", "192.0.2.11");
        String peer = lab.node("p", "192.0.2.12");
        Path vrrpConf = lab.write("vrrp.conf", JitterBench.CONF);
        var setup = io.vigil.node.NodeConfig.from(io.vigil.config.source.ConfigLoader.loadText("vrrp.conf", JitterBench.CONF, lab.dir,
                io.vigil.config.LoadOptions.defaults()).config().orElseThrow(), vrrpConf, w -> { });
        var journal = io.vigil.journal.store.Journal.open(io.vigil.journal.store.JournalConfig.defaults(lab.dir.resolve("journal"), "checkbench"));
        io.vigil.node.VrrpNode vrrp = lab.inNamespace(m, () -> io.vigil.node.VrrpNode.start(setup, journal));
        // the sender's own view: interval between consecutive sends, taken on the vrrp thread right after each send
        long[] sendIntervals = new long[100_000];
        AtomicLong sends = new AtomicLong();
        AtomicBoolean recordSends = new AtomicBoolean();
        vrrp.advertListener((instance, nanos) -> {
            if (!recordSends.get()) return;
            long i = sends.getAndIncrement();
            if (i < sendIntervals.length) sendIntervals[(int) i] = nanos;
        });
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(Boolean.parseBoolean(System.getProperty("native", "true"))));
        System.out.println("transport: " + (vertx.isNativeTransportEnabled() ? "native" : "NIO") + (vertx.unavailableNativeTransportCause() != null ? " (" + vertx.unavailableNativeTransportCause() + ")" : ""));
        try (CheckRegistry reg = CheckRegistry.load(plugins)) {
            List<ConfigNode> conf = new ArrayList<>();
            int perVs = ports;
            for (int v = 0; v * perVs < servers; v++) {
                List<ConfigNode> vs = new ArrayList<>(List.of(ConfigNodes.leaf("delay_loop", "1"), ConfigNodes.leaf("warmup", "1")));
                for (int r = 0; r < perVs && v * perVs + r < servers; r++) {
                    vs.add(ConfigNodes.block("real_server", List.of("127.0.0.1", String.valueOf(portList[r])),
                            ConfigNodes.leaf("weight", "1"),
                            ConfigNodes.block("HTTP_GET", ConfigNodes.block("url", ConfigNodes.leaf("path", "/health"),
                                    ConfigNodes.leaf("status_code", "200")), ConfigNodes.leaf("connect_timeout", "3"))));
                }
                conf.add(ConfigNodes.block("virtual_server", List.of("198.51.100." + (v % 250 + 1), String.valueOf(1000 + v)),
                        vs.toArray(ConfigNode[]::new)));
            }
            CheckPlan plan = CheckPlanner.plan(conf, reg);
            if (!plan.errors().isEmpty()) throw new IllegalStateException(plan.errors().toString());
            AtomicBoolean measuring = new AtomicBoolean();
            long[] lat = new long[servers * (seconds + 5)];
            AtomicLong n = new AtomicLong();
            AtomicLong down = new AtomicLong();
            AtomicLong ups = new AtomicLong();
            try (CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1))) {
                s.addListener(e -> {
                    if (e instanceof HealthEvent.ProbeCompleted p && measuring.get()) {
                        long i = n.getAndIncrement();
                        if (i < lat.length) lat[(int) i] = p.latencyNanos();
                        if (!p.up()) down.incrementAndGet(); else ups.incrementAndGet();
                    }
                });
                s.start().await(10, TimeUnit.SECONDS);
                System.out.printf("CheckBench: %d HTTP_GET real servers (%d virtual servers), delay_loop 1, nginx on %d loopback ports%n",
                        servers, conf.size(), ports);
                Thread.sleep(8000);   // warm-up: JIT, connection set-up, warmup jitter spreads the probes
                var adverts = new java.util.concurrent.CompletableFuture<List<Double>>();
                Thread.ofPlatform().name("advert-capture").start(() -> {
                    try { adverts.complete(JitterBench.capture(peer, seconds)); } catch (Exception e) { adverts.completeExceptionally(e); }
                });
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                measuring.set(true);
                recordSends.set(true);
                Thread.sleep(seconds * 1000L);
                measuring.set(false);
                recordSends.set(false);
                long wall = System.nanoTime() - t0;
                long cpu = os.getProcessCpuTime() - cpu0;
                List<Double> advertTimes = adverts.get(30, TimeUnit.SECONDS);
                int count = (int) Math.min(n.get(), lat.length);
                long[] l = Arrays.copyOf(lat, count);
                Arrays.sort(l);
                double mean = Arrays.stream(l).average().orElse(0) / 1e9;
                // keepalived's delay_loop runs from the end of one check to the start of the next: each server is
                // probed every delay_loop + latency, so the full rate is servers / (1 s + mean latency)
                System.out.printf("probes: %d in %.1f s = %.0f/s (every server once per delay_loop + latency: %.0f/s), up %d, down %d%n",
                        count, wall / 1e9, count / (wall / 1e9), servers / (1 + mean), ups.get(), down.get());
                System.out.println("GC: " + JitterBench.gcNames());
                System.out.printf("checker CPU: %.2f cores (%.1f%% of one core) over %.1f s; machine has %d cores, load avg %.1f%n",
                        cpu / (double) wall, 100.0 * cpu / wall, wall / 1e9, os.getAvailableProcessors(), os.getSystemLoadAverage());
                System.out.printf("probe latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                        pct(l, 0.50), pct(l, 0.99), pct(l, 0.999), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
                System.out.printf("stats: %s%n", s.stats());
                System.out.println("VRRP adverts from the in-JVM node (advert_int 0.1, tcpdump in the peer namespace): "
                        + AdvertJitter.report(advertTimes, 0.1));
                System.out.printf(java.util.Locale.ROOT, "advert delay max %.3f ms on the wire (target: none > 5 ms)%n", AdvertJitter.max(advertTimes, 0.1));
                long[] si = Arrays.copyOf(sendIntervals, (int) Math.min(sends.get(), sendIntervals.length));
                for (int i = 0; i < si.length; i++) si[i] = Math.abs(si[i] - 100_000_000L);
                Arrays.sort(si);
                System.out.printf(java.util.Locale.ROOT, "sender side (vrrp thread, send to send): %d intervals, |interval-100 ms| p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                        si.length, pct(si, 0.5), pct(si, 0.99), si.length == 0 ? 0 : si[si.length - 1] / 1e6);
            }
        } finally {
            vrrp.stop(io.vigil.journal.Cause.signal("bench"));
            journal.close();
            lab.close();
            vertx.close().await(20, TimeUnit.SECONDS);
            // the master first: a live master respawns killed workers, which then outlive it
            var workers = nginx.descendants().toList();
            nginx.destroyForcibly();
            nginx.waitFor(5, TimeUnit.SECONDS);
            workers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
    }

    static int[] freePorts(int n) throws Exception {
        int[] out = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            held.add(s);
            out[i] = s.getLocalPort();
        }
        for (ServerSocket s : held) s.close();
        return out;
    }

    static Process startNginx(Path dir, int[] ports) throws Exception {
        StringBuilder listen = new StringBuilder();
        for (int p : ports) listen.append("        listen 127.0.0.1:").append(p).append(" backlog=4096;\n");
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log crit;
                worker_rlimit_nofile 65536;
                events { worker_connections 16384; multi_accept on; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    server {
                %2$s
                        location / { return 200 "ok\\n"; }
                    }
                }
                """.formatted(dir, listen));
        Process p = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ports[ports.length - 1])) { return p; }
            catch (java.io.IOException e) { Thread.sleep(50); }
        }
        throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("stdout.log")));
    }
}
