package io.vigil.linux.ipvs;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.ipvs.IpvsConfigMapper;
import io.vigil.ipvs.IpvsPlanner;
import io.vigil.ipvs.IpvsService;
import io.vigil.ipvs.LvsGlobals;
import io.vigil.ipvs.ServiceKey;
import io.vigil.ipvs.VirtualServerSpec;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.linux.NetnsExecutor;
import io.vigil.node.LvsKeeper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.vigil.linux.ipvs.IpvsGuestScenarios.check;
import static io.vigil.linux.ipvs.IpvsGuestScenarios.equal;

/**
 * Runs INSIDE the qemu guest: the IPVS-wide settings ({@link LvsKeeper}: lvs_flush, lvs_timeouts,
 * lvs_flush_on_stop VS, sync daemons following VRRP), persistence_engine, and ownership (a foreign service is
 * left alone), against the real kernel; the sync daemons between two director namespaces, with a connection
 * through the master's virtual service showing up in the backup's connection table and going on through the
 * backup after a failover.
 */
final class LvsGuestScenario {
    private LvsGuestScenario() {}

    static final String GLOBALS_CONF = """
            global_defs {
                lvs_flush
                lvs_timeouts tcp 7200 tcpfin 30 udp 60
                lvs_flush_on_stop VS
            }
            virtual_server 192.0.2.50 5060 {
                protocol UDP
                lb_algo rr
                lb_kind NAT
                persistence_timeout 300
                persistence_engine sip
                real_server 127.0.0.1 5060 {
                    weight 1
                }
            }
            """;

    static KeepalivedConfig load(String text) throws Exception {
        return ConfigLoader.loadText("keepalived.conf", text, Path.of("/tmp"), LoadOptions.defaults())
                .config().orElseThrow(() -> new AssertionError("config did not load"));
    }

    static List<ServiceKey> keys(KeepalivedConfig c) {
        return IpvsConfigMapper.map(c).virtualServers().stream().flatMap(v -> v.keys().stream()).toList();
    }

    record Entry(Cause cause, Event event) {}

    static List<Entry> sink() { return Collections.synchronizedList(new ArrayList<>()); }

    static long count(List<Entry> journal, Event.IpvsOp op) {
        synchronized (journal) {
            return journal.stream().filter(e -> e.event() instanceof Event.IpvsChanged c && c.op() == op && c.ok()).count();
        }
    }

    /** lvs_flush at start, lvs_timeouts read back (netlink and ipvsadm), persistence_engine, a foreign service left alone, VS flush at stop. */
    static void globals(IpvsNetlink k) throws Exception {
        k.flush();
        KeepalivedConfig config = load(GLOBALS_CONF);
        LvsGlobals g = LvsGlobals.from(config);
        equal(List.of(), g.problems(), "no problems reading global_defs");
        IpvsNetlink.Timeouts kernel = k.timeouts();
        System.out.println("  kernel timeouts before: " + kernel);
        ServiceKey leftover = IpvsGuestScenarios.tcp("192.0.2.87", 80);
        k.addService(new IpvsService(leftover, "rr", 0, 0, 0xFFFFFFFF));

        List<Entry> journal = sink();
        LvsKeeper keeper = new LvsKeeper((c, e) -> journal.add(new Entry(c, e)));
        keeper.start(g, () -> keys(config), Cause.NONE);
        check(k.snapshot().services().isEmpty(), "lvs_flush emptied the table at start");
        equal(1L, count(journal, Event.IpvsOp.FLUSH), "flush journaled");
        equal(new IpvsNetlink.Timeouts(7200, 30, 60), k.timeouts(), "timeouts read back over netlink");
        String adm = IpvsadmListing.run("-L", "--timeout");
        System.out.print(adm);
        check(adm.contains("7200 30 60"), "ipvsadm -L --timeout shows 7200 30 60");

        // someone else's service, added after start: the reconcile must leave it, and it must survive a VS flush
        ServiceKey foreign = IpvsGuestScenarios.tcp("192.0.2.88", 80);
        k.addService(new IpvsService(foreign, "wlc", 0, 0, 0xFFFFFFFF));
        List<VirtualServerSpec> vss = IpvsConfigMapper.map(config).virtualServers();
        try (IpvsReconciler r = new IpvsReconciler()) {
            IpvsReconciler.Result res = r.reconcile(IpvsPlanner.plan(vss, Map.of(), Map.of()));
            IpvsGuestScenarios.print(res);
            check(res.ok(), "reconcile ok: " + res.failures());
            check(res.applied().stream().noneMatch(c -> c.service().equals(foreign)), "the foreign service is not touched");
            IpvsSnapshot s = k.snapshot();
            check(s.service(foreign) != null, "foreign service still there");
            ServiceKey sip = vss.getFirst().keys().getFirst();
            equal("sip", s.service(sip).service().peName(), "pe_name read back");
            adm = IpvsadmListing.run("-Ln");
            System.out.print(adm);
            check(adm.contains("pe sip"), "ipvsadm shows pe sip");
            equal(0, r.reconcile(IpvsPlanner.plan(vss, Map.of(), Map.of())).applied().size(), "a second reconcile changes nothing");
        }
        keeper.stop(Cause.signal("SIGTERM"));
        IpvsSnapshot after = k.snapshot();
        equal(List.of(foreign), after.services().stream().map(x -> x.service().key()).toList(),
                "lvs_flush_on_stop VS removed the configured service only");
        equal(kernel, k.timeouts(), "the kernel's timeouts put back at stop");
        equal(2L, count(journal, Event.IpvsOp.TIMEOUTS_SET), "timeouts set and put back, journaled");
        k.flush();
    }

    /** Runs a shell script (iproute2's ip is called as /sbin/ip: busybox sh prefers its own applet of that name). */
    static String sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) throw new AssertionError("exit " + rc + " from: " + script + "\n" + out);
        return out;
    }

    static String syncConf(String syncIf) {
        return """
                global_defs {
                    lvs_sync_daemon %s VI_1
                }
                vrrp_instance VI_1 {
                    interface a0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress {
                        10.1.0.100/32
                    }
                }
                virtual_server 10.1.0.100 80 {
                    protocol TCP
                    lb_algo rr
                    lb_kind DR
                    real_server 10.1.0.10 80 {
                        weight 1
                    }
                }
                """.formatted(syncIf);
    }

    static <T> T in(NetnsExecutor ns, Callable<T> task) throws Exception { return ns.call(task); }

    static List<IpvsNetlink.Daemon> daemons(NetnsExecutor ns) throws Exception {
        return in(ns, () -> {
            try (IpvsNetlink n = IpvsNetlink.open()) {
                return n.daemons();
            }
        });
    }

    /** Waits (the keeper works on its own thread) until the namespace runs exactly the daemons described. */
    static List<IpvsNetlink.Daemon> awaitDaemons(NetnsExecutor ns, String expected) throws Exception {
        List<IpvsNetlink.Daemon> d = List.of();
        for (int i = 0; i < 50; i++) {
            d = daemons(ns);
            if (describe(d).equals(expected)) return d;
            Thread.sleep(100);
        }
        throw new AssertionError(ns.namespace() + ": expected daemons " + expected + " but were " + describe(d));
    }

    /** ipvsadm -Ln --stats: the VIP's service with some incoming packets (its Conns column may be 0: not scheduled here). */
    static boolean forwarded(String stats) {
        return stats.matches("(?s).*TCP\\s+10\\.1\\.0\\.100:80\\s+\\d+\\s+[1-9]\\S*\\s.*");
    }

    static String describe(List<IpvsNetlink.Daemon> ds) {
        return String.join(",", ds.stream().map(d -> (d.master() ? "master " : "backup ") + d.interfaceName() + " " + d.syncId()).sorted().toList());
    }

    /**
     * Namespaces lvsa (director, MASTER first), lvsb (director, BACKUP first) and lvsr (the LVS-DR real server
     * 10.1.0.10, VIP on lo) on one bridge in the guest's own namespace, where the client is (10.1.0.1; its route to
     * the VIP 10.1.0.100 goes via the MASTER director, a failover moves it, as a VIP moving with its ARP would).
     * The sync traffic runs over a veth pair s0/s1 between the two directors.
     */
    static void sync() throws Exception {
        sh("""
                set -e
                mkdir -p /var /run/netns; [ -e /var/run ] || ln -s /run /var/run
                modprobe bridge
                /sbin/ip link add br0 type bridge; /sbin/ip addr add 10.1.0.1/24 dev br0; /sbin/ip link set br0 up
                for x in "lvsa a0 10.1.0.2" "lvsb b0 10.1.0.3" "lvsr r0 10.1.0.10"; do
                  set -- $x
                  /sbin/ip netns add $1; /sbin/ip -n $1 link set lo up
                  /sbin/ip link add h$2 type veth peer name $2 netns $1
                  /sbin/ip link set h$2 master br0; /sbin/ip link set h$2 up
                  /sbin/ip -n $1 addr add $3/24 dev $2; /sbin/ip -n $1 link set $2 up
                  /sbin/ip -n $1 addr add 10.1.0.100/32 dev lo
                done
                /sbin/ip route add 10.1.0.100/32 via 10.1.0.2
                /sbin/ip netns exec lvsr sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
                /sbin/ip -n lvsa link add s0 type veth peer name s1 netns lvsb
                /sbin/ip -n lvsa addr add 10.9.0.1/24 dev s0; /sbin/ip -n lvsa link set s0 up
                /sbin/ip -n lvsb addr add 10.9.0.2/24 dev s1; /sbin/ip -n lvsb link set s1 up
                """);
        KeepalivedConfig confA = load(syncConf("s0")), confB = load(syncConf("s1"));
        LvsGlobals ga = LvsGlobals.from(confA), gb = LvsGlobals.from(confB);
        equal(List.of(), ga.problems(), "no problems");
        equal(51, ga.syncDaemon().orElseThrow().syncId(), "sync id defaults to the instance's virtual_router_id");
        List<Entry> ja = sink(), jb = sink();
        try (NetnsExecutor a = NetnsExecutor.enter("lvsa"); NetnsExecutor b = NetnsExecutor.enter("lvsb");
             NetnsExecutor rs = NetnsExecutor.enter("lvsr")) {
            for (var x : List.of(Map.entry(a, confA), Map.entry(b, confB))) {
                in(x.getKey(), () -> {
                    try (IpvsReconciler r = new IpvsReconciler()) {
                        IpvsReconciler.Result res = r.reconcile(IpvsPlanner.plan(IpvsConfigMapper.map(x.getValue()).virtualServers(), Map.of(), Map.of()));
                        check(res.ok(), x.getKey().namespace() + " programmed: " + res.failures());
                    }
                    return null;
                });
            }
            // each keeper's thread is started from the namespace thread, so it (and its netlink socket) lives there
            LvsKeeper ka = in(a, () -> {
                LvsKeeper kp = new LvsKeeper((c, e) -> ja.add(new Entry(c, e)));
                kp.start(ga, () -> keys(confA), Cause.NONE);
                return kp;
            });
            LvsKeeper kb = in(b, () -> {
                LvsKeeper kp = new LvsKeeper((c, e) -> jb.add(new Entry(c, e)));
                kp.start(gb, () -> keys(confB), Cause.NONE);
                return kp;
            });
            awaitDaemons(a, "backup s0 51");
            awaitDaemons(b, "backup s1 51");
            System.out.println("  both start as backup (as keepalived before the first transition)");

            ka.stateChanged("VI_1", true, Cause.event(4242)); // VI_1 → MASTER in lvsa
            kb.stateChanged("VI_1", false, Cause.event(4243)); // and BACKUP in lvsb: no change there
            awaitDaemons(a, "master s0 51");
            awaitDaemons(b, "backup s1 51");
            synchronized (ja) {
                List<Entry> moves = ja.stream().filter(e -> e.cause().equals(Cause.event(4242))).toList();
                moves.forEach(e -> System.out.println("  lvsa journal: " + e.event() + " <- " + e.cause()));
                equal(2, moves.size(), "stop backup, start master, both citing the transition");
                check(moves.get(0).event() instanceof Event.IpvsChanged c0 && c0.op() == Event.IpvsOp.SYNC_DAEMON_STOP
                        && c0.service().startsWith("backup"), "backup stopped first");
                check(moves.get(1).event() instanceof Event.IpvsChanged c1 && c1.op() == Event.IpvsOp.SYNC_DAEMON_START
                        && c1.service().startsWith("master s0 id 51"), "then master started");
            }
            System.out.print(sh("/sbin/ip netns exec lvsa ipvsadm -L --daemon; /sbin/ip netns exec lvsb ipvsadm -L --daemon"));

            ServerSocket server = in(rs, () -> {
                ServerSocket ss = new ServerSocket();
                ss.bind(new InetSocketAddress("0.0.0.0", 80));
                return ss;
            });
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept(); var in = new BufferedReader(new InputStreamReader(s.getInputStream()));
                     OutputStream o = s.getOutputStream()) {
                    for (String line; (line = in.readLine()) != null; ) o.write((line + "\n").getBytes());
                } catch (Exception e) {
                    System.out.println("  server: " + e);
                }
            });
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("10.1.0.100", 80), 5000);
                PrintWriter out = new PrintWriter(client.getOutputStream(), true);
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream()));
                for (int i = 0; i < 5; i++) {
                    out.println("ping " + i);
                    equal("ping " + i, in.readLine(), "echo through the master's virtual service");
                }
                System.out.print(sh("/sbin/ip netns exec lvsa ipvsadm -Lnc"));
                String backup = "";
                for (int i = 0; i < 60 && !backup.contains("10.1.0.100:80"); i++) {
                    Thread.sleep(250);
                    if (i % 8 == 7) { out.println("more"); in.readLine(); } // keeps the connection's packets coming
                    backup = sh("/sbin/ip netns exec lvsb ipvsadm -Lnc");
                }
                System.out.print("  lvsb (backup) connection table:\n" + backup);
                check(backup.contains("ESTABLISHED") && backup.contains("10.1.0.1:") && backup.contains("10.1.0.100:80")
                        && backup.contains("10.1.0.10:80"), "the connection is in the backup's table (synced)");

                System.out.println("  failover: VI_1 MASTER moves to lvsb, the VIP's route with it");
                ka.stateChanged("VI_1", false, Cause.event(5000));
                kb.stateChanged("VI_1", true, Cause.event(5001));
                sh("/sbin/ip route replace 10.1.0.100/32 via 10.1.0.3");
                awaitDaemons(a, "backup s0 51");
                awaitDaemons(b, "master s1 51");
                // without the synced entry lvsb would not schedule a mid-stream segment: its own stack (VIP on lo) resets it
                for (int i = 0; i < 3; i++) {
                    out.println("after failover " + i);
                    equal("after failover " + i, in.readLine(), "the same connection goes on through lvsb");
                }
                String stats = "";
                for (int i = 0; i < 40 && !forwarded(stats); i++) { // counters are folded in on the kernel's 2 s estimator tick
                    Thread.sleep(250);
                    stats = sh("/sbin/ip netns exec lvsb ipvsadm -Ln --stats");
                }
                System.out.print("  lvsb after the failover:\n" + stats);
                check(forwarded(stats), "lvsb forwarded the connection's packets");

            } finally {
                server.close();
            }

            in(a, () -> { ka.stop(Cause.signal("SIGTERM")); return null; });
            in(b, () -> { kb.stop(Cause.signal("SIGTERM")); return null; });
            awaitDaemons(a, "");
            awaitDaemons(b, "");
        } finally {
            sh("/sbin/ip route del 10.1.0.100/32; /sbin/ip link del br0; for n in lvsa lvsb lvsr; do /sbin/ip netns del $n; done; true");
        }
    }
}
