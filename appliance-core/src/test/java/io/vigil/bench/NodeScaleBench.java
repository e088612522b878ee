package io.vigil.bench;

import io.vigil.journal.Entry;
import io.vigil.journal.store.JournalReader;
import io.vigil.node.NetLab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole node at scale, as an operator runs it: {@code bin/vigil run} (bin/vigil's default JVM settings, no API calls)
 * in a network namespace with one VRRP instance (advert_int 0.1, it becomes MASTER) and VS virtual servers × RS
 * real servers, TCP_CHECK at delay_loop 1. Real servers are distinct loopback addresses (127.x.y.z) on a refused
 * port — a steady mass failure — except a 1 % flapping subset on a port this bench opens and closes every
 * {@code flap} seconds inside the node's namespace.
 *
 * <p>Prints start-up (exec → "Entering BACKUP STATE", from the log line's own time stamp), then, over a measuring
 * window after a warm-up: CPU of the vigil process (cores, from /proc), RSS (max and end), journal entries/s and
 * by type, journal bytes/day (growth of the directory's allocated blocks), and advert lateness on the wire
 * (tcpdump in a peer namespace). Needs root, tcpdump and a packaged jar ({@code ./mvnw -q -DskipTests package}).
 *
 * <p>Run: {@code bin/bench io.vigil.bench.NodeScaleBench [virtualServers] [realServersPerVs] [warmupS] [measureS] [tcp|nginx]}
 * (defaults 1000 10 60 330 tcp; keepalived's production anchor: 2284 16).
 *
 * <p>{@code nginx}: HTTP_GET instead of TCP_CHECK, against a real nginx (from the distribution) that the bench starts in
 * the node's namespace on port 80 of all addresses, so every loopback real server reaches it. {@code /health} answers
 * 200 "ok\n" (the checkers verify its MD5 {@code digest}); the 1 % flapping subset asks {@code /flap}, a static file
 * the bench creates and deletes every {@code flap} seconds (200, else 503). Adds nginx's CPU (master and workers,
 * reported apart), the HTTP requests nginx served in the window (stub_status) and from them the vigil process's CPU
 * per 1,000 probes; {@code -Dalloc=true} (either mode) also records the window with JFR and prints the bytes the
 * vigil process allocated per probe (jdk.ThreadAllocationStatistics) and its top allocation sites ({@code -Djfr.out=FILE} keeps
 * the recording, with its CPU samples). {@code -Dwarmup=S} adds {@code warmup S} to every virtual server (first probes
 * spread over S seconds instead of all at once).
 */
public final class NodeScaleBench {
    static final int REFUSED_PORT = 8080, FLAP_PORT = 9000;

    public static void main(String[] args) throws Exception {
        int vsCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rsPer = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 330;
        boolean http = args.length > 4 && args[4].equals("nginx");
        if (args.length > 4 && !http && !args[4].equals("tcp")) throw new IllegalArgumentException("mode: tcp or nginx, not " + args[4]);
        int flapEvery = Integer.getInteger("flap", 10);
        boolean alloc = Boolean.getBoolean("alloc");
        if (System.getProperty("conf.out") != null) { // just the configuration, for profiling by hand
            Files.writeString(Path.of(System.getProperty("conf.out")), config(vsCount, rsPer, Math.max(1, vsCount * rsPer / 100), http));
            return;
        }
        Path vigil = NetLab.ROOT.resolve("bin/vigil");
        if (!Files.isRegularFile(NetLab.ROOT.resolve("appliance-core/target/vigil.jar")))
            throw new IllegalStateException("package first: ./mvnw -q -DskipTests package");
        try (NetLab lab = new NetLab("vns")) {
            String m = lab.node("m", "192.0.2.11");
            String peer = lab.node("p", "192.0.2.12");
            NetLab.run("ip", "-n", m, "link", "set", "lo", "up");
            int servers = vsCount * rsPer;
            int flappers = Math.max(1, servers / 100);
            Path conf = lab.write("scale.conf", config(vsCount, rsPer, flappers, http));
            Path journalDir = lab.dir.resolve("journal");
            Nginx nginx = http ? Nginx.start(lab, m) : null;
            Toggler flap = http ? new FileFlapper(nginx.www.resolve("flap")) : new Flapper(lab, m);
            Thread flapThread = Thread.ofPlatform().name("flapper").daemon().start(() -> flap.run(flapEvery));

            List<String> cmd = List.of("ip", "netns", "exec", m, vigil.toString(), "run", "-f", conf.toString(),
                    "--journal", journalDir.toString(), "--node-id", "scale");
            Path log = lab.dir.resolve("vigil.log");
            long execWallMs = System.currentTimeMillis();
            long execNs = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Long> backupSeenNs = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        long seen = System.nanoTime();
                        if (lines.size() < 10_000) lines.add(l);
                        if (l.contains("Entering BACKUP STATE")) backupSeenNs.complete(seen);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
            try {
                long seenNs = backupSeenNs.get(60, TimeUnit.SECONDS);
                String backupLine = lines.stream().filter(l -> l.contains("Entering BACKUP STATE")).findFirst().orElse("");
                long stampMs = stampMillis(backupLine);
                if (http) System.out.printf(Locale.ROOT, "NodeScaleBench: %d virtual servers x %d real servers = %d HTTP_GETs (digest) at delay_loop 1 "
                        + "against nginx %s with %d worker(s) in the node's namespace (%d flapping 200/503 every %d s, the rest 200), "
                        + "bin/vigil defaults, API on its default address and unused%n", vsCount, rsPer, servers, nginx.version, Nginx.WORKERS, flappers, flapEvery);
                else System.out.printf(Locale.ROOT, "NodeScaleBench: %d virtual servers x %d real servers = %d TCP_CHECKs at delay_loop 1 "
                        + "(%d flapping every %d s, the rest refused), bin/vigil defaults, API on its default address and unused%n", vsCount, rsPer, servers, flappers, flapEvery);
                System.out.printf(Locale.ROOT, "start-up exec -> \"Entering BACKUP STATE\": %d ms by the log line's time stamp, %.0f ms until read%n",
                        stampMs - execWallMs, (seenNs - execNs) / 1e6);
                long pid = javaPid(p);
                Thread.sleep(warmup * 1000L);
                if (!p.isAlive()) throw new IllegalStateException("vigil exited:\n" + String.join("\n", lines));
                var adverts = new CompletableFuture<List<Double>>();
                Thread.ofPlatform().name("advert-capture").start(() -> {
                    try { adverts.complete(JitterBench.capture(peer, measure)); } catch (Exception e) { adverts.completeExceptionally(e); }
                });
                Path jfr = Path.of(System.getProperty("jfr.out", lab.dir.resolve("window.jfr").toString()));
                if (alloc) jcmd(pid, "JFR.start", "name=nsb", "settings=profile");
                long nginxCpu0 = http ? nginx.cpuTicks() : 0, requests0 = http ? nginx.requests(lab, m) : 0;
                long cpu0 = cpuTicks(pid), bytes0 = allocatedBytes(journalDir), t0 = System.nanoTime(), wall0 = System.currentTimeMillis();
                long rssMax = 0;
                for (int s = 0; s < measure; s++) {
                    Thread.sleep(1000);
                    rssMax = Math.max(rssMax, rssKb(pid));
                }
                long cpu1 = cpuTicks(pid), bytes1 = allocatedBytes(journalDir), t1 = System.nanoTime(), wall1 = System.currentTimeMillis();
                long nginxCpu1 = http ? nginx.cpuTicks() : 0, requests1 = http ? nginx.requests(lab, m) : 0;
                if (alloc) jcmd(pid, "JFR.stop", "name=nsb", "filename=" + jfr);
                long rssEnd = rssKb(pid);
                List<Double> times = adverts.get(measure + 30L, TimeUnit.SECONDS);
                double secs = (t1 - t0) / 1e9;
                long stoppedMs = System.currentTimeMillis();
                stop(p);
                Map<String, Long> byType = countEntries(journalDir, wall0, wall1);
                io.vigil.journal.ProbeQuery.Answer probes = probes(journalDir, 0, Long.MAX_VALUE / 1_000_000L);
                double runSecs = (stoppedMs - stampMs) / 1000.0;
                long entries = byType.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf(Locale.ROOT, "window %.0f s after %d s warm-up:%n", secs, warmup);
                System.out.printf(Locale.ROOT, "  CPU %.2f cores (vigil process, /proc utime+stime)%n", (cpu1 - cpu0) / 100.0 / secs);
                System.out.printf(Locale.ROOT, "  RSS max %d MB, at end %d MB%n", rssMax / 1024, rssEnd / 1024);
                if (http) {
                    long req = requests1 - requests0;
                    System.out.printf(Locale.ROOT, "  nginx: %d requests in the window = %.0f/s (stub_status); nginx CPU %.2f cores (master + workers, not counted above)%n",
                            req, req / secs, (nginxCpu1 - nginxCpu0) / 100.0 / secs);
                    System.out.printf(Locale.ROOT, "  vigil CPU per probe: %.1f ms utime+stime per 1,000 probes (one probe = one request nginx served)%n",
                            (cpu1 - cpu0) * 10.0 / (req / 1000.0));
                    if (alloc) allocation(jfr, req);
                } else if (alloc) {
                    allocation(jfr, 0);
                }
                long n = probes.up() + probes.down(), maybe = probes.upUncertain() + probes.downUncertain();
                System.out.printf(Locale.ROOT, "  probes (from the journal, ProbeQuery, whole run): %d up + %d down%s in %.0f s = %.0f/s (%d checkers at delay_loop 1: < %d/s)%n",
                        probes.up(), probes.down(), maybe > 0 ? " (+ " + maybe + " uncertain)" : "", runSecs, n / runSecs, servers, servers);
                System.out.printf(Locale.ROOT, "  journal %.0f entries/s %s; %.2f GB/day (%.0f KB/s allocated on disk)%n",
                        entries / secs, byType, (bytes1 - bytes0) / secs * 86_400 / 1e9, (bytes1 - bytes0) / secs / 1024);
                System.out.println("  adverts (advert_int 0.1, tcpdump in the peer namespace): " + AdvertJitter.report(times, 0.1));
                System.out.printf(Locale.ROOT, "  advert lateness p99.9 %.3f ms, max %.3f ms (target: none > 5 ms)%n",
                        AdvertJitter.p999(times, 0.1), AdvertJitter.max(times, 0.1));
                synchronized (lines) {
                    lines.stream().filter(l -> l.contains("ERROR") || l.contains("WARN") || l.contains("Exception") || l.contains("Error"))
                            .limit(10).forEach(l -> System.out.println("  log: " + l));
                }
            } catch (Exception e) {
                System.err.println(String.join("\n", lines.subList(0, Math.min(lines.size(), 200))));
                throw e;
            } finally {
                stop(p);
                flap.stop();
                flapThread.join(5000);
                if (nginx != null) nginx.stop();
                Files.write(log, lines);
            }
        }
    }

    /** One VRRP instance (becomes MASTER, advert_int 0.1) and the virtual servers. */
    static String config(int vsCount, int rsPer, int flappers, boolean http) {
        StringBuilder b = new StringBuilder("""
                global_defs {
                  router_id scale
                  vrrp_version 3
                }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority 200
                  advert_int 0.1
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                """);
        int n = 0;
        for (int v = 0; v < vsCount; v++) {
            b.append("virtual_server 198.51.100.").append(v % 250 + 1).append(' ').append(1000 + v / 250).append(" {\n")
                    .append("  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n");
            // -Dwarmup=S: keepalived's warmup (first probe at a random time within S seconds) for every checker
            if (System.getProperty("warmup") != null) b.append("  warmup ").append(System.getProperty("warmup")).append('\n');
            for (int r = 0; r < rsPer; r++, n++) {
                // distinct loopback address per real server: 127.<1 + n / 62500>.<n / 250 % 250>.<n % 250 + 1>
                String addr = "127." + (1 + n / 62_500) + "." + (n / 250 % 250) + "." + (n % 250 + 1);
                // every 100th real server flaps (the bench's listener on FLAP_PORT opens and closes)
                boolean flapper = n % 100 == 0 && n / 100 < flappers;
                if (http) {
                    // every real server reaches the one nginx on port 80; the flappers ask for the file that comes and goes
                    b.append("  real_server ").append(addr).append(" 80 {\n    weight 1\n")
                            .append("    HTTP_GET {\n      url {\n        path ").append(flapper ? "/flap" : "/health")
                            .append("\n        digest ").append(Nginx.OK_MD5).append("\n      }\n      connect_timeout 2\n    }\n  }\n");
                    continue;
                }
                int port = flapper ? FLAP_PORT : REFUSED_PORT;
                b.append("  real_server ").append(addr).append(' ').append(port).append(" {\n    weight 1\n")
                        .append("    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n");
            }
            b.append("}\n");
        }
        return b.toString();
    }

    /** Makes the flapping subset healthy for {@code every} seconds, then not, and so on, until stopped. */
    interface Toggler {
        void run(int every);

        void stop() throws IOException;

        /** Sleeps {@code seconds}, waking every 100 ms to end early once {@code stop} is set. */
        static void sleep(AtomicBoolean stop, int seconds) throws InterruptedException {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (!stop.get() && System.nanoTime() < end) Thread.sleep(100);
        }
    }

    /** Listens on FLAP_PORT (all addresses) in the node's namespace for {@code every} seconds, then not, and so on. */
    static final class Flapper implements Toggler {
        private final NetLab lab;
        private final String ns;
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile ServerSocket socket;

        Flapper(NetLab lab, String ns) { this.lab = lab; this.ns = ns; }

        @Override public void run(int every) {
            try {
                while (!stop.get()) {
                    ServerSocket s = lab.inNamespace(ns, () -> {
                        ServerSocket ss = new ServerSocket();
                        ss.setReuseAddress(true);
                        ss.bind(new InetSocketAddress("0.0.0.0", FLAP_PORT), 1024);
                        Thread.ofPlatform().daemon().start(() -> acceptLoop(ss));
                        return ss;
                    });
                    socket = s;
                    Toggler.sleep(stop, every);
                    s.close();
                    Toggler.sleep(stop, every);
                }
            } catch (Exception e) {
                if (!stop.get()) System.err.println("flapper: " + e);
            }
        }

        private static void acceptLoop(ServerSocket ss) {
            while (!ss.isClosed()) {
                // closed with a FIN, as a server would: an immediate RST (SO_LINGER 0) raced the prober's SO_ERROR
                // read, which then said ECONNRESET for ~3 of 4 probes the listener had accepted
                try (Socket c = ss.accept()) {
                    c.shutdownOutput();
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override public void stop() throws IOException {
            stop.set(true);
            ServerSocket s = socket;
            if (s != null) s.close();
        }
    }

    /** Creates nginx's {@code /flap} file for {@code every} seconds (200 "ok\n"), then deletes it (503), and so on. */
    static final class FileFlapper implements Toggler {
        private final Path file;
        private final AtomicBoolean stop = new AtomicBoolean();

        FileFlapper(Path file) { this.file = file; }

        @Override public void run(int every) {
            try {
                while (!stop.get()) {
                    Files.writeString(file, Nginx.OK_BODY);
                    Toggler.sleep(stop, every);
                    Files.deleteIfExists(file);
                    Toggler.sleep(stop, every);
                }
            } catch (Exception e) {
                if (!stop.get()) System.err.println("flapper: " + e);
            }
        }

        @Override public void stop() { stop.set(true); }
    }

    /**
     * nginx from the distribution, in the node's namespace: port 80 on all addresses, access_log off, {@code /health}
     * returns 200 "ok\n", {@code /flap} is a static file or 503, {@code /nginx_status} is stub_status (the request count).
     */
    static final class Nginx {
        static final String OK_BODY = "ok\n";
        /** MD5 of "ok\n", what `vigil genhash` prints for /health. */
        static final String OK_MD5 = md5(OK_BODY);
        static final int WORKERS = Integer.getInteger("nginx.workers", 1);

        final Path www;
        final String version;
        private final Process process;

        private Nginx(Path www, String version, Process process) {
            this.www = www;
            this.version = version;
            this.process = process;
        }

        static Nginx start(NetLab lab, String ns) throws Exception {
            Path dir = lab.dir.resolve("nginx");
            Path www = dir.resolve("www");
            Files.createDirectories(www);
            Files.createDirectories(dir.resolve("tmp"));
            String tmp = dir.resolve("tmp").toString();
            // workers as root: the lab's directory is private (0700), and /flap is a file in it (as www-data every
            // /flap was 403, so the flapping subset never came up)
            Path conf = lab.write("nginx.conf", """
                    user root;
                    worker_processes %d;
                    daemon off;
                    master_process on;
                    pid %s/nginx.pid;
                    error_log %s/error.log warn;
                    events { worker_connections 8192; }
                    http {
                      access_log off;
                      client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s; uwsgi_temp_path %s; scgi_temp_path %s;
                      server {
                        listen 80 default_server backlog=4096;
                        root %s;
                        location = /health { default_type text/plain; return 200 "ok\\n"; }
                        location = /flap { default_type text/plain; try_files /flap =503; }
                        location = /nginx_status { stub_status; }
                      }
                    }
                    """.formatted(WORKERS, dir, dir, tmp, tmp, tmp, tmp, tmp, www));
            String version = NetLab.run("nginx", "-v").trim();
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "nginx", "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            Nginx n = new Nginx(www, version.isEmpty() ? "nginx" : version.replace("nginx version: ", ""), p);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    n.requests(lab, ns);
                    return n;
                } catch (IOException e) {
                    if (!p.isAlive() || System.nanoTime() > end)
                        throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("stdout.log")), e);
                    Thread.sleep(100);
                }
            }
        }

        /** stub_status's request count (its own request included). */
        long requests(NetLab lab, String ns) throws Exception {
            String status = lab.inNamespace(ns, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", 80), 2000);
                    s.setSoTimeout(2000);
                    s.getOutputStream().write("GET /nginx_status HTTP/1.0\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                }
            });
            // "... server accepts handled requests\n 12 12 34 \n..."
            String[] lines = status.split("\n");
            for (int i = 0; i < lines.length - 1; i++)
                if (lines[i].contains("accepts handled requests")) return Long.parseLong(lines[i + 1].trim().split("\\s+")[2]);
            throw new IOException("no stub_status in: " + status);
        }

        /** utime + stime of the master and its workers. */
        long cpuTicks() throws IOException {
            long t = 0;
            for (ProcessHandle h : (Iterable<ProcessHandle>) () -> java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()),
                    process.toHandle().descendants()).iterator()) {
                try { t += NodeScaleBench.cpuTicks(h.pid()); } catch (IOException gone) { /* exited */ }
            }
            return t;
        }

        void stop() throws InterruptedException {
            process.toHandle().descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        }

        private static String md5(String s) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs jcmd (of the JDK running this bench) against the vigil JVM. */
    static void jcmd(long pid, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        NetLab.run(cmd.toArray(String[]::new));
    }

    /**
     * Bytes the vigil JVM allocated in the window: per thread, the last jdk.ThreadAllocationStatistics of the recording
     * minus the first (threads that ended in between are missed), divided by the probes; then the top allocation sites
     * by jdk.ObjectAllocationSample weight.
     */
    static void allocation(Path jfr, long probes) throws IOException {
        Map<Long, long[]> perThread = new java.util.HashMap<>(); // tid -> {first, last}
        Map<Long, String> names = new java.util.HashMap<>();
        Map<String, Long> sites = new java.util.HashMap<>();
        long sampled = 0;
        try (var f = new jdk.jfr.consumer.RecordingFile(jfr)) {
            while (f.hasMoreEvents()) {
                var e = f.readEvent();
                switch (e.getEventType().getName()) {
                    case "jdk.ThreadAllocationStatistics" -> {
                        var t = e.getThread("thread");
                        if (t == null) continue;
                        long a = e.getLong("allocated");
                        names.put(t.getJavaThreadId(), t.getJavaName());
                        perThread.merge(t.getJavaThreadId(), new long[]{a, a}, (o, x) -> new long[]{Math.min(o[0], a), Math.max(o[1], a)});
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        long w = e.getLong("weight");
                        sampled += w;
                        var st = e.getStackTrace();
                        String top = st == null ? "?" : st.getFrames().stream().limit(4)
                                .map(fr -> fr.getMethod().getType().getName().replaceAll(".*\\.", "") + "." + fr.getMethod().getName())
                                .reduce((x, y) -> x + " < " + y).orElse("?");
                        sites.merge(e.getClass("objectClass").getName() + " @ " + top, w, Long::sum);
                    }
                    default -> { }
                }
            }
        }
        long total = 0;
        Map<String, Long> byThread = new TreeMap<>();
        for (var en : perThread.entrySet()) {
            long d = en.getValue()[1] - en.getValue()[0];
            total += d;
            byThread.merge(names.get(en.getKey()).replaceAll("-?\\d+$", "-N"), d, Long::sum);
        }
        System.out.printf(Locale.ROOT, "  allocated in the window (JFR thread allocation statistics): %d MB%s%n", total >> 20,
                probes > 0 ? String.format(Locale.ROOT, " = %.0f bytes per probe", (double) total / probes) : "");
        byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .forEach(en -> System.out.printf(Locale.ROOT, "    %-40s %8d MB%s%n", en.getKey(), en.getValue() >> 20,
                        probes > 0 ? String.format(Locale.ROOT, "  %6.0f B/probe", (double) en.getValue() / probes) : ""));
        final long all = Math.max(1, sampled);
        System.out.println("  top allocation sites (jdk.ObjectAllocationSample weight):");
        sites.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(en -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * en.getValue() / all, en.getKey()));
    }

    static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) return;
        p.toHandle().descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
    }

    /** {@code ip netns exec} and bin/vigil both exec, so the child is the JVM; otherwise its java descendant. */
    static long javaPid(Process p) throws IOException {
        for (int i = 0; i < 50; i++) {
            if (comm(p.pid()).equals("java")) return p.pid();
            var d = p.toHandle().descendants().filter(h -> comm(h.pid()).equals("java")).findFirst();
            if (d.isPresent()) return d.get().pid();
            try { Thread.sleep(20); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        throw new IOException("no java process under " + p.pid());
    }

    private static String comm(long pid) {
        try { return Files.readString(Path.of("/proc/" + pid + "/comm")).trim(); } catch (IOException e) { return ""; }
    }

    /** utime + stime of the process, in clock ticks (USER_HZ 100). */
    static long cpuTicks(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long rssKb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        return 0;
    }

    /** Disk blocks the journal's files occupy (Chronicle's files are sparse: their length is preallocation). */
    static long allocatedBytes(Path dir) throws IOException {
        String out = NetLab.run("du", "-s", "-B1", dir.toString());
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    /** Entries by type whose wall time falls in [fromMs, toMs). */
    static Map<String, Long> countEntries(Path dir, long fromMs, long toMs) {
        Map<String, Long> n = new TreeMap<>();
        try (JournalReader r = JournalReader.open(dir); JournalReader.Cursor c = r.cursor().seekWall(fromMs * 1_000_000L)) {
            Entry e;
            while ((e = c.next()) != null && e.wallNs() < toMs * 1_000_000L)
                if (e.wallNs() >= fromMs * 1_000_000L) n.merge(e.type().cliName(), 1L, Long::sum);
        }
        return n;
    }

    /** Every probe in the window, from check-result and check-summary entries (summaries are written up to 5 min later). */
    static io.vigil.journal.ProbeQuery.Answer probes(Path dir, long fromMs, long toMs) {
        var q = new io.vigil.journal.ProbeQuery("", fromMs * 1_000_000L, toMs * 1_000_000L);
        try (JournalReader r = JournalReader.open(dir); JournalReader.Cursor c = r.cursor().seekWall(fromMs * 1_000_000L)) {
            for (Entry e = c.next(); e != null; e = c.next()) q.accept(e);
        }
        return q.answer();
    }

    /** NodeLog's "yyyy-MM-dd HH:mm:ss.SSS" (local time) at the start of a line, as epoch millis. */
    static long stampMillis(String line) {
        var t = LocalDateTime.parse(line.substring(0, 23), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS"));
        return t.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }
}
