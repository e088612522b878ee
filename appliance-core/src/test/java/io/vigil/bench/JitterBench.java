package io.vigil.bench;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.node.NetLab;
import io.vigil.node.NodeConfig;
import io.vigil.node.NodeSetup;
import io.vigil.node.VrrpNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Advert send-interval jitter at advert_int 0.1 s (VRRPv3) while this JVM is under allocation load: a Vigil node
 * runs in-JVM on a thread inside namespace m (its sockets and threads stay there), allocation threads churn the heap
 * next to it, and tcpdump in the peer namespace timestamps every advert as it arrives (kernel receive time).
 * Jitter = |interval - 100 ms|. keepalived 2.2.7 is measured the same way, without JVM load, as the reference.
 *
 * <p>Usage: {@code bin/bench io.vigil.bench.JitterBench [seconds] [allocThreads] [MB/s per thread]} (root; default
 * 60 s, 2 threads, 250 MB/s each; 0 = as fast as possible, which saturates every core).
 */
public final class JitterBench {
    static final String CONF = """
            global_defs {
              router_id jit
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
            """;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int allocThreads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        long rate = (args.length > 2 ? Long.parseLong(args[2]) : 250) * 1_000_000L;
        try (NetLab lab = new NetLab("vnj")) {
            String m = lab.node("m", "192.0.2.11");
            String p = lab.node("p", "192.0.2.12");
            Path conf = lab.write("jit.conf", CONF);

            // keepalived reference, no load
            NetLab.Proc ka = lab.keepalived("ka", m, conf);
            NetLab.awaitStarted(ka);
            Thread.sleep(1500);
            List<Double> kaTimes = capture(p, Math.max(10, seconds / 3));
            lab.term(ka, Duration.ofSeconds(10));
            System.out.println("keepalived (no load):     " + AdvertJitter.report(kaTimes, 0.1));

            // Vigil in this JVM, with allocation load
            LoadResult r = ConfigLoader.loadText("jit.conf", CONF, lab.dir, LoadOptions.defaults());
            NodeSetup setup = NodeConfig.from(r.config().orElseThrow(), conf, w -> { });
            try (Journal journal = Journal.open(JournalConfig.defaults(lab.dir.resolve("journal"), "jit"))) {
                VrrpNode node = lab.inNamespace(m, () -> VrrpNode.start(setup, journal));
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong allocated = new AtomicLong();
                List<Thread> load = new ArrayList<>();
                for (int i = 0; i < allocThreads; i++) load.add(Thread.ofPlatform().name("alloc-" + i).start(() -> churn(stop, allocated, rate)));
                long gc0 = gcMillis(), n0 = gcCount();
                Thread.sleep(1500); // elected MASTER (0.35 s) and warmed up
                long t0 = System.nanoTime();
                List<Double> times = capture(p, seconds);
                double secs = (System.nanoTime() - t0) / 1e9;
                stop.set(true);
                for (Thread t : load) t.join();
                long gcs = gcCount() - n0, gcMs = gcMillis() - gc0;
                node.stop(io.vigil.journal.Cause.signal("bench"));
                System.out.printf(Locale.ROOT, "vigil (%d alloc threads, %.0f MB/s allocated, %d GCs, %d ms in GC, GC %s):%n",
                        allocThreads, allocated.get() / 1e6 / secs, gcs, gcMs, gcNames());
                System.out.println("                          " + AdvertJitter.report(times, 0.1));
                System.out.printf(Locale.ROOT, "p99.9 jitter %.3f ms (target < 5 ms)%n", AdvertJitter.p999(times, 0.1));
            }
        }
    }

    /** Arrival times (s) of adverts from 192.0.2.11 seen in namespace {@code ns} during {@code seconds}. */
    static List<Double> capture(String ns, int seconds) throws Exception {
        Process dump = new ProcessBuilder("ip", "netns", "exec", ns, "timeout", Integer.toString(seconds), "tcpdump", "-tt",
                "--time-stamp-precision=micro", "-l", "-n", "-i", "eth0", "ip proto 112 and src 192.0.2.11")
                .redirectErrorStream(true).start();
        List<Double> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(dump.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.contains("VRRP") && !l.contains("prio 0,")) out.add(Double.parseDouble(l.substring(0, l.indexOf(' '))));
            }
        }
        dump.waitFor();
        return out;
    }

    /** Allocation load with some survivors, so young and mixed collections both happen. */
    static void churn(AtomicBoolean stop, AtomicLong allocated, long bytesPerSecond) {
        Object[] keep = new Object[4_096];
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long local = 0, total = 0, t0 = System.nanoTime();
        while (!stop.get()) {
            if (bytesPerSecond > 0 && total * 1e9 / bytesPerSecond > System.nanoTime() - t0) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                continue;
            }
            int size = 64 + rnd.nextInt(16 * 1024);
            byte[] b = new byte[size];
            b[size - 1] = 1;
            local += size;
            total += size;
            if (rnd.nextInt(8) == 0) keep[rnd.nextInt(keep.length)] = b;
            if ((local & 0xfffff) < 20_000) { allocated.addAndGet(local); local = 0; }
        }
        allocated.addAndGet(local);
    }

    static long gcCount() { return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum(); }
    static long gcMillis() { return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum(); }
    static String gcNames() { return String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList()); }
}
