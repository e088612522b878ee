package io.vigil.bench;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Parse + validate speed of a large generated keepalived.conf: 1,000 virtual servers x 40 real servers, each
 * real server with an HTTP_GET (two urls) and a TCP_CHECK, plus 20 VRRP instances. Target: under 2 s.
 * Usage: bin/bench io.vigil.bench.ParseBench [virtualServers [realServersPerVs [runs]]]
 */
public final class ParseBench {
    public static void main(String[] args) throws IOException {
        int vsCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rsCount = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path file = Files.createTempFile("vigil-parsebench", ".conf");
        try {
            String text = generate(vsCount, rsCount);
            Files.writeString(file, text);
            long lines = text.chars().filter(c -> c == '\n').count();
            System.out.printf("config: %d virtual_server x %d real_server, %,d lines, %,d bytes%n", vsCount, rsCount,
                    lines, text.length());
            LoadOptions options = LoadOptions.defaults().withConfigId("bench");
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                LoadResult r = ConfigLoader.load(file, options);
                System.out.printf("warm-up %d: %6.0f ms%n", i + 1, (System.nanoTime() - t0) / 1e6);
                check(r, vsCount, rsCount);
            }
            long best = Long.MAX_VALUE, total = 0, bestCpu = Long.MAX_VALUE;
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < runs; i++) {
                long gc0 = gcMillis();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long alloc0 = threads.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                LoadResult r = ConfigLoader.load(file, options);
                long dt = System.nanoTime() - t0;
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                long alloc = threads.getCurrentThreadAllocatedBytes() - alloc0;
                check(r, vsCount, rsCount);
                best = Math.min(best, dt);
                bestCpu = Math.min(bestCpu, cpu);
                total += dt;
                System.out.printf("run %d:     %6.0f ms wall, %6.0f ms CPU (parser thread), %5d ms GC, %5d MB allocated%n",
                        i + 1, dt / 1e6, cpu / 1e6, gcMillis() - gc0, alloc / (1024 * 1024));
            }
            System.gc();
            long before = usedHeap();
            LoadResult keep = ConfigLoader.load(file, options);
            System.gc();
            long after = usedHeap();
            check(keep, vsCount, rsCount);
            System.out.printf("model retained: about %d MB of heap%n", (after - before) / (1024 * 1024));
            System.out.printf("parse+validate: best %.0f ms wall (%.0f ms CPU), mean %.0f ms over %d runs (target < 2000 ms);"
                    + " load average %.1f on %d CPUs%n", best / 1e6, bestCpu / 1e6, total / 1e6 / runs, runs,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) ms += Math.max(0, gc.getCollectionTime());
        return ms;
    }

    private static void check(LoadResult r, int vsCount, int rsCount) {
        KeepalivedConfig c = r.config().orElseThrow(() -> new IllegalStateException("no model: " + r.diagnostics()));
        if (!r.diagnostics().isEmpty()) throw new IllegalStateException("unexpected diagnostics: " + r.diagnostics().subList(0, 3));
        int rs = c.virtualServers().stream().mapToInt(v -> v.realServers().size()).sum();
        if (c.virtualServers().size() != vsCount || rs != vsCount * rsCount) {
            throw new IllegalStateException("model incomplete: " + c.virtualServers().size() + " vs, " + rs + " rs");
        }
    }

    static String generate(int vsCount, int rsCount) {
        var sb = new StringBuilder(vsCount * rsCount * 400);
        sb.append("global_defs {\n    router_id BENCH\n    vrrp_garp_master_refresh 60\n}\n\n");
        for (int i = 1; i <= 20; i++) {
            sb.append("vrrp_instance VI_").append(i).append(" {\n    state BACKUP\n    interface eth0\n")
                    .append("    virtual_router_id ").append(i).append("\n    priority 100\n    advert_int 1\n")
                    .append("    authentication {\n        auth_type PASS\n        auth_pass bench").append(i).append("\n    }\n")
                    .append("    virtual_ipaddress {\n");
            for (int v = 0; v < vsCount / 20 + 1; v++) {
                sb.append("        10.").append(i).append('.').append(v / 250).append('.').append(v % 250 + 1)
                        .append("/32 dev eth0\n");
            }
            sb.append("    }\n}\n\n");
        }
        for (int v = 0; v < vsCount; v++) {
            int inst = v % 20 + 1, idx = v / 20;
            String vip = "10." + inst + "." + idx / 250 + "." + (idx % 250 + 1);
            sb.append("virtual_server ").append(vip).append(" 80 {\n    delay_loop 6\n    lb_algo wrr\n    lb_kind DR\n")
                    .append("    persistence_timeout 300\n    protocol TCP\n\n");
            for (int r = 0; r < rsCount; r++) {
                sb.append("    real_server 198.51.").append(v % 200).append('.').append(r + 1).append(" 80 {\n")
                        .append("        weight ").append(r % 5 + 1).append("\n        inhibit_on_failure\n")
                        .append("        HTTP_GET {\n            url {\n                path /health\n")
                        .append("                status_code 200\n            }\n            url {\n")
                        .append("                path /ready\n                digest 26f11e326fc7c597355f213e5677ae75\n")
                        .append("            }\n            connect_timeout 3\n            retry 3\n")
                        .append("            delay_before_retry 3\n        }\n")
                        .append("        TCP_CHECK {\n            connect_port 80\n            connect_timeout 2\n        }\n")
                        .append("    }\n");
            }
            sb.append("}\n\n");
        }
        return sb.toString();
    }
}
