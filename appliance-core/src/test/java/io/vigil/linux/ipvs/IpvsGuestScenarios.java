package io.vigil.linux.ipvs;

import io.vigil.ipvs.DestKey;
import io.vigil.ipvs.DesiredState;
import io.vigil.ipvs.ForwardMethod;
import io.vigil.ipvs.IpvsChange;
import io.vigil.ipvs.IpvsDest;
import io.vigil.ipvs.IpvsPlanner;
import io.vigil.ipvs.IpvsService;
import io.vigil.ipvs.Protocol;
import io.vigil.ipvs.RealServerId;
import io.vigil.ipvs.RealServerSpec;
import io.vigil.ipvs.RealServerState;
import io.vigil.ipvs.Schedulers;
import io.vigil.ipvs.ServiceFlags;
import io.vigil.ipvs.ServiceKey;
import io.vigil.ipvs.VirtualServerSpec;
import io.vigil.linux.Errno;
import io.vigil.linux.LinuxException;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs INSIDE the qemu guest (real kernel with IPVS): exercises {@link IpvsNetlink} and {@link IpvsReconciler}
 * and cross-checks the kernel table with {@code ipvsadm -Ln}. Prints "PASS name" / "FAIL name: why" lines and a
 * closing "GUEST-SUMMARY n passed, m failed" to the serial console; IpvsQemuTest on the host asserts on them.
 */
public final class IpvsGuestScenarios {
    private static int passed, failed;

    interface Scenario { void run() throws Exception; }

    static void scenario(String name, Scenario s) {
        try {
            s.run();
            passed++;
            System.out.println("PASS " + name);
        } catch (Throwable t) {
            failed++;
            System.out.println("FAIL " + name + ": " + t);
            t.printStackTrace(System.out);
        }
    }

    public static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    public static void equal(Object expected, Object actual, String what) {
        if (!Objects.equals(expected, actual)) throw new AssertionError(what + ": expected " + expected + " but was " + actual);
    }

    static InetAddress ip(String s) throws Exception { return InetAddress.getByName(s); }

    static ServiceKey.Addr tcp(String a, int port) throws Exception { return new ServiceKey.Addr(Protocol.TCP, ip(a), port); }

    static LinuxException expectError(Scenario s) throws Exception {
        try {
            s.run();
        } catch (LinuxException e) {
            System.out.println("  kernel said: " + e.getMessage());
            return e;
        }
        throw new AssertionError("expected a kernel error");
    }

    public static void main(String[] args) throws Exception {
        IpvsNetlink k = IpvsNetlink.open();
        k.flush();

        scenario("info", () -> {
            IpvsNetlink.Info i = k.info();
            System.out.println("  IPVS " + i.versionText() + " conn table " + i.connTableSize());
            check(i.version() >= 0x010200, "version " + i.versionText());
        });

        scenario("every scheduler the kernel has", () -> {
            int port = 1000;
            List<String> missing = new ArrayList<>();
            for (String s : Schedulers.KNOWN) {
                ServiceKey key = tcp("192.0.2.1", port++);
                try {
                    k.addService(new IpvsService(key, s, 0, 0, 0xFFFFFFFF));
                    equal(s, k.snapshot().service(key).service().scheduler(), "scheduler read back");
                } catch (IpvsException e) {
                    check(e.errno() == Errno.ENOENT && e.getMessage().contains("scheduler"), "unexpected error " + e.getMessage());
                    missing.add(s);
                    System.out.println("  not in this kernel: " + e.getMessage());
                }
            }
            System.out.println("  missing schedulers: " + missing);
            check(missing.size() <= 1 && (missing.isEmpty() || missing.equals(List.of("twos"))), "only twos may be missing");
            String adm = IpvsadmListing.run("-Ln");
            for (String s : Schedulers.KNOWN) if (!missing.contains(s)) check(adm.contains(" " + s + " ") || adm.contains(" " + s + "\n"), "ipvsadm shows " + s);
            k.flush();
        });

        scenario("services: TCP/UDP/SCTP/fwmark, persistence, sh/mh flags, ops; cross-checked with ipvsadm", () -> {
            k.addService(new IpvsService(tcp("192.0.2.10", 80), "wrr", ServiceFlags.PERSISTENT, 300, 0xFFFFFF00));
            k.addService(new IpvsService(new ServiceKey.Addr(Protocol.UDP, ip("192.0.2.10"), 53), "rr", ServiceFlags.ONEPACKET, 0, 0xFFFFFFFF));
            k.addService(new IpvsService(new ServiceKey.Addr(Protocol.SCTP, ip("192.0.2.10"), 3868), "lc", 0, 0, 0xFFFFFFFF));
            k.addService(new IpvsService(ServiceKey.Fwmark.v4(5), "sh", ServiceFlags.SCHED1 | ServiceFlags.SCHED2, 0, 0xFFFFFFFF));
            k.addService(new IpvsService(tcp("192.0.2.11", 443), "mh", ServiceFlags.SCHED2, 0, 0xFFFFFFFF));
            IpvsSnapshot s = k.snapshot();
            equal(5, s.services().size(), "service count");
            IpvsService p = s.service(tcp("192.0.2.10", 80)).service();
            equal(ServiceFlags.PERSISTENT, p.flags(), "persistent flag");
            equal(300, p.timeout(), "timeout");
            equal(0xFFFFFF00, p.netmask(), "netmask");
            equal(ServiceFlags.SCHED1 | ServiceFlags.SCHED2, s.service(ServiceKey.Fwmark.v4(5)).service().flags(), "sh flags");
            equal(ServiceFlags.ONEPACKET, s.service(new ServiceKey.Addr(Protocol.UDP, ip("192.0.2.10"), 53)).service().flags(), "ops");
            String adm = IpvsadmListing.run("-Ln");
            System.out.print(adm);
            check(adm.contains("persistent 300 mask 255.255.255.0"), "ipvsadm shows persistence");
            check(adm.matches("(?s).*FWM\\s+5 sh \\(?.*sh-fallback.*"), "ipvsadm shows sh-fallback");
            check(adm.contains("sh-port"), "ipvsadm shows sh-port");
            check(adm.contains("mh-port"), "ipvsadm shows mh-port");
            check(adm.contains("ops"), "ipvsadm shows ops");
            IpvsadmListing.assertSame(adm, s);
        });

        scenario("destinations DR/NAT/TUN, edit, thresholds; cross-checked with ipvsadm", () -> {
            ServiceKey web = tcp("192.0.2.10", 80);
            k.addDest(web, IpvsDest.of(new DestKey(ip("198.51.100.11"), 80), ForwardMethod.DR, 3));
            k.addDest(web, IpvsDest.of(new DestKey(ip("198.51.100.12"), 8080), ForwardMethod.NAT, 1));
            k.addDest(web, new IpvsDest(new DestKey(ip("198.51.100.13"), 80), ForwardMethod.TUN, 2, 100, 50));
            k.addDest(ServiceKey.Fwmark.v4(5), IpvsDest.of(new DestKey(ip("198.51.100.11"), 80), ForwardMethod.DR, 1));
            k.editDest(web, IpvsDest.of(new DestKey(ip("198.51.100.11"), 80), ForwardMethod.DR, 7));
            List<IpvsSnapshot.Dest> ds = k.listDests(web);
            equal(3, ds.size(), "dest count");
            IpvsSnapshot snap = k.snapshot();
            equal(7, snap.dest(web, new DestKey(ip("198.51.100.11"), 80)).dest().weight(), "edited weight");
            equal(ForwardMethod.NAT, snap.dest(web, new DestKey(ip("198.51.100.12"), 8080)).dest().forward(), "NAT");
            equal(new IpvsDest(new DestKey(ip("198.51.100.13"), 80), ForwardMethod.TUN, 2, 100, 50),
                    snap.dest(web, new DestKey(ip("198.51.100.13"), 80)).dest(), "TUN + thresholds");
            String adm = IpvsadmListing.run("-Ln");
            System.out.print(adm);
            IpvsadmListing.assertSame(adm, k.snapshot());
            check(adm.contains("Route   7") && adm.contains("Masq    1") && adm.contains("Tunnel  2"), "ipvsadm forward/weight columns");
            k.editService(new IpvsService(web, "wlc", 0, 0, 0xFFFFFFFF));
            equal("wlc", k.snapshot().service(web).service().scheduler(), "edited scheduler");
            equal(3, k.listDests(web).size(), "edit service keeps dests");
        });

        scenario("kernel errors become clear messages", () -> {
            ServiceKey web = tcp("192.0.2.10", 80);
            LinuxException e = expectError(() -> k.addService(new IpvsService(web, "rr", 0, 0, 0xFFFFFFFF)));
            equal(Errno.EEXIST, e.errno(), "EEXIST");
            check(e.getMessage().contains("already exists"), e.getMessage());
            e = expectError(() -> k.deleteService(tcp("192.0.2.99", 80)));
            equal(Errno.ESRCH, e.errno(), "ESRCH");
            check(e.getMessage().contains("no such service"), e.getMessage());
            e = expectError(() -> k.deleteDest(web, new DestKey(ip("198.51.100.99"), 80)));
            equal(Errno.ENOENT, e.errno(), "ENOENT");
            check(e.getMessage().contains("no such destination"), e.getMessage());
            e = expectError(() -> k.addDest(web, IpvsDest.of(new DestKey(ip("198.51.100.11"), 80), ForwardMethod.DR, 1)));
            equal(Errno.EEXIST, e.errno(), "dest EEXIST");
            e = expectError(() -> k.addDest(tcp("192.0.2.99", 80), IpvsDest.of(new DestKey(ip("198.51.100.11"), 80), ForwardMethod.DR, 1)));
            equal(Errno.ESRCH, e.errno(), "dest in missing service");
            e = expectError(() -> k.addService(new IpvsService(tcp("192.0.2.98", 80), "nosuch", 0, 0, 0xFFFFFFFF)));
            equal(Errno.ENOENT, e.errno(), "unknown scheduler");
            check(e.getMessage().contains("scheduler"), e.getMessage());
            // a batch with one refused change among good ones: only that one is reported, the rest applied
            List<IpvsChange> batch = List.of(
                    new IpvsChange.AddDest(web, IpvsDest.of(new DestKey(ip("198.51.100.14"), 80), ForwardMethod.DR, 1), "t"),
                    new IpvsChange.AddDest(tcp("192.0.2.99", 80), IpvsDest.of(new DestKey(ip("198.51.100.14"), 80), ForwardMethod.DR, 1), "t"),
                    new IpvsChange.EditDest(web, IpvsDest.of(new DestKey(ip("198.51.100.14"), 80), ForwardMethod.DR, 1),
                            IpvsDest.of(new DestKey(ip("198.51.100.14"), 80), ForwardMethod.DR, 4), "t"));
            List<IpvsNetlink.Refused> refused = k.applyAll(batch);
            equal(1, refused.size(), "one refused");
            equal(batch.get(1), refused.getFirst().change(), "the refused one");
            equal(Errno.ESRCH, refused.getFirst().error().errno(), "its errno");
            System.out.println("  batch refusal: " + refused.getFirst().error().getMessage());
            equal(4, k.snapshot().dest(web, new DestKey(ip("198.51.100.14"), 80)).dest().weight(), "later change in the batch applied");
            k.deleteDest(web, new DestKey(ip("198.51.100.14"), 80));
            k.deleteDest(web, new DestKey(ip("198.51.100.13"), 80));
            k.deleteService(ServiceKey.Fwmark.v4(5));
            check(k.snapshot().service(ServiceKey.Fwmark.v4(5)) == null, "fwmark service deleted");
            k.flush();
            equal(0, k.snapshot().services().size(), "flushed");
        });

        scenario("reconcile: cold start, check failure, inhibit, quorum/sorry, reload — minimal changes, no flush", () -> reconcileScenario(k));

        scenario("stats: counters survive a reconcile (no flush, no re-create)", () -> statsScenario(k));

        k.flush();
        scenario("metrics: node_ipvs_* of a keepalived.conf's virtual servers agree with ipvsadm", io.vigil.api.KernelMetricsGuestScenario::run);

        scenario("lvs_flush, lvs_timeouts, persistence_engine, lvs_flush_on_stop VS; a foreign service left alone", () -> LvsGuestScenario.globals(k));

        scenario("sync daemons follow VRRP; a connection through the master is in the backup's table and goes on after a failover",
                LvsGuestScenario::sync);

        k.flush();
        k.close();
        System.out.println("GUEST-SUMMARY " + passed + " passed, " + failed + " failed");
    }

    static VirtualServerSpec web(List<RealServerSpec> rs, RealServerSpec sorry, int quorum) throws Exception {
        return new VirtualServerSpec("192.0.2.20 80", "keepalived.conf:10", List.of(tcp("192.0.2.20", 80)), "wrr", 0,
                50, null, ForwardMethod.DR, quorum, 0, sorry, false, rs);
    }

    static void reconcileScenario(IpvsNetlink k) throws Exception {
        RealServerSpec a = RealServerSpec.of(ip("198.51.100.21"), 80, 3);
        RealServerSpec b = RealServerSpec.of(ip("198.51.100.22"), 80, 1).inhibited();
        RealServerSpec c = RealServerSpec.of(ip("198.51.100.23"), 80, 2);
        RealServerSpec sorry = RealServerSpec.of(ip("198.51.100.99"), 80, 1);
        List<ServiceKey> groupKeys = List.of(new ServiceKey.Addr(Protocol.UDP, ip("192.0.2.30"), 53),
                new ServiceKey.Addr(Protocol.UDP, ip("192.0.2.31"), 53), ServiceKey.Fwmark.v4(7));
        VirtualServerSpec group = new VirtualServerSpec("group DNS", "keepalived.conf:30", groupKeys,
                "sh", ServiceFlags.SCHED1, 0, null, ForwardMethod.NAT, 1, 0, null, false,
                List.of(RealServerSpec.of(ip("198.51.100.31"), 53, 1)));
        List<VirtualServerSpec> config = List.of(web(List.of(a, b, c), sorry, 4), group);
        Map<RealServerId, RealServerState> states = new HashMap<>();
        Map<String, Boolean> quorum = Map.of();
        try (IpvsReconciler r = new IpvsReconciler()) {
            check(r.available(), "IPVS available in guest");
            // a service nobody configured: the reconcile leaves it alone (as keepalived: only its own services are touched)
            ServiceKey foreign = tcp("192.0.2.77", 80);
            k.addService(new IpvsService(foreign, "rr", 0, 0, 0xFFFFFFFF));

            System.out.println("  step 1: cold start");
            DesiredState d = IpvsPlanner.plan(config, states, quorum);
            IpvsReconciler.Result first = r.reconcile(d);
            print(first);
            check(first.ok(), "reconcile failures: " + first.failures());
            equal(4 + 6, first.applied().size(), "number of changes (none for the foreign service)");
            check(k.snapshot().service(foreign) != null, "the foreign service is left in the kernel");
            k.deleteService(foreign); // the rest of the story compares the kernel with the desired table
            equal(d.table(), k.snapshot().table(), "kernel table equals desired table");
            quorum = d.quorumUp();

            System.out.println("  step 2: 198.51.100.21 fails its check -> quorum 4 lost -> sorry server");
            states.put(new RealServerId("192.0.2.20 80", a.key()), RealServerState.down("HTTP_GET 198.51.100.21:80 failed 3×"));
            d = IpvsPlanner.plan(config, states, quorum);
            IpvsReconciler.Result res = step(r, d, 4);
            quorum = d.quorumUp();
            check(res.applied().stream().anyMatch(ch -> ch instanceof IpvsChange.DeleteDest dd && dd.dest().equals(a.key())
                    && dd.cause().equals("HTTP_GET 198.51.100.21:80 failed 3× → destination removed")), "cause of removing .21");
            check(res.applied().stream().anyMatch(ch -> ch instanceof IpvsChange.AddDest ad && ad.dest().key().equals(sorry.key())), "sorry added");
            equal(0, k.listDests(tcp("192.0.2.20", 80)).stream().filter(x -> x.dest().key().equals(b.key())).findFirst().orElseThrow().dest().weight(),
                    "inhibited .22 kept with weight 0 while quorum is down");

            System.out.println("  step 3: .21 recovers -> quorum back, sorry server out");
            states.put(new RealServerId("192.0.2.20 80", a.key()), RealServerState.up("HTTP_GET 198.51.100.21:80 succeeded"));
            d = IpvsPlanner.plan(config, states, quorum);
            step(r, d, 4);
            quorum = d.quorumUp();

            System.out.println("  step 4: .22 (inhibit_on_failure) fails -> weight 0, one change");
            states.put(new RealServerId("192.0.2.20 80", b.key()), RealServerState.down("TCP_CHECK 198.51.100.22:80 connect timeout"));
            d = IpvsPlanner.plan(config, states, quorum);
            res = step(r, d, 1);
            quorum = d.quorumUp();
            check(res.applied().getFirst() instanceof IpvsChange.EditDest e && e.after().weight() == 0
                    && e.cause().contains("inhibit_on_failure"), "inhibit edit: " + res.applied());

            System.out.println("  step 4b: .22 recovers; only this virtual server is re-planned and diffed (updateServices)");
            states.put(new RealServerId("192.0.2.20 80", b.key()), RealServerState.up("TCP_CHECK 198.51.100.22:80 connected"));
            DesiredState partial = IpvsPlanner.plan(List.of(config.getFirst()), states, quorum);
            res = r.updateServices(partial);
            print(res);
            check(res.ok() && res.applied().size() == 1, "one change for the flip: " + res.applied());
            d = IpvsPlanner.plan(config, states, quorum);
            equal(d.table(), r.netlink().snapshot().table(), "kernel equals the full desired table after a partial update");
            states.put(new RealServerId("192.0.2.20 80", b.key()), RealServerState.down("TCP_CHECK 198.51.100.22:80 connect timeout"));
            step(r, IpvsPlanner.plan(config, states, quorum), 1);

            System.out.println("  step 5: reload: web to wlc + quorum 3, .23 dropped, group loses 192.0.2.31");
            VirtualServerSpec web2 = new VirtualServerSpec("192.0.2.20 80", "keepalived.conf:10", List.of(tcp("192.0.2.20", 80)), "wlc", 0,
                    50, null, ForwardMethod.DR, 3, 0, sorry, false, List.of(a, b));
            VirtualServerSpec group2 = new VirtualServerSpec("group DNS", "keepalived.conf:30", List.of(groupKeys.get(0), groupKeys.get(2)),
                    "sh", ServiceFlags.SCHED1, 0, null, ForwardMethod.NAT, 1, 0, null, false, group.realServers());
            d = IpvsPlanner.plan(List.of(web2, group2), states, quorum);
            step(r, d, 3);
            quorum = d.quorumUp();

            System.out.println("  step 6: nothing changed -> nothing applied");
            step(r, IpvsPlanner.plan(List.of(web2, group2), states, quorum), 0);

            String adm = IpvsadmListing.run("-Ln");
            System.out.print(adm);
            IpvsadmListing.assertSame(adm, k.snapshot());
        }
    }

    /** One reconcile: must succeed with exactly {@code expectedChanges} changes and leave the kernel equal to the desired table. */
    static IpvsReconciler.Result step(IpvsReconciler r, DesiredState d, int expectedChanges) throws Exception {
        IpvsReconciler.Result res = r.reconcile(d);
        print(res);
        check(res.ok(), "reconcile failures: " + res.failures());
        equal(expectedChanges, res.applied().size(), "number of changes");
        IpvsSnapshot now = r.netlink().snapshot();
        equal(d.table(), now.table(), "kernel table equals desired table");
        return res;
    }

    static void print(IpvsReconciler.Result r) {
        for (IpvsChange c : r.applied()) System.out.println("  applied: " + c.describe() + "   [" + c.cause() + "]");
        for (IpvsReconciler.Failure f : r.failures()) System.out.println("  failed: " + f.change().describe() + ": " + f.error().getMessage());
    }

    static void statsScenario(IpvsNetlink k) throws Exception {
        k.flush();
        run("ip", "addr", "add", "192.0.2.40/32", "dev", "lo");
        ServiceKey vip = tcp("192.0.2.40", 80);
        RealServerSpec local = RealServerSpec.of(ip("127.0.0.1"), 80, 1);
        VirtualServerSpec vs = VirtualServerSpec.simple("192.0.2.40 80", vip, "rr", ForwardMethod.NAT, List.of(local));
        try (IpvsReconciler r = new IpvsReconciler(); ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("0.0.0.0", 80));
            Thread t = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 3; i++) {
                    try (Socket s = server.accept(); OutputStream o = s.getOutputStream()) {
                        o.write("hello\n".getBytes());
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            check(r.reconcile(IpvsPlanner.plan(List.of(vs), Map.of(), Map.of())).ok(), "programmed");
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("192.0.2.40", 80), 3000);
                    InputStream in = s.getInputStream();
                    equal("hello", new String(in.readAllBytes()).trim(), "reply through IPVS");
                }
            }
            t.join(5000);
            // the kernel folds per-CPU counters into the totals on its 2 s estimator tick
            IpvsSnapshot before = k.snapshot();
            for (int i = 0; i < 40 && before.service(vip).stats().conns() < 3; i++) {
                Thread.sleep(250);
                before = k.snapshot();
            }
            IpvsStats sb = before.service(vip).stats();
            System.out.println("  service stats after 3 connections: " + sb + " dest " + before.dest(vip, local.key()));
            equal(3L, sb.conns(), "3 connections scheduled");
            check(sb.inPackets() > 0 && sb.inBytes() > 0, "packets counted");
            String stats = IpvsadmListing.run("-Ln", "--stats");
            System.out.print(stats);
            check(stats.matches("(?s).*TCP\\s+192\\.0\\.2\\.40:80\\s+3\\s.*"), "ipvsadm --stats shows 3 conns");
            // weight flip via reconcile: one edit, the service and its counters stay
            VirtualServerSpec vs2 = VirtualServerSpec.simple("192.0.2.40 80", vip, "rr", ForwardMethod.NAT,
                    List.of(RealServerSpec.of(ip("127.0.0.1"), 80, 5)));
            IpvsReconciler.Result res = r.reconcile(IpvsPlanner.plan(List.of(vs2), Map.of(), Map.of()));
            print(res);
            equal(1, res.applied().size(), "one change");
            IpvsStats sa = k.snapshot().service(vip).stats();
            System.out.println("  service stats after the reconcile: " + sa);
            equal(sb.conns(), sa.conns(), "conns kept");
            check(sa.inPackets() >= sb.inPackets(), "packets kept");
        } finally {
            run("ip", "addr", "del", "192.0.2.40/32", "dev", "lo");
        }
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) System.out.println("  " + String.join(" ", cmd) + ": " + out);
    }
}
