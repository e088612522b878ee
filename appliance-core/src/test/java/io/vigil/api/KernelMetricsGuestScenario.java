package io.vigil.api;

import io.prometheus.client.exporter.common.TextFormat;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadOptions;
import io.vigil.ipvs.IpvsConfigMapper;
import io.vigil.ipvs.IpvsPlanner;
import io.vigil.journal.View;
import io.vigil.linux.ipvs.IpvsReconciler;

import static io.vigil.linux.ipvs.IpvsGuestScenarios.check;
import static io.vigil.linux.ipvs.IpvsGuestScenarios.equal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs INSIDE the qemu guest (called from {@code IpvsGuestScenarios}): a keepalived.conf is programmed into the
 * real kernel, traffic goes through IPVS, and the node's view ({@link ConfiguredNodeView#virtualServers} with
 * {@link KernelIpvsStats}) rendered by the {@code /metrics} collector must show what {@code ipvsadm} shows:
 * node_exporter's {@code node_ipvs_*} totals and per-backend gauges, a virtual_server_group summed over its members.
 */
public final class KernelMetricsGuestScenario {
    static final String CONF = """
            virtual_server 192.0.2.41 81 {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 127.0.0.1 81 {
                    weight 1
                }
            }
            virtual_server_group WEB {
                192.0.2.42 81
                192.0.2.43 81
            }
            virtual_server group WEB {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 127.0.0.1 81 {
                    weight 2
                }
            }
            """;

    private KernelMetricsGuestScenario() {}

    public static void run() throws Exception {
        KeepalivedConfig config = ConfigLoader.loadText("keepalived.conf", CONF, Path.of("/tmp"), LoadOptions.defaults())
                .config().orElseThrow(() -> new AssertionError("config did not load"));
        for (String vip : List.of("192.0.2.41", "192.0.2.42", "192.0.2.43")) sh("ip", "addr", "add", vip + "/32", "dev", "lo");
        List<Socket> held = new ArrayList<>();
        try (IpvsReconciler reconciler = new IpvsReconciler(); ServerSocket server = new ServerSocket();
             KernelIpvsStats kernel = new KernelIpvsStats(Duration.ZERO)) {
            server.bind(new InetSocketAddress("0.0.0.0", 81));
            Thread.ofVirtual().start(() -> serve(server));
            var mapping = IpvsConfigMapper.map(config);
            check(mapping.errors().isEmpty(), "mapping errors " + mapping.errors());
            check(reconciler.reconcile(IpvsPlanner.plan(mapping.virtualServers(), Map.of(), Map.of())).ok(), "programmed");

            for (int i = 0; i < 3; i++) request("192.0.2.41", false);
            held.add(request("192.0.2.41", true));          // stays established: an active connection
            request("192.0.2.42", false);
            request("192.0.2.43", false);

            var runtime = runtime(kernel);
            // the kernel folds per-CPU counters into these on its 2 s estimator tick
            List<Views.VirtualServer> vss = List.of();
            // services and destinations are folded separately: wait until every counter the test reads has caught up
            for (int i = 0; i < 80; i++) {
                vss = ConfiguredNodeView.virtualServers(config, View.EMPTY, runtime);
                if (connections(vss.get(0)) >= 4 && connections(vss.get(1)) >= 2) break;
                Thread.sleep(250);
            }
            check(kernel.unavailable().isEmpty(), "kernel IPVS readable: " + kernel.unavailable());
            Views.VirtualServer single = vss.get(0), group = vss.get(1);
            System.out.println("  view: " + single.stats() + " / rs " + single.reals().get(0).stats());
            System.out.println("  group view: " + group.stats() + " / rs " + group.reals().get(0).stats());
            equal(4L, single.stats().connections(), "connections to 192.0.2.41:81");
            equal(4L, single.reals().get(0).stats().connections(), "connections to its real server");
            check(single.reals().get(0).stats().activeConnections() >= 1, "the held connection is active");
            equal(2L, group.stats().connections(), "group: connections summed over 192.0.2.42:81 and 192.0.2.43:81");
            equal(2L, group.reals().get(0).stats().connections(), "group: the real server's, summed");
            check(single.stats().inPackets() > 0 && single.stats().outBytes() > 0, "packets and bytes counted");

            String text = render(view(config, runtime));
            String adm = sh("ipvsadm", "-Ln");
            String admStats = sh("ipvsadm", "-Ln", "--stats");
            System.out.print(adm);
            System.out.print(admStats);
            // node_exporter's totals: every configured service (Vigil keeps no others in the kernel)
            long total = 0;
            for (String svc : List.of("192.0.2.41:81", "192.0.2.42:81", "192.0.2.43:81")) total += admConns(admStats, svc);
            equal(6L, total, "ipvsadm --stats connections");
            equal((double) total, sample(text, "node_ipvs_connections_total", ""), "node_ipvs_connections_total");
            String backend = "local_address=\"192.0.2.41\",local_port=\"81\",remote_address=\"127.0.0.1\",remote_port=\"81\",proto=\"TCP\",local_mark=\"\",";
            int[] cols = admDest(adm, "192.0.2.41:81");
            equal((double) cols[0], sample(text, "node_ipvs_backend_connections_active", backend), "active = ipvsadm ActiveConn");
            equal((double) cols[1], sample(text, "node_ipvs_backend_connections_inactive", backend), "inactive = ipvsadm InActConn");
            equal(1.0, sample(text, "node_ipvs_backend_weight", backend), "weight");
            equal(1.0, sample(text, "vigil_ipvs_kernel_available", ""), "kernel available");
            check(sample(text, "node_ipvs_incoming_bytes_total", "") > 0, "incoming bytes");
        } finally {
            for (Socket s : held) s.close();
            for (String vip : List.of("192.0.2.41", "192.0.2.42", "192.0.2.43")) sh("ip", "addr", "del", vip + "/32", "dev", "lo");
        }
    }

    /** The smaller of a virtual server's and its first real server's connection counters (-1 when absent). */
    private static long connections(Views.VirtualServer vs) {
        var rs = vs.reals().get(0).stats();
        return vs.stats() == null || rs == null ? -1 : Math.min(vs.stats().connections(), rs.connections());
    }

    /** Each connection: a line in; "hold" keeps it open, anything else gets a reply and a close. */
    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                        String line = in.readLine();
                        if ("hold".equals(line)) { in.readLine(); return; }
                        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                    } catch (Exception ignored) {
                        // client gone
                    }
                });
            } catch (Exception e) {
                return;
            }
        }
    }

    private static Socket request(String vip, boolean hold) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(vip, 81), 3000);
        OutputStream o = s.getOutputStream();
        o.write((hold ? "hold\n" : "hi\n").getBytes(StandardCharsets.UTF_8));
        if (hold) return s;
        try (s) {
            equal("hello", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(), "reply through IPVS from " + vip);
        }
        return s;
    }

    private static ConfiguredNodeView.Runtime runtime(KernelIpvsStats kernel) {
        return new ConfiguredNodeView.Runtime() {
            @Override public Views.VrrpStats vrrpStats(String instance) { return Views.VrrpStats.ZERO; }
            @Override public boolean maintenance(String instance) { return false; }
            @Override public boolean drained(String vs, String rs) { return false; }
            @Override public Optional<Views.IpvsStats> ipvsStats(KeepalivedConfig c, io.vigil.config.VirtualServer vs, String rs) {
                return kernel.of(c, vs, rs);
            }
            @Override public Optional<String> ipvsUnavailable() { return kernel.unavailable(); }
            @Override public long drain(String vs, String rs, boolean on) { throw new UnsupportedOperationException(); }
            @Override public long maintenance(String instance, boolean on) { throw new UnsupportedOperationException(); }
            @Override public Views.Reload reload(boolean force) { throw new UnsupportedOperationException(); }
        };
    }

    /** The collector needs only the virtual servers and IPVS availability here; the journal parts are empty. */
    private static NodeView view(KeepalivedConfig config, ConfiguredNodeView.Runtime runtime) {
        return new NodeView() {
            @Override public String nodeName() { return "guest"; }
            @Override public List<Views.Instance> instances() { return List.of(); }
            @Override public List<Views.VirtualServer> virtualServers() { return ConfiguredNodeView.virtualServers(config, View.EMPTY, runtime); }
            @Override public List<Views.Check> checks() { return List.of(); }
            @Override public io.vertx.core.json.JsonObject stateAt(Instant at) { return new io.vertx.core.json.JsonObject(); }
            @Override public List<Views.Event> events(Instant from, Instant to, Set<String> types, int limit) { return List.of(); }
            @Override public AutoCloseable subscribe(long afterSeq, Consumer<Views.Event> sink) { return () -> { }; }
            @Override public long lastSeq() { return 0; }
            @Override public Views.JournalInfo journalInfo() { return new Views.JournalInfo(0, 0); }
            @Override public long drain(String vs, String rs, boolean drained) { throw new UnsupportedOperationException(); }
            @Override public long maintenance(String instance, boolean on) { throw new UnsupportedOperationException(); }
            @Override public Views.Reload reload(boolean force) { throw new UnsupportedOperationException(); }
            @Override public Optional<String> ipvsUnavailable() { return runtime.ipvsUnavailable(); }
        };
    }

    private static String render(NodeView node) throws Exception {
        StringWriter w = new StringWriter();
        TextFormat.write004(w, Collections.enumeration(new NodeCollector(node).collect()));
        return w.toString();
    }

    /** The value of the sample {@code name{labels}} (labels as TextFormat writes them, trailing comma included). */
    static double sample(String text, String name, String labels) {
        String prefix = labels.isEmpty() ? name + " " : name + "{" + labels + "} ";
        for (String line : text.split("\n")) if (line.startsWith(prefix)) return Double.parseDouble(line.substring(prefix.length()).trim());
        throw new AssertionError("no sample " + prefix + " in\n" + text);
    }

    /** Conns column of {@code ipvsadm -Ln --stats} for a TCP service. */
    static long admConns(String stats, String svc) {
        Matcher m = Pattern.compile("(?m)^TCP\\s+" + Pattern.quote(svc) + "\\s+(\\d+)\\s").matcher(stats);
        if (!m.find()) throw new AssertionError("no TCP " + svc + " in\n" + stats);
        return Long.parseLong(m.group(1));
    }

    /** ActiveConn and InActConn of the service's destination line in {@code ipvsadm -Ln}. */
    static int[] admDest(String adm, String svc) {
        Matcher m = Pattern.compile("(?m)^TCP\\s+" + Pattern.quote(svc) + "\\s.*\\n\\s+->\\s+\\S+\\s+\\S+\\s+\\d+\\s+(\\d+)\\s+(\\d+)").matcher(adm);
        if (!m.find()) throw new AssertionError("no destination under TCP " + svc + " in\n" + adm);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
