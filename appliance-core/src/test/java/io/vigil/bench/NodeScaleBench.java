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
 * <p>Run: {@code bin/bench io.vigil.bench.NodeScaleBench [virtualServers] [realServersPerVs] [warmupS] [measureS]}
 * (defaults 1000 10 60 330; keepalived's production anchor: 2284 16).
 */
public final class NodeScaleBench {
    static final int REFUSED_PORT = 8080, FLAP_PORT = 9000;

    public static void main(String[] args) throws Exception {
        int vsCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rsPer = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 330;
        int flapEvery = Integer.getInteger("flap", 10);
        if (System.getProperty("conf.out") != null) { // just the configuration, for profiling by hand
            Files.writeString(Path.of(System.getProperty("conf.out")), config(vsCount, rsPer, Math.max(1, vsCount * rsPer / 100)));
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
            Path conf = lab.write("scale.conf", config(vsCount, rsPer, flappers));
            Path journalDir = lab.dir.resolve("journal");
            Flapper flap = new Flapper(lab, m);
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
                System.out.printf(Locale.ROOT, "NodeScaleBench: %d virtual servers x %d real servers = %d TCP_CHECKs at delay_loop 1 "
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
                long cpu0 = cpuTicks(pid), bytes0 = allocatedBytes(journalDir), t0 = System.nanoTime(), wall0 = System.currentTimeMillis();
                long rssMax = 0;
                for (int s = 0; s < measure; s++) {
                    Thread.sleep(1000);
                    rssMax = Math.max(rssMax, rssKb(pid));
                }
                long cpu1 = cpuTicks(pid), bytes1 = allocatedBytes(journalDir), t1 = System.nanoTime(), wall1 = System.currentTimeMillis();
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
                Files.write(log, lines);
            }
        }
    }

    /** One VRRP instance (becomes MASTER, advert_int 0.1) and the virtual servers. */
    static String config(int vsCount, int rsPer, int flappers) {
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
            for (int r = 0; r < rsPer; r++, n++) {
                // distinct loopback address per real server: 127.<1 + n / 62500>.<n / 250 % 250>.<n % 250 + 1>
                String addr = "127." + (1 + n / 62_500) + "." + (n / 250 % 250) + "." + (n % 250 + 1);
                // every 100th real server flaps (the bench's listener on FLAP_PORT opens and closes)
                int port = n % 100 == 0 && n / 100 < flappers ? FLAP_PORT : REFUSED_PORT;
                b.append("  real_server ").append(addr).append(' ').append(port).append(" {\n    weight 1\n")
                        .append("    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n");
            }
            b.append("}\n");
        }
        return b.toString();
    }

    /** Listens on FLAP_PORT (all addresses) in the node's namespace for {@code every} seconds, then not, and so on. */
    static final class Flapper {
        private final NetLab lab;
        private final String ns;
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile ServerSocket socket;

        Flapper(NetLab lab, String ns) { this.lab = lab; this.ns = ns; }

        void run(int every) {
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
                    sleep(every);
                    s.close();
                    sleep(every);
                }
            } catch (Exception e) {
                if (!stop.get()) System.err.println("flapper: " + e);
            }
        }

        private void sleep(int seconds) throws InterruptedException {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (!stop.get() && System.nanoTime() < end) Thread.sleep(100);
        }

        private static void acceptLoop(ServerSocket ss) {
            while (!ss.isClosed()) {
                try (Socket c = ss.accept()) {
                    c.setSoLinger(true, 0);
                } catch (IOException e) {
                    return;
                }
            }
        }

        void stop() throws IOException {
            stop.set(true);
            ServerSocket s = socket;
            if (s != null) s.close();
        }
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
