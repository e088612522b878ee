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
 */
public final class HeapSizing {
    /**
     * Live heap after a full GC (class histogram, NodeScaleBench, TCP_CHECK per real server): 21 MB at 1,000 real
     * servers, 93 MB at 10,000 — ~14 MB plus ~8 KB per real server.
     */
    static final long BASE = 14L << 20, PER_REAL_SERVER = 8L << 10;
    /** Headroom over the live set: at 1.7× ZGC collected every 6–8 s at 10,000 real servers (docs/scale.md). */
    static final int HEADROOM_PERCENT = 170;
    /** Below this a small node's bursts (a reload, API clients) would make ZGC collect back to back for little RSS. */
    static final long FLOOR = 96L << 20;

    private HeapSizing() {}

    static long liveEstimate(int realServers) { return BASE + PER_REAL_SERVER * realServers; }

    /** The soft limit for this many real servers under a {@code maxHeap} ceiling. */
    static long softMax(int realServers, long maxHeap) {
        return Math.min(maxHeap, Math.max(FLOOR, liveEstimate(realServers) * HEADROOM_PERCENT / 100));
    }

    /** Null when the ceiling holds the estimate with room; else the warning an operator needs, with the fix. */
    static String ceilingWarning(int realServers, long maxHeap) {
        long need = liveEstimate(realServers) * HEADROOM_PERCENT / 100;
        if (need <= maxHeap) return null;
        long mb = (need >> 20) + 64;
        return String.format(Locale.ROOT, "heap: %d real servers need about %d MB of heap but -Xmx is %d MB: the node will "
                + "collect garbage back to back or run out of memory; set VIGIL_JAVA_OPTS=-Xmx%dm", realServers,
                need >> 20, maxHeap >> 20, mb);
    }

    /** The real servers whose checks this node runs (none with {@code --vrrp}: the checker does not start). */
    public static int realServers(KeepalivedConfig config) {
        int n = 0;
        for (var vs : config.virtualServers()) n += vs.realServers().size();
        return n;
    }

    /**
     * Sets ZGC's SoftMaxHeapSize for {@code rs} real servers unless the operator set it ({@code VIGIL_JAVA_OPTS}); warns when
     * {@code -Xmx} is too small for it. Other collectors ignore the soft limit, so nothing is set for them.
     */
    public static void apply(int rs) {
        long max = Runtime.getRuntime().maxMemory();
        String warning = ceilingWarning(rs, max);
        if (warning != null) NodeLog.warn(warning);
        boolean zgc = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(b -> b.getName().startsWith("ZGC"));
        if (!zgc) return;
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption current = hs.getVMOption("SoftMaxHeapSize");
        switch (current.getOrigin()) {
            case DEFAULT, ERGONOMIC, MANAGEMENT -> {
                long soft = softMax(rs, max);
                hs.setVMOption("SoftMaxHeapSize", Long.toString(soft));
                NodeLog.info(String.format(Locale.ROOT, "heap: soft limit %d MB for %d real servers (ceiling -Xmx %d MB)",
                        soft >> 20, rs, max >> 20));
            }
            default -> { } // given on the command line: the operator's choice
        }
    }
}
