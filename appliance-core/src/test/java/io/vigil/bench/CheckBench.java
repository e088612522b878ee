package io.vigil.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.CheckRegistry;
import io.vigil.check.CheckScheduler;
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
import java.util.concurrent.locks.LockSupport;

/**
 * 10,000 HTTP_GET real servers at delay_loop 1 through the real scheduler and the built http plugin zip,
 * against a private nginx (a separate process, so this JVM's CPU is the checker's): 100 virtual servers x
 * 100 real servers on 100 loopback ports. Reports this process's CPU, probe latency percentiles, and —
 * standing in for VRRP advert jitter, since no advert sender is wired here — the wake-up lateness of a
 * dedicated max-priority thread ticking every 100 ms.
 *
 * <p>Run: {@code ./mvnw -q -DskipTests package -pl appliance-core,plugins/http -am && bin/bench io.vigil.bench.CheckBench [servers] [seconds]}
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
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
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
                Jitter jitter = new Jitter();
                jitter.start();
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                measuring.set(true);
                Thread.sleep(seconds * 1000L);
                measuring.set(false);
                long wall = System.nanoTime() - t0;
                long cpu = os.getProcessCpuTime() - cpu0;
                jitter.stop();
                int count = (int) Math.min(n.get(), lat.length);
                long[] l = Arrays.copyOf(lat, count);
                Arrays.sort(l);
                System.out.printf("probes: %d in %.1f s = %.0f/s (expected %d/s), up %d, down %d%n", count, wall / 1e9,
                        count / (wall / 1e9), servers, ups.get(), down.get());
                System.out.printf("checker CPU: %.2f cores (%.1f%% of one core) over %.1f s; machine has %d cores, load avg %.1f%n",
                        cpu / (double) wall, 100.0 * cpu / wall, wall / 1e9, os.getAvailableProcessors(), os.getSystemLoadAverage());
                System.out.printf("probe latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                        pct(l, 0.50), pct(l, 0.99), pct(l, 0.999), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
                System.out.printf("stats: %s%n", s.stats());
                jitter.report();
            }
        } finally {
            vertx.close().await(20, TimeUnit.SECONDS);
            nginx.descendants().forEach(ProcessHandle::destroyForcibly);
            nginx.destroyForcibly();
            nginx.waitFor(5, TimeUnit.SECONDS);
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
                events { worker_connections 16384; }
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

    /** A max-priority platform thread waking every 100 ms (the advert cadence stand-in); records lateness. */
    static final class Jitter {
        final long[] late = new long[100_000];
        int n;
        volatile boolean run = true;
        final Thread t = Thread.ofPlatform().name("advert-jitter-standin").priority(Thread.MAX_PRIORITY).unstarted(this::loop);

        void start() { t.start(); }

        void stop() throws InterruptedException { run = false; t.join(); }

        void loop() {
            long period = TimeUnit.MILLISECONDS.toNanos(100);
            long next = System.nanoTime() + period;
            while (run && n < late.length) {
                long now;
                while ((now = System.nanoTime()) < next) LockSupport.parkNanos(next - now);
                late[n++] = now - next;
                next += period;
            }
        }

        void report() {
            long[] l = Arrays.copyOf(late, n);
            Arrays.sort(l);
            System.out.printf("advert stand-in (100 ms timer thread, not the VRRP sender): %d ticks, lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    n, pct(l, 0.5), pct(l, 0.99), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
        }
    }
}
