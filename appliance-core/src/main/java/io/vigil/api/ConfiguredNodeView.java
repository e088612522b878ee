package io.vigil.api;

import io.vertx.core.json.JsonObject;
import io.vigil.check.runtime.CheckStatusBoard;

import io.vigil.config.KeepalivedConfig;
import io.vigil.config.VirtualServerAddress;
import io.vigil.config.VrrpInstance;
import io.vigil.journal.View;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link NodeView} of a running node: names and configured values from the keepalived.conf model, live
 * state from the journal projection ({@link io.vigil.journal.store.Journal#view()}), counters and control actions
 * from the node's engines ({@link Runtime}). The node builds one and hands it to {@link ManagementServer}.
 */
public final class ConfiguredNodeView implements NodeView {

    /** What only the running node knows: engine counters, kernel IPVS counters, operator actions. */
    public interface Runtime {
        Views.VrrpStats vrrpStats(String instance);

        /** Whether an operator put the instance in maintenance (it then advertises priority 1). */
        boolean maintenance(String instance);

        /** Whether an operator drained the real server ({@code rs} as "192.0.2.21:80"). */
        boolean drained(String virtualServerId, String rs);

        /** Kernel counters for a virtual server ({@code rs} empty) or one of its real servers ("192.0.2.21:80"); empty without IPVS. */
        default Optional<Views.IpvsStats> ipvsStats(KeepalivedConfig config, io.vigil.config.VirtualServer vs, String rs) {
            return Optional.empty();
        }

        default Optional<String> ipvsUnavailable() { return Optional.of("no ip_vs in this kernel"); }

        default List<Views.Script> scripts() { return List.of(); }

        /** The running checker's live states; empty when no checker runs (-P, or nothing to check). */
        default Optional<List<io.vigil.check.runtime.CheckStatusBoard.Status>> liveChecks() { return Optional.empty(); }

        /** Every drop of the instance by reason label (see {@link NodeView#vrrpDrops()}). */
        default Map<String, Long> vrrpDrops(String instance) { return Map.of(); }

        default Map<String, Map<String, Long>> receiveDrops() { return Map.of(); }

        long drain(String virtualServerId, String rs, boolean drained);

        long maintenance(String instance, boolean on);

        Views.Reload reload(boolean force);
    }

    private final String nodeName;
    private final Supplier<KeepalivedConfig> config;
    private final JournalAccess journal;
    private final Runtime runtime;

    /** {@code config} is a supplier because a reload replaces the model. */
    public ConfiguredNodeView(String nodeName, Supplier<KeepalivedConfig> config, JournalAccess journal, Runtime runtime) {
        this.nodeName = nodeName;
        this.config = config;
        this.journal = journal;
        this.runtime = runtime;
    }

    /** URL-safe id of a virtual server: "TCP-192.0.2.50-80", "FWM-7", "GROUP-name". */
    public static String virtualServerId(io.vigil.config.VirtualServer vs) {
        return switch (vs.address()) {
            case VirtualServerAddress.IpPort ip -> vs.protocol() + "-" + ip.ip() + "-" + ip.port();
            case VirtualServerAddress.Fwmark fw -> "FWM-" + fw.mark();
            case VirtualServerAddress.Group g -> "GROUP-" + g.name();
        };
    }

    /** URL-safe id of a real server: "192.0.2.21-80". */
    public static String realServerId(io.vigil.config.RealServer rs) { return rs.ip() + "-" + rs.port(); }

    @Override public String nodeName() { return nodeName; }

    @Override public List<Views.Instance> instances() {
        View view = journal.journal().view();
        List<Views.Instance> out = new ArrayList<>();
        for (VrrpInstance vi : config.get().vrrpInstances()) {
            View.Instance live = view.instances().get(vi.name());
            String state = live == null ? "INIT" : live.state().name();
            int effective = live == null || live.priority() == 0 ? vi.priority() : live.priority();
            boolean maintenance = runtime.maintenance(vi.name());
            if (maintenance) effective = 1;
            List<String> vips = vi.virtualIpAddresses().stream().map(io.vigil.config.VirtualIp::cidr).toList();
            out.add(new Views.Instance(vi.name(), vi.iface().orElse(""), vi.virtualRouterId(), state, vi.priority(),
                    effective, maintenance, vips, vi.garpMasterDelay().toMillis() / 1000.0,
                    live == null || live.sinceWallNs() == 0 ? null : JournalAccess.instant(live.sinceWallNs()),
                    runtime.vrrpStats(vi.name())));
        }
        return out;
    }

    @Override public List<Views.VirtualServer> virtualServers() {
        return virtualServers(config.get(), journal.journal().view(), runtime);
    }

    /** The virtual servers of {@code config} with live health from {@code view} and kernel counters from {@code runtime}. */
    public static List<Views.VirtualServer> virtualServers(KeepalivedConfig config, View view, Runtime runtime) {
        List<Views.VirtualServer> out = new ArrayList<>();
        for (var vs : config.virtualServers()) {
            String id = virtualServerId(vs);
            String address = vs.address() instanceof VirtualServerAddress.IpPort ip ? ip.ip() : "";
            int port = vs.address() instanceof VirtualServerAddress.IpPort ip ? ip.port() : 0;
            int fwmark = vs.address() instanceof VirtualServerAddress.Fwmark fw ? fw.mark() : 0;
            List<Views.RealServer> reals = new ArrayList<>();
            for (var rs : vs.realServers()) {
                String endpoint = rs.endpoint();
                var live = liveRealServer(view, vs, endpoint);
                // without a check result yet, keepalived counts a real server as up unless it has checkers (alpha)
                boolean healthy = live.map(View.RealServer::up).orElse(rs.checkers().isEmpty() || !vs.alpha());
                boolean drained = runtime.drained(id, endpoint);
                int weight = drained || !healthy ? 0 : live.map(View.RealServer::weight).filter(w -> w > 0).orElse(rs.weight());
                reals.add(new Views.RealServer(realServerId(rs), rs.ip(), rs.port(), rs.weight(), weight, healthy, drained,
                        runtime.ipvsStats(config, vs, endpoint).orElse(null)));
            }
            // the journal's quorum (QuorumChanged, keyed by the check engine's name); up until it says otherwise
            boolean quorumUp = view.quorum().getOrDefault(io.vigil.ipvs.IpvsConfigMapper.name(vs), true);
            // the planner puts the sorry server in exactly while quorum is down (IpvsPlanner, as keepalived)
            Views.SorryServer sorry = vs.sorryServer().map(s -> new Views.SorryServer(s.ip(), s.port(), !quorumUp)).orElse(null);
            out.add(new Views.VirtualServer(id, vs.protocol().name(), address, port, fwmark, vs.lbAlgo(), reals,
                    runtime.ipvsStats(config, vs, "").orElse(null), quorumUp, sorry));
        }
        return out;
    }

    /** The journal's entry for this real server (keys are "virtualServer|realServer"; the node writes ip:port forms). */
    private static Optional<View.RealServer> liveRealServer(View view, io.vigil.config.VirtualServer vs, String endpoint) {
        String vsText = vs.address().toString();
        return view.realServers().values().stream()
                .filter(r -> r.realServer().equals(endpoint) || r.realServer().startsWith(endpoint + " "))
                .filter(r -> r.virtualServer().contains(vsText))
                .findFirst();
    }

    @Override public List<Views.Check> checks() {
        Optional<List<io.vigil.check.runtime.CheckStatusBoard.Status>> live = runtime.liveChecks();
        if (live.isPresent()) return liveChecks(live.get());
        View view = journal.journal().view();
        List<Views.Check> out = new ArrayList<>();
        for (var vs : config.get().virtualServers()) {
            for (var rs : vs.realServers()) {
                for (var c : rs.checkers()) {
                    String target = c.connectIp().orElse(rs.ip()) + ":" + c.connectPort().orElse(rs.port());
                    View.Check last = view.checks().get(c.type() + "|" + target);
                    out.add(new Views.Check(c.type() + "-" + realServerId(rs), c.type(), virtualServerId(vs), realServerId(rs),
                            last == null ? "UNKNOWN" : last.up() ? "UP" : "DOWN",
                            last == null ? null : JournalAccess.instant(last.wallNs()),
                            last == null ? 0 : last.latencyNs() / 1e9, last == null ? null : last.detail(),
                            last == null || last.up() ? 0 : last.attempt()));
                }
            }
        }
        return out;
    }

    /**
     * The configured checkers with the running checker's state: matched by virtual server (the check engine's id),
     * real server and the checker's place among the real server's checkers of its type. A configured checker the
     * checker does not run (no plugin provides it) is UNKNOWN.
     */
    private List<Views.Check> liveChecks(List<io.vigil.check.runtime.CheckStatusBoard.Status> live) {
        Map<String, io.vigil.check.runtime.CheckStatusBoard.Status> byKey = new java.util.HashMap<>();
        for (var s : live) byKey.put(s.virtualServer() + "|" + s.realServer() + "|" + s.keyword() + "|" + s.ordinal(), s);
        List<Views.Check> out = new ArrayList<>();
        for (var vs : config.get().virtualServers()) {
            String engineVs = io.vigil.ipvs.IpvsConfigMapper.name(vs);
            for (var rs : vs.realServers()) {
                String endpoint = (rs.ip().indexOf(':') >= 0 ? "[" + rs.ip() + "]" : rs.ip()) + ":" + rs.port();
                Map<String, Integer> seen = new java.util.HashMap<>();
                for (var c : rs.checkers()) {
                    int ordinal = seen.merge(c.type(), 1, Integer::sum) - 1;
                    var s = byKey.get(engineVs + "|" + endpoint + "|" + c.type() + "|" + ordinal);
                    out.add(new Views.Check(c.type() + "-" + realServerId(rs) + (ordinal == 0 ? "" : "-" + ordinal), c.type(),
                            virtualServerId(vs), realServerId(rs), s == null ? "UNKNOWN" : s.up() ? "UP" : "DOWN",
                            s == null ? null : s.lastRun(), s == null ? 0 : s.lastLatencySeconds(),
                            s == null ? null : s.lastDetail(), s == null ? 0 : s.failures()));
                }
            }
        }
        return out;
    }

    @Override public List<Views.Script> scripts() { return runtime.scripts(); }

    @Override public Map<String, Map<String, Long>> vrrpDrops() {
        Map<String, Map<String, Long>> out = new java.util.LinkedHashMap<>();
        for (VrrpInstance vi : config.get().vrrpInstances()) out.put(vi.name(), runtime.vrrpDrops(vi.name()));
        return out;
    }

    @Override public Map<String, Map<String, Long>> receiveDrops() { return runtime.receiveDrops(); }

    @Override public JsonObject stateAt(Instant at) { return journal.stateAt(at); }

    @Override public List<Views.Event> events(Instant from, Instant to, Set<String> types, int limit) {
        return journal.events(from, to, types, limit);
    }

    @Override public void export(Instant from, Instant to, Set<String> types, Consumer<String> line) {
        journal.export(from, to, types, line);
    }

    @Override public AutoCloseable subscribe(long afterSeq, Consumer<Views.Event> sink) { return journal.subscribe(afterSeq, sink); }

    @Override public long lastSeq() { return journal.lastSeq(); }

    @Override public Views.JournalInfo journalInfo() { return journal.info(); }

    @Override public long drain(String virtualServer, String realServer, boolean drained) {
        var vs = config.get().virtualServers().stream().filter(v -> virtualServerId(v).equals(virtualServer)).findFirst()
                .orElseThrow(() -> new NotFound("no virtual_server " + virtualServer));
        var rs = vs.realServers().stream().filter(r -> realServerId(r).equals(realServer)).findFirst()
                .orElseThrow(() -> new NotFound("no real_server " + realServer + " in " + virtualServer));
        return runtime.drain(virtualServer, rs.endpoint(), drained);
    }

    @Override public long maintenance(String instance, boolean on) {
        if (config.get().vrrpInstance(instance).isEmpty()) throw new NotFound("no vrrp_instance " + instance);
        return runtime.maintenance(instance, on);
    }

    @Override public Views.Reload reload(boolean force) { return runtime.reload(force); }

    @Override public Optional<String> ipvsUnavailable() { return runtime.ipvsUnavailable(); }
}
