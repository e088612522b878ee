package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the statement tree to the typed model, applying keepalived's defaults, inheritance and value checks. Every block
 * has its builder, driven by its {@link KeywordTable} (keyword → handler and what Vigil does with it); this class is
 * the top level. Never throws on bad input: every problem is a {@link Diagnostic} at the statement's location.
 */
final class ModelBuilder extends BlockBuilder {

    private final List<ConfigNode> globalNodes = new ArrayList<>(), syncNodes = new ArrayList<>(),
            instanceNodes = new ArrayList<>(), vsNodes = new ArrayList<>(), other = new ArrayList<>();
    private final Map<String, VrrpScript> scripts = new LinkedHashMap<>();
    private final Map<String, VrrpTrackFile> trackFiles = new LinkedHashMap<>();
    private final Map<String, VrrpTrackProcess> trackProcesses = new LinkedHashMap<>();
    private final Map<String, VirtualServerGroup> groups = new LinkedHashMap<>();

    static final KeywordTable<ModelBuilder> TABLE = new KeywordTable<ModelBuilder>("top level")
            .acted("global_defs", "", "globalDefs", (b, c) -> b.globalNodes.add(c))
            .acted("vrrp_script", "run by the node, `io.vigil.node.VrrpScripts`; only the `script` form — see vrrp_script",
                    "vrrpScripts", (b, c) -> b.named(c).ifPresent(name -> {
                        var sb = new VrrpScriptBuilder(b.cx, name);
                        if (b.putUnique(b.scripts, name, sb.build(c), c)) sb.flush();
                    }))
            .acted("track_file", "read by the node (io.vigil.node.TrackFiles)", "vrrpTrackFiles", ModelBuilder::trackFile)
            .acted("vrrp_track_file", "as track_file", "vrrpTrackFiles (deprecated synonym, note)", ModelBuilder::trackFile)
            .acted("vrrp_track_process", "counted by the node from /proc (io.vigil.node.ProcessTracker)", "vrrpTrackProcesses",
                    (b, c) -> b.named(c).ifPresent(name ->
                            b.putUnique(b.trackProcesses, name, new TrackProcessBuilder(b.cx, name).build(c), c)))
            .acted("vrrp_sync_group", "members and notify; see vrrp_sync_group for `track_*`", "vrrpSyncGroups",
                    (b, c) -> b.syncNodes.add(c))
            .acted("vrrp_instance", "`vigil run`: VRRP engine per instance", "vrrpInstances", (b, c) -> b.instanceNodes.add(c))
            .acted("virtual_server_group", "one IPVS service per member; ranges `a.b.c.d-e`, IPv4 blocks /24../32, fwmarks",
                    "virtualServerGroups", (b, c) -> b.named(c).ifPresent(name ->
                            b.putUnique(b.groups, name, VirtualServerBuilder.group(b, name, c), c)))
            .acted("virtual_server", "checks + IPVS; not with `vigil run -P`", "virtualServers", (b, c) -> b.vsNodes.add(c))
            .acted("static_ipaddress", "IPv4, `dev` required: added at start, removed at stop, as keepalived", "",
                    (b, c) -> RouteSpec.StaticAddress.parseAll(c, b.diags::warning))
            .acted("static_routes", "IPv4 (`via`, `dev`, `src`, `table`, `metric`, `scope`, blackhole/unreachable/prohibit), "
                    + "proto keepalived: added at start, removed at stop, as keepalived", "",
                    (b, c) -> RouteSpec.parseAll(c, b.diags::warning))
            .acted("static_rules", RuleSpec.NOTE + ": added at start, removed at stop, as keepalived", "",
                    (b, c) -> RuleSpec.audit(c, b.diags::warning))
            .notActedAll("Vigil has no BFD", "bfd_instance")
            .notActedAll("Vigil does not change network namespace", "net_namespace", "net_namespace_ipvs")
            .notActedAll("not applied", "SSL", "garp_group", "track_group")
            .noEffectAll(GlobalDefsBuilder.LINK_POLLING, "linkbeat_interfaces", "linkbeat_use_polling")
            .noEffectAll(GlobalDefsBuilder.ONE_PROCESS, "child_wait_time", "instance", "use_pid_dir")
            .noEffectAll("Vigil creates no ipsets (vrrp_ipsets is warned about)", "namespace_with_ipsets");

    ModelBuilder(Diagnostics diags, LoadOptions options, ArgLocations locs) {
        super(new Ctx(diags, new Values(diags, locs), options));
    }

    KeepalivedConfig build(List<ConfigNode> top, List<String> files, String hash) {
        for (ConfigNode n : top) {
            switch (n.keyword()) {
                case "include", "includer", "includem", "includew", "includeb", "includea" -> diags.warning(n.where(),
                        n.keyword() + " after a conditional (@id) or parameter is not followed: keepalived recognises "
                                + "include lines before conditionals and parameters; write it on a line of its own");
                default -> {
                    var e = TABLE.entry(n.keyword());
                    if (e == null) {
                        unknown(n, "at top level");
                        continue;
                    }
                    e.read(this, n, "at top level", reports::add);
                    if (e.model().isEmpty()) other.add(n); // not modelled: kept as written
                }
            }
        }
        GlobalDefs global = new GlobalDefsBuilder(cx).build(globalNodes);
        var instances = new ArrayList<VrrpInstance>();
        var instanceNames = new HashSet<String>();
        for (ConfigNode n : instanceNodes) {
            Optional<String> name = named(n);
            if (name.isEmpty()) continue;
            if (!instanceNames.add(name.get())) {
                diags.error(n.where(), "vrrp_instance " + name.get() + " is defined twice; this one is ignored");
                continue;
            }
            var ib = new VrrpInstanceBuilder(cx, name.get(), global, scripts.keySet(), trackFiles.keySet());
            ib.processes = trackProcesses.keySet();
            ib.build(n).ifPresent(i -> {
                instances.add(i);
                ib.flush();
            });
        }
        checkDuplicateVrids(instances);
        var syncGroups = new ArrayList<VrrpSyncGroup>();
        for (ConfigNode n : syncNodes) {
            named(n).ifPresent(name -> {
                var gb = new SyncGroupBuilder(cx, name, instances, scripts.keySet(), trackFiles.keySet());
                gb.processes = trackProcesses.keySet();
                syncGroups.add(gb.build(n));
            });
        }
        warnUnusedScripts(instances, syncGroups);
        var virtualServers = new ArrayList<VirtualServer>();
        for (ConfigNode n : vsNodes) {
            new VirtualServerBuilder(cx).build(n, groups, global.enableScriptSecurity()).ifPresent(virtualServers::add);
        }
        flush();
        return new KeepalivedConfig(global, List.copyOf(scripts.values()), List.copyOf(trackFiles.values()), syncGroups,
                instances, List.copyOf(groups.values()), virtualServers, other, files, hash,
                List.copyOf(trackProcesses.values()));
    }

    private void trackFile(ConfigNode n) {
        if (n.keyword().equals("vrrp_track_file")) {
            diags.info(n.where(), "vrrp_track_file is a deprecated synonym of track_file");
        }
        named(n).ifPresent(name -> putUnique(trackFiles, name, new TrackFileBuilder(cx, name).build(n), n));
    }

    private void warnUnusedScripts(List<VrrpInstance> instances, List<VrrpSyncGroup> syncGroups) {
        var used = new HashSet<String>();
        instances.forEach(i -> i.trackScripts().forEach(t -> used.add(t.name())));
        syncGroups.forEach(g -> g.trackScripts().forEach(t -> used.add(t.name())));
        for (VrrpScript s : scripts.values()) {
            if (!used.contains(s.name())) {
                diags.warning(s.where(), "vrrp_script " + s.name() + " is not in any track_script block, so it never "
                        + "affects a vrrp_instance (keepalived does not run it)");
            }
        }
    }

    private Optional<String> named(ConfigNode n) {
        if (n.args().isEmpty()) {
            diags.error(n.where(), n.keyword() + " needs a name; block ignored");
            return Optional.empty();
        }
        v.extraArgs(n, 1);
        return Optional.of(n.args().getFirst());
    }

    private <T> boolean putUnique(Map<String, T> map, String name, T value, ConfigNode n) {
        if (map.putIfAbsent(name, value) != null) {
            diags.error(n.where(), n.keyword() + " " + name + " is defined twice; this one is ignored");
            return false;
        }
        return true;
    }

    private void checkDuplicateVrids(List<VrrpInstance> instances) {
        var seen = new HashMap<String, VrrpInstance>();
        for (VrrpInstance i : instances) {
            String key = i.iface().orElse("") + "/" + i.virtualRouterId() + "/"
                    + (i.virtualIpAddresses().stream().anyMatch(VirtualIp::ipv6) ? 6 : 4);
            VrrpInstance prev = seen.putIfAbsent(key, i);
            if (prev != null) {
                diags.error(i.locationOf("virtual_router_id"), "(" + i.name() + ") virtual_router_id "
                        + i.virtualRouterId() + " is already used by " + prev.name() + " on interface "
                        + i.iface().orElse("(default)") + " (" + prev.locationOf("virtual_router_id") + ")");
            }
        }
    }
}
