package io.vigil.bench;

import io.vigil.node.NetLab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Soak at 10 ms adverts beside keepalived 2.2.7 while the Vigil node runs the checks of {@link NodeScaleBench}
 * (VS × RS TCP_CHECKs at delay_loop 1, 1 % flapping). {@code bin/vigil run} (bin/vigil's defaults) in one namespace,
 * keepalived in a peer namespace, two VRRPv3 instances at advert_int 0.01 between them:
 * VI_1 (vrid 51) Vigil MASTER (150) / keepalived BACKUP (100): a late Vigil advert lets keepalived take over;
 * VI_2 (vrid 52) keepalived MASTER (150) / Vigil BACKUP (100): a Vigil backup that misses adverts takes over.
 *
 * <p>Over the measuring window (after a warm-up) it prints spurious takeovers = N (keepalived entering MASTER on
 * VI_1 plus Vigil entering MASTER on VI_2, from their logs), the lateness of Vigil's VI_1 adverts on the wire
 * (tcpdump in the peer namespace) and, for judging a VI_2 takeover, the gaps in keepalived's own VI_2 adverts
 * longer than Master_Down_Interval (36 ms): a takeover after such a gap is no fault of Vigil's.
 *
 * <p>Run (root, tcpdump, {@code ./mvnw -q -DskipTests package} first):
 * {@code bin/bench io.vigil.bench.TakeoverSoakBench [virtualServers] [realServersPerVs] [warmupS] [measureS]}
 * (defaults 1000 10 60 600: ten minutes at 10,000 checks).
 */
public final class TakeoverSoakBench {
    static final double ADVERT = 0.01, MASTER_DOWN_MS = 3 * 10 + (256 - 100) * 10 / 256.0;

    public static void main(String[] args) throws Exception {
        int vsCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rsPer = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 600;
        Path vigil = NetLab.ROOT.resolve("bin/vigil");
        if (!Files.isRegularFile(NetLab.ROOT.resolve("appliance-core/target/vigil.jar")))
            throw new IllegalStateException("package first: ./mvnw -q -DskipTests package");
        try (NetLab lab = new NetLab("vsk")) {
            String n = lab.node("n", "192.0.2.11");
            String p = lab.node("p", "192.0.2.12");
            NetLab.run("ip", "-n", n, "link", "set", "lo", "up");
            int servers = vsCount * rsPer, flappers = Math.max(1, servers / 100);
            Path conf = lab.write("vigil.conf", vrrp(150, 100) + checks(vsCount, rsPer, flappers));
            Path kaConf = lab.write("ka.conf", vrrp(100, 150));
            NodeScaleBench.Flapper flap = new NodeScaleBench.Flapper(lab, n);
            Thread flapThread = Thread.ofPlatform().name("flapper").daemon().start(() -> flap.run(Integer.getInteger("flap", 10)));
            NetLab.Proc ka = lab.keepalived("ka", p, kaConf);
            Process v = new ProcessBuilder("ip", "netns", "exec", n, vigil.toString(), "run", "-f", conf.toString(),
                    "--journal", lab.dir.resolve("journal").toString(), "--node-id", "soak").redirectErrorStream(true).start();
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Thread.ofPlatform().daemon().start(() -> collect(v, lines));
            try {
                NetLab.awaitStarted(ka);
                NetLab.await("vigil started", Duration.ofSeconds(120), () -> {
                    if (!v.isAlive()) throw new AssertionError("vigil exited:\n" + String.join("\n", lines));
                    synchronized (lines) { return lines.stream().anyMatch(l -> l.contains("vigil started")); }
                });
                Thread.sleep(warmup * 1000L);
                int vigil0 = count(lines, "(VI_2) Entering MASTER STATE"), ka0 = count(ka.logText().lines().toList(), "(VI_1) Entering MASTER STATE");
                double[] own0 = lateness(n);
                long steal0 = stealTicks();
                Process cyclic = cyclictest(lab.dir.resolve("cyclictest.hist"), measure);
                var capture = new CompletableFuture<List<String>>();
                Thread.ofPlatform().name("advert-capture").start(() -> {
                    try { capture.complete(capture(p, measure)); } catch (Exception e) { capture.completeExceptionally(e); }
                });
                Thread.sleep(measure * 1000L);
                List<String> dump = capture.get(measure + 30L, TimeUnit.SECONDS);
                long steal = stealTicks() - steal0;
                if (cyclic != null) cyclic.waitFor(30, TimeUnit.SECONDS);
                int vigilTook = count(lines, "(VI_2) Entering MASTER STATE") - vigil0;
                int kaTook = count(ka.logText().lines().toList(), "(VI_1) Entering MASTER STATE") - ka0;
                List<Double> own = times(dump, "192.0.2.11", 51), peer = times(dump, "192.0.2.12", 52);
                System.out.printf(Locale.ROOT, "TakeoverSoakBench: %d TCP_CHECKs at delay_loop 1 (%d flapping), two VRRPv3 instances at "
                        + "advert_int 0.01 beside keepalived 2.2.7, %d s after %d s warm-up%n", servers, flappers, measure, warmup);
                System.out.printf(Locale.ROOT, "  spurious takeovers = %d (keepalived took VI_1 from Vigil: %d; Vigil took VI_2 from keepalived: %d)%n",
                        kaTook + vigilTook, kaTook, vigilTook);
                System.out.println("  Vigil's VI_1 adverts (MASTER, tcpdump in the peer namespace): " + AdvertJitter.report(own, ADVERT));
                if (own.size() > 2) System.out.printf(Locale.ROOT, "  Vigil advert lateness p99.9 %.3f ms, max %.3f ms; intervals over Master_Down_Interval (%.2f ms): %d%n",
                        AdvertJitter.p999(own, ADVERT), AdvertJitter.max(own, ADVERT), MASTER_DOWN_MS, gapsOver(own, MASTER_DOWN_MS));
                if (own.size() > 2) System.out.println("  " + AdvertJitter.worst(own, ADVERT, 5.0, 8));
                double[] own1 = lateness(n);
                System.out.printf(Locale.ROOT, "  Vigil's own view of VI_1 (vigil_vrrp_advert_late_seconds, sendto after the timer's deadline): %.0f adverts, "
                        + "over 1 ms late: %.0f, over 5 ms: %.0f, over 10 ms: %.0f; the vrrp thread woke over 1 ms late: %.0f, over 5 ms: %.0f%n",
                        own1[0] - own0[0], own1[1] - own0[1], own1[2] - own0[2], own1[3] - own0[3], own1[4] - own0[4], own1[5] - own0[5]);
                System.out.printf(Locale.ROOT, "  keepalived's VI_2 adverts: %d, gaps over Master_Down_Interval: %d (a Vigil takeover after one is right)%n",
                        peer.size(), gapsOver(peer, MASTER_DOWN_MS));
                if (peer.size() > 2) {
                    System.out.println("  keepalived's VI_2 adverts (MASTER, same capture): " + AdvertJitter.report(peer, ADVERT));
                    System.out.println("  " + AdvertJitter.worst(peer, ADVERT, 5.0, 8));
                    System.out.println("  Vigil's intervals off by more than 5 ms beside keepalived's: " + AdvertJitter.coincident(own, peer, ADVERT, 5.0, 20));
                }
                // the machine's own floor over the same window: a bare C timer loop at the vrrp thread's priority, and
                // the time the hypervisor gave neither vCPU to this guest
                System.out.println("  the machine: " + (cyclic == null ? "cyclictest not installed (apt-get install rt-tests)"
                        : cyclicReport(lab.dir.resolve("cyclictest.hist"))));
                System.out.printf(Locale.ROOT, "  the machine: steal time %.2f s of %d s x %d vCPUs (/proc/stat)%n",
                        steal / 100.0, measure, Runtime.getRuntime().availableProcessors());
                synchronized (lines) {
                    lines.stream().filter(l -> l.contains("Entering") || l.contains("ERROR") || l.contains("WARN"))
                            .skip(Math.max(0, lines.size() - 10_000)).limit(20).forEach(l -> System.out.println("  vigil log: " + l));
                }
            } finally {
                NodeScaleBench.stop(v);
                lab.term(ka, Duration.ofSeconds(10));
                flap.stop();
                flapThread.join(5000);
                Files.write(lab.dir.resolve("vigil.log"), lines);
            }
        }
    }

    /** Vigil's and keepalived's instances at 10 ms; {@code vi1}/{@code vi2} this side's priorities. */
    static String vrrp(int vi1, int vi2) {
        return """
                global_defs {
                  router_id soak%d
                  vrrp_version 3
                }
                vrrp_instance VI_1 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority %d
                  advert_int 0.01
                  virtual_ipaddress {
                    192.0.2.101/24
                  }
                }
                vrrp_instance VI_2 {
                  state BACKUP
                  interface eth0
                  virtual_router_id 52
                  priority %d
                  advert_int 0.01
                  virtual_ipaddress {
                    192.0.2.102/24
                  }
                }
                """.formatted(vi1, vi1, vi2);
    }

    /** NodeScaleBench's virtual servers (its VRRP part replaced by ours). */
    static String checks(int vsCount, int rsPer, int flappers) {
        String all = NodeScaleBench.config(vsCount, rsPer, flappers, false);
        return all.substring(all.indexOf("virtual_server "));
    }

    /**
     * cyclictest (rt-tests) for {@code seconds}: one thread in SCHED_RR 10, as Vigil's vrrp thread, waking every 10 ms
     * like its adverts; latency histogram in us to {@code hist}. Null when not installed.
     */
    static Process cyclictest(Path hist, int seconds) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/cyclictest"))) return null;
        return new ProcessBuilder("cyclictest", "-q", "-t1", "-p", "10", "--policy=rr", "-i", "10000", "-D", Integer.toString(seconds),
                "-h", "200000", "--histfile=" + hist).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** cyclictest's histogram: wake-ups, how many over 1 and 5 ms late, the maximum. */
    static String cyclicReport(Path hist) throws IOException {
        if (!Files.exists(hist)) return "cyclictest wrote no histogram";
        long n = 0, over1 = 0, over5 = 0, max = 0;
        for (String l : Files.readAllLines(hist)) {
            if (l.startsWith("# Max Latencies:")) max = Long.parseLong(l.substring(16).trim().split("\\s+")[0]);
            if (l.startsWith("# Histogram Overflows:")) { // past the histogram's 200 ms: late by more than either bound
                long o = Long.parseLong(l.substring(22).trim().split("\\s+")[0]);
                n += o;
                over1 += o;
                over5 += o;
            }
            if (l.startsWith("#") || l.isBlank()) continue;
            String[] f = l.trim().split("\\s+");
            long us = Long.parseLong(f[0]), c = Long.parseLong(f[1]);
            n += c;
            if (us > 1000) over1 += c;
            if (us > 5000) over5 += c;
        }
        return String.format(Locale.ROOT, "cyclictest (SCHED_RR 10, every 10 ms): %d wake-ups, over 1 ms late: %d, over 5 ms: %d, max %.3f ms",
                n, over1, over5, max / 1000.0);
    }

    /** Steal time of all CPUs, in USER_HZ ticks (the 8th value of /proc/stat's cpu line). */
    static long stealTicks() throws IOException {
        return Long.parseLong(Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+")[8]);
    }

    /** VI_1's vigil_vrrp_advert_late_seconds from the node's /metrics: count, and how many over 1, 5 and 10 ms. */
    static double[] lateness(String ns) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "curl", "-s", "http://127.0.0.1:9179/metrics").start();
        String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        // each histogram against its own count: a scrape of 10,000 real servers' series takes long enough for
        // dozens of adverts to land between the two families
        double count = sample(body, "vigil_vrrp_advert_late_seconds_count{iname=\"VI_1\",}");
        double wokeCount = sample(body, "vigil_vrrp_advert_wake_late_seconds_count{iname=\"VI_1\",}");
        return new double[] {count, count - bucket(body, "0.001"), count - bucket(body, "0.005"), count - bucket(body, "0.01"),
                wokeCount - woke(body, "0.001"), wokeCount - woke(body, "0.005")};
    }

    private static double woke(String body, String le) {
        return sample(body, "vigil_vrrp_advert_wake_late_seconds_bucket{iname=\"VI_1\",le=\"" + le + "\",}");
    }

    private static double bucket(String body, String le) {
        return sample(body, "vigil_vrrp_advert_late_seconds_bucket{iname=\"VI_1\",le=\"" + le + "\",}");
    }

    private static double sample(String body, String series) {
        for (String l : body.split("\n")) if (l.startsWith(series + " ")) return Double.parseDouble(l.substring(series.length() + 1));
        throw new IllegalStateException("no " + series + " in /metrics");
    }

    static List<String> capture(String ns, int seconds) throws Exception {
        Process dump = new ProcessBuilder("ip", "netns", "exec", ns, "timeout", Integer.toString(seconds), "tcpdump", "-tt",
                "--time-stamp-precision=micro", "-l", "-n", "-i", "eth0", "ip proto 112").redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        collect(dump, out);
        dump.waitFor();
        return out;
    }

    /** Send times (s) of the adverts from {@code src} for {@code vrid}, priority 0 left out. */
    static List<Double> times(List<String> dump, String src, int vrid) {
        List<Double> t = new ArrayList<>();
        for (String l : dump)
            if (l.contains(" " + src + " >") && l.contains("vrid " + vrid + ",") && !l.contains("prio 0,"))
                t.add(Double.parseDouble(l.substring(0, l.indexOf(' '))));
        return t;
    }

    static int gapsOver(List<Double> times, double ms) {
        int n = 0;
        for (int i = 1; i < times.size(); i++) if ((times.get(i) - times.get(i - 1)) * 1000 > ms) n++;
        return n;
    }

    static int count(List<String> lines, String what) {
        synchronized (lines) { return (int) lines.stream().filter(l -> l.contains(what)).count(); }
    }

    static void collect(Process p, List<String> out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) out.add(l);
        } catch (IOException ignored) {
            // process ended
        }
    }
}
