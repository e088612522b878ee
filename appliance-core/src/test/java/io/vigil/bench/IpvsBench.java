package io.vigil.bench;

import io.vigil.ipvs.DesiredState;
import io.vigil.ipvs.ForwardMethod;
import io.vigil.ipvs.IpvsPlanner;
import io.vigil.ipvs.Protocol;
import io.vigil.ipvs.RealServerId;
import io.vigil.ipvs.RealServerSpec;
import io.vigil.ipvs.RealServerState;
import io.vigil.ipvs.ServiceKey;
import io.vigil.ipvs.VirtualServerSpec;
import io.vigil.linux.ipvs.IpvsNetlink;
import io.vigil.linux.ipvs.IpvsReconciler;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs INSIDE the qemu guest (IpvsQemuTest with -Dvigil.qemu.bench=true, or iso-build/qemu/ipvs-bench.sh):
 * cold apply of VS × RS through the netlink reconciler, one destination weight flip, and the same through
 * ipvsadm (one process per command, and one ipvsadm -R). Prints BENCH lines. Args: [virtualServers] [realServers]
 * [ipvsadmSingleCommands].
 */
public final class IpvsBench {
    public static void main(String[] args) throws Exception {
        int nvs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int nrs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int singles = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        List<VirtualServerSpec> config = config(nvs, nrs);
        Map<RealServerId, RealServerState> states = new HashMap<>();
        System.out.println("BENCH setup " + nvs + " virtual servers x " + nrs + " real servers = " + nvs + " services + " + nvs * nrs + " destinations");

        try (IpvsNetlink k = IpvsNetlink.open(); IpvsReconciler r = new IpvsReconciler()) {
            k.flush();
            // warm-up on a small table so the JIT has seen the code path (a running daemon would have)
            r.reconcile(IpvsPlanner.plan(config(5, 10), states, Map.of()));
            k.flush();
            r.reconcile(IpvsPlanner.plan(List.of(), states, Map.of()));

            for (int round = 1; round <= 2; round++) {
                k.flush();
                long t0 = System.nanoTime();
                DesiredState d = IpvsPlanner.plan(config, states, Map.of());
                long t1 = System.nanoTime();
                IpvsReconciler.Result res = r.reconcile(d);
                long t2 = System.nanoTime();
                check(res.ok() && res.applied().size() == nvs + nvs * nrs, "cold apply " + res.applied().size() + " " + res.failures());
                System.out.printf("BENCH cold-apply round %d: %.0f ms total (plan %.0f ms, list+diff+apply %.0f ms) for %d changes, %.1f us/change%n",
                        round, ms(t2 - t0), ms(t1 - t0), ms(t2 - t1), res.applied().size(), (t2 - t1) / 1e3 / res.applied().size());
            }
            long tl = System.nanoTime();
            int listed = k.snapshot().table().destCount();
            System.out.printf("BENCH list all: %.0f ms for %d destinations%n", ms(System.nanoTime() - tl), listed);

            // weight flips: state change -> plan -> diff against the last applied table -> one netlink edit
            Map<String, Boolean> quorum = IpvsPlanner.plan(config, states, Map.of()).quorumUp();
            int flips = 50;
            long[] flip = new long[flips], planOnly = new long[flips];
            for (int i = 0; i < flips; i++) {
                VirtualServerSpec vs = config.get(i * 7 % nvs);
                RealServerSpec rs = vs.realServers().get(i * 13 % nrs);
                states.put(new RealServerId(vs.name(), rs.key()), new RealServerState(true, i % 2 == 0 ? 7 : 1, "bench flip " + i));
                long a = System.nanoTime();
                DesiredState d = IpvsPlanner.plan(List.of(vs), states, quorum);
                long b = System.nanoTime();
                IpvsReconciler.Result res = r.updateServices(d);
                long c = System.nanoTime();
                check(res.ok() && res.applied().size() == (i % 2 == 0 ? 1 : 0), "flip " + i + ": " + res.applied());
                flip[i] = c - a;
                planOnly[i] = b - a;
                states.remove(new RealServerId(vs.name(), rs.key()));
                r.updateServices(IpvsPlanner.plan(List.of(vs), states, quorum));
            }
            report("weight flip (re-plan its virtual server of " + nrs + " + diff + 1 netlink edit)", flip);
            report("  of which planning", planOnly);
            long f0 = System.nanoTime();
            IpvsReconciler.Result full = r.update(IpvsPlanner.plan(config, states, quorum));
            System.out.printf("BENCH full re-plan + diff of all %d destinations against the cached table: %.0f ms (%d changes)%n", nvs * nrs, ms(System.nanoTime() - f0), full.applied().size());
            long[] direct = new long[flips];
            ServiceKey key = config.getFirst().keys().getFirst();
            var dest = IpvsPlanner.plan(config, states, quorum).table().services().get(key).dests().firstEntry().getValue();
            for (int i = 0; i < flips; i++) {
                long a = System.nanoTime();
                k.editDest(key, dest.withWeight(i % 2 == 0 ? 5 : dest.weight()));
                direct[i] = System.nanoTime() - a;
            }
            report("weight flip (one netlink edit alone)", direct);

            // ipvsadm, one process per command
            k.flush();
            List<String> cmds = ipvsadmCommands(config);
            int n = Math.min(singles, cmds.size());
            long s0 = System.nanoTime();
            for (int i = 0; i < n; i++) run(cmds.get(i).split(" "));
            long s1 = System.nanoTime();
            double perCmd = ms(s1 - s0) / n;
            System.out.printf("BENCH ipvsadm one command at a time: %d commands in %.0f ms = %.2f ms/command -> %d commands would take ~%.0f s%n",
                    n, ms(s1 - s0), perCmd, cmds.size(), perCmd * cmds.size() / 1000);
            long[] admFlip = new long[10];
            for (int i = 0; i < admFlip.length; i++) {
                long a = System.nanoTime();
                run("ipvsadm", "-e", "-t", "10.1.0.0:80", "-r", "10.2.0.0:80", "-g", "-w", String.valueOf(i % 2 == 0 ? 5 : 1));
                admFlip[i] = System.nanoTime() - a;
            }
            report("weight flip via ipvsadm -e (one process)", admFlip);

            // ipvsadm -R: the whole table in one process
            k.flush();
            StringBuilder restore = new StringBuilder();
            for (String c : cmds) restore.append(c.substring("ipvsadm ".length())).append('\n');
            long r0 = System.nanoTime();
            Process p = new ProcessBuilder("ipvsadm", "-R").redirectErrorStream(true).start();
            try (OutputStream o = p.getOutputStream()) { o.write(restore.toString().getBytes(StandardCharsets.US_ASCII)); }
            String out = new String(p.getInputStream().readAllBytes());
            int rc = p.waitFor();
            long r1 = System.nanoTime();
            check(rc == 0, "ipvsadm -R: " + out);
            System.out.printf("BENCH ipvsadm -R: %d commands in %.0f ms%n", cmds.size(), ms(r1 - r0));
            check(k.snapshot().table().destCount() == nvs * nrs, "ipvsadm -R loaded everything");
            k.flush();
        }
        System.out.println("BENCH done");
    }

    static List<VirtualServerSpec> config(int nvs, int nrs) throws Exception {
        List<VirtualServerSpec> out = new ArrayList<>(nvs);
        for (int v = 0; v < nvs; v++) {
            InetAddress vip = InetAddress.getByAddress(new byte[] {10, 1, (byte) (v >> 8), (byte) v});
            List<RealServerSpec> rss = new ArrayList<>(nrs);
            for (int i = 0; i < nrs; i++) {
                int n = v * nrs + i;
                rss.add(RealServerSpec.of(InetAddress.getByAddress(new byte[] {10, 2, (byte) (n >> 8), (byte) n}), 80, 1));
            }
            out.add(VirtualServerSpec.simple(vip.getHostAddress() + ":80", new ServiceKey.Addr(Protocol.TCP, vip, 80), "wrr",
                    ForwardMethod.DR, rss));
        }
        return out;
    }

    static List<String> ipvsadmCommands(List<VirtualServerSpec> config) {
        List<String> out = new ArrayList<>();
        for (VirtualServerSpec vs : config) {
            String svc = ((ServiceKey.Addr) vs.keys().getFirst()).address().getHostAddress() + ":80";
            out.add("ipvsadm -A -t " + svc + " -s wrr");
            for (RealServerSpec rs : vs.realServers()) out.add("ipvsadm -a -t " + svc + " -r " + rs.address().getHostAddress() + ":80 -g -w 1");
        }
        return out;
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }

    static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("BENCH %s: median %.2f ms, p90 %.2f ms, max %.2f ms (n=%d)%n", what, ms(s[s.length / 2]),
                ms(s[(int) (s.length * 0.9)]), ms(s[s.length - 1]), s.length);
    }

    static double ms(long nanos) { return nanos / 1e6; }

    static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what);
    }
}
