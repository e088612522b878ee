package io.vigil.node;

import io.vigil.check.api.ConfigNode;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.RouteSpec;

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
                         Map<String, List<RouteSpec>> virtualRoutes) {
    public static final RouteSetup NONE = new RouteSetup(List.of(), List.of(), Map.of());

    public RouteSetup {
        staticAddresses = List.copyOf(staticAddresses);
        staticRoutes = List.copyOf(staticRoutes);
        virtualRoutes = Map.copyOf(virtualRoutes);
    }

    public List<RouteSpec> virtualRoutes(String instance) { return virtualRoutes.getOrDefault(instance, List.of()); }

    static RouteSetup from(KeepalivedConfig c) {
        var addrs = new ArrayList<RouteSpec.StaticAddress>();
        var routes = new ArrayList<RouteSpec>();
        for (ConfigNode n : c.otherBlocks()) {
            if (n.keyword().equals("static_ipaddress")) addrs.addAll(RouteSpec.StaticAddress.parseAll(n, (w, m) -> { }));
            if (n.keyword().equals("static_routes")) routes.addAll(RouteSpec.parseAll(n, (w, m) -> { }));
        }
        Map<String, List<RouteSpec>> virt = new LinkedHashMap<>();
        for (io.vigil.config.VrrpInstance i : c.vrrpInstances()) {
            var l = new ArrayList<RouteSpec>();
            for (ConfigNode n : i.node().childrenNamed("virtual_routes")) l.addAll(RouteSpec.parseAll(n, (w, m) -> { }));
            if (!l.isEmpty()) virt.put(i.name(), l);
        }
        return new RouteSetup(addrs, routes, virt);
    }
}
