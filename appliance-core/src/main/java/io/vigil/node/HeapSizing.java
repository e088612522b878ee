package io.vigil.node;

import io.vigil.config.KeepalivedConfig;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * ZGC's soft heap limit, sized from the configuration: the heap a node needs grows with its real servers (config
 * model, check plan, engine and coalescer state, live journal view, metrics), so one fixed {@code -Xmx} is either too
 * small for a large node or RSS thrown away on a small one. {@code -Xmx} stays the hard ceiling (bin/vigil: 512 MB, a
 * reservation, not memory used); ZGC keeps the heap near the soft limit and gives the rest back (ZUncommitDelay).
 * Set at start and on every reload, off the VRRP path (the management beans take ~50 ms to load).
 * <p>
 * Two parts: room over the live set, which grows with the real servers, and room for what the probes allocate
 * between collections. The built-in TCP_CHECK allocates a few hundred bytes per probe, which the first part
 * covers. A plugin's probe (HTTP_GET: ~7 KB, a Vert.x client request) at thousands per second needs its own room:
 * at 10,000 HTTP_GETs a second under a 157 MB soft limit ZGC collected back to back (1.57 cores, against 0.92 at
 * 256 MB).
 */
public final class HeapSizing {
    /**
     * Live heap after a full GC (class histogram, NodeScaleBench, TCP_CHECK per real server): 21 MB at 1,000 real
     * servers, 93 MB at 10,000 — ~14 MB plus ~8 KB per real server.
     */
    static final long BASE = 14L << 20, PER_REAL_SERVER = 8L << 10;
    /**
     * Headroom over the live set. At 1.7× ZGC collected every 2.7 s on average at 10,000 real servers, and the RSS
     * peaked at 292–305 MB on a quiet box; at 1.5×, 272–294 MB, with CPU within the runs' spread (docs/scale.md,
     * "Fifth round").
     */
    static final int HEADROOM_PERCENT = 150;
    /** Below this a small node's bursts (a reload, API clients) would make ZGC collect back to back for little RSS. */
    static final long FLOOR = 96L << 20;

    private HeapSizing() {}

    /** What sizes the heap: real servers, and plugin probes per second (every checker but the built-in TCP_CHECK). */
    public record Load(int realServers, double pluginProbesPerSecond) {
        public static final Load NONE = new Load(0, 0);

        public static Load of(KeepalivedConfig config) {
            int rs = 0;
            double rate = 0;
            for (var vs : config.virtualServers()) {
                for (var r : vs.realServers()) {
                    rs++;
                    for (var c : r.checkers()) {
                        if (c.type().equals("TCP_CHECK")) continue;
                        long ms = Math.max(1, c.delayLoop().toMillis());
                        rate += 1000.0 / ms;
                    }
                }
            }
            return new Load(rs, rate);
        }
    }

    /**
     * Room per plugin probe a second: ~7 KB allocated per HTTP_GET probe, collected about once a second or less. With
     * the lower headroom above, 12 KB keeps 10,000 HTTP_GETs a second at the ~255 MB they were measured with (at
     * 1.5× and 10 KB, 237 MB: 80.0 against 71.9 ms of CPU per 1,000 probes in one run each).
     */
    static final long PER_PLUGIN_PROBE_PER_SECOND = 12L << 10;

    static long liveEstimate(int realServers) { return BASE + PER_REAL_SERVER * realServers; }

    static long need(Load load) {
        return liveEstimate(load.realServers()) * HEADROOM_PERCENT / 100 + (long) (load.pluginProbesPerSecond() * PER_PLUGIN_PROBE_PER_SECOND);
    }

    /** The soft limit for this load under a {@code maxHeap} ceiling. */
    static long softMax(Load load, long maxHeap) {
        return Math.min(maxHeap, Math.max(FLOOR, need(load)));
    }

    /** Null when the ceiling holds the estimate; else the warning an operator needs, with the fix. */
    static String ceilingWarning(Load load, long maxHeap) {
        long need = need(load);
        if (need <= maxHeap) return null;
        long mb = (need >> 20) + 64;
        return String.format(Locale.ROOT, "heap: %d real servers%s need about %d MB of heap but -Xmx is %d MB: the node "
                + "will collect garbage back to back or run out of memory; set VIGIL_JAVA_OPTS=-Xmx%dm", load.realServers(),
                load.pluginProbesPerSecond() > 0 ? String.format(Locale.ROOT, " and %.0f plugin probes/s", load.pluginProbesPerSecond()) : "",
                need >> 20, maxHeap >> 20, mb);
    }

    /**
     * Sets ZGC's SoftMaxHeapSize for {@code load} unless the operator set it ({@code VIGIL_JAVA_OPTS}); warns when
     * {@code -Xmx} is too small for it. Other collectors ignore the soft limit, so nothing is set for them.
     */
    public static void apply(Load load) {
        long max = Runtime.getRuntime().maxMemory();
        String warning = ceilingWarning(load, max);
        if (warning != null) NodeLog.warn(warning);
        boolean zgc = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(b -> b.getName().startsWith("ZGC"));
        if (!zgc) return;
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption current = hs.getVMOption("SoftMaxHeapSize");
        switch (current.getOrigin()) {
            case DEFAULT, ERGONOMIC, MANAGEMENT -> {
                long soft = softMax(load, max);
                hs.setVMOption("SoftMaxHeapSize", Long.toString(soft));
                NodeLog.info(String.format(Locale.ROOT, "heap: soft limit %d MB for %d real servers and %.0f plugin probes/s "
                        + "(ceiling -Xmx %d MB)", soft >> 20, load.realServers(), load.pluginProbesPerSecond(), max >> 20));
            }
            default -> { } // given on the command line: the operator's choice
        }
    }
}
