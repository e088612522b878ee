package io.vigil.bench;

import io.vigil.ipvs.DesiredState;
import io.vigil.ipvs.IpvsChange;
import io.vigil.ipvs.IpvsDiff;
import io.vigil.ipvs.IpvsPlanner;
import io.vigil.ipvs.IpvsTable;
import io.vigil.ipvs.RealServerId;
import io.vigil.ipvs.RealServerState;
import io.vigil.ipvs.VirtualServerSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host-side (no kernel needed): the pure part of a cold apply and of a flip — plan 300 × 100, diff against an
 * empty table, re-plan one virtual server after a weight change. bin/bench io.vigil.bench.IpvsPlanBench [vs] [rs]
 */
public final class IpvsPlanBench {
    public static void main(String[] args) throws Exception {
        int nvs = args.length > 0 ? Integer.parseInt(args[0]) : 300, nrs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        List<VirtualServerSpec> config = IpvsBench.config(nvs, nrs);
        Map<RealServerId, RealServerState> states = new HashMap<>();
        java.lang.management.ThreadMXBean tm = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 5; round++) {
            long c0 = tm.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            DesiredState d = IpvsPlanner.plan(config, states, Map.of());
            long t1 = System.nanoTime();
            List<IpvsChange> c = IpvsDiff.diff(d, IpvsTable.empty());
            long t2 = System.nanoTime();
            List<IpvsChange> none = IpvsDiff.diff(d, d.table());
            long t3 = System.nanoTime();
            long c3 = tm.getCurrentThreadCpuTime();
            System.out.printf("BENCH host round %d: plan %.1f ms, diff vs empty %.1f ms (%d changes), diff vs equal %.1f ms (%d); thread CPU %.1f ms for all three%n",
                    round, (t1 - t0) / 1e6, (t2 - t1) / 1e6, c.size(), (t3 - t2) / 1e6, none.size(), (c3 - c0) / 1e6);
        }
        Map<String, Boolean> quorum = IpvsPlanner.plan(config, states, Map.of()).quorumUp();
        long total = 0, cpu0 = tm.getCurrentThreadCpuTime();
        int n = 1000;
        for (int i = 0; i < n; i++) {
            VirtualServerSpec vs = config.get(i % nvs);
            long a = System.nanoTime();
            states.put(new RealServerId(vs.name(), vs.realServers().get(i % nrs).key()), new RealServerState(true, 5, "flip"));
            DesiredState p = IpvsPlanner.plan(List.of(vs), states, quorum);
            IpvsDiff.diff(p, p.table());
            total += System.nanoTime() - a;
        }
        System.out.printf("BENCH host flip: re-plan one virtual server of %d + diff: %.1f us each wall, %.1f us thread CPU (n=%d)%n",
                nrs, total / 1e3 / n, (tm.getCurrentThreadCpuTime() - cpu0) / 1e3 / n, n);
    }
}
