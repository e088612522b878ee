package io.vigil.node;

import io.vigil.check.api.ConfigNode;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.RouteSpec;
import io.vigil.config.RuleSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * static_ipaddress and static_routes (added at start, removed at stop) and each instance's virtual_routes (added
 * after its VIPs on becoming MASTER, removed on leaving it), as keepalived 2.2.7 does. Bad lines were reported at
 * load (file:line) and are left out here.
 */
public record RouteSetup(List<RouteSpec.StaticAddress> staticAddresses, List<RouteSpec> staticRoutes,
                         Map<String, List<RouteSpec>> virtualRoutes, List<RuleSpec> staticRules,
                         Map<String, List<RuleSpec>> virtualRules) {
    public static final RouteSetup NONE = new RouteSetup(List.of(), List.of(), Map.of(), List.of(), Map.of());

    public RouteSetup {
        staticAddresses = List.copyOf(staticAddresses);
        staticRoutes = List.copyOf(staticRoutes);
        virtualRoutes = Map.copyOf(virtualRoutes);
        staticRules = List.copyOf(staticRules);
        virtualRules = Map.copyOf(virtualRules);
    }

    public List<RouteSpec> virtualRoutes(String instance) { return virtualRoutes.getOrDefault(instance, List.of()); }

    public List<RuleSpec> virtualRules(String instance) { return virtualRules.getOrDefault(instance, List.of()); }

    /** keepalived's default preference: 16384, then one less for each rule without one, in file order. */
    private static void numberRules(List<RuleSpec> all, Map<RuleSpec, RuleSpec> numbered) {
        List<RuleSpec> sorted = new ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparing((RuleSpec r) -> r.where().file()).thenComparingInt(r -> r.where().line()));
        int next = 16384;
        for (RuleSpec r : sorted) numbered.put(r, r.preference().isPresent() ? r : r.withPreference(next--));
    }

    static RouteSetup from(KeepalivedConfig c) {
        var addrs = new ArrayList<RouteSpec.StaticAddress>();
        var routes = new ArrayList<RouteSpec>();
        for (ConfigNode n : c.otherBlocks()) {
            if (n.keyword().equals("static_ipaddress")) addrs.addAll(RouteSpec.StaticAddress.parseAll(n, (w, m) -> { }));
            if (n.keyword().equals("static_routes")) routes.addAll(RouteSpec.parseAll(n, (w, m) -> { }));
        }
        Map<String, List<RouteSpec>> virt = new LinkedHashMap<>();
        var rules = new ArrayList<RuleSpec>();
        Map<String, List<RuleSpec>> virtRules = new LinkedHashMap<>();
        var allRules = new ArrayList<RuleSpec>();
        for (ConfigNode n : c.otherBlocks())
            if (n.keyword().equals("static_rules")) rules.addAll(RuleSpec.parseAll(n, (w, m) -> { }));
        allRules.addAll(rules);
        for (io.vigil.config.VrrpInstance i : c.vrrpInstances()) {
            var l = new ArrayList<RouteSpec>();
            for (ConfigNode n : i.node().childrenNamed("virtual_routes")) l.addAll(RouteSpec.parseAll(n, (w, m) -> { }));
            if (!l.isEmpty()) virt.put(i.name(), l);
            var r = new ArrayList<RuleSpec>();
            for (ConfigNode n : i.node().childrenNamed("virtual_rules")) r.addAll(RuleSpec.parseAll(n, (w, m) -> { }));
            if (!r.isEmpty()) virtRules.put(i.name(), r);
            allRules.addAll(r);
        }
        Map<RuleSpec, RuleSpec> numbered = new java.util.IdentityHashMap<>();
        numberRules(allRules, numbered);
        virtRules.replaceAll((k, l) -> l.stream().map(numbered::get).toList());
        return new RouteSetup(addrs, routes, virt, rules.stream().map(numbered::get).toList(), virtRules);
    }
}
