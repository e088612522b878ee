package io.vigil.node;

import io.vigil.config.RouteSpec;
import io.vigil.config.RuleSpec;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.linux.Ipv4InterfaceAddress;
import io.vigil.linux.Libc;
import io.vigil.linux.Rtnetlink;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies static_ipaddress, static_routes and virtual_routes through rtnetlink, on the {@link AddressKeeper}'s io
 * thread (so a route with {@code src VIP} is added after its VIP, and nothing of it runs on the VRRP thread). Routes
 * carry proto keepalived (18), as keepalived's do. Every change is journaled as route-changed with its cause.
 */
final class RouteKeeper implements AutoCloseable {
    static final String STATIC = "static";

    private final Journal journal;
    private final AddressKeeper keeper;
    private final Rtnetlink rtnl;

    RouteKeeper(Journal journal, AddressKeeper keeper) throws Exception {
        this.journal = journal;
        this.keeper = keeper;
        this.rtnl = Rtnetlink.open();
    }

    /** What was put in, so removal takes out exactly that even after a reload changed the configuration. */
    private volatile RouteSetup staticsIn = RouteSetup.NONE;
    private final Map<String, Virtual> virtualIn = new ConcurrentHashMap<>();

    private record Virtual(List<RouteSpec> routes, List<RuleSpec> rules) { }

    /** Queues the static addresses, then the static routes (start: {@code s}) or the reverse (stop: what start put in). */
    void statics(RouteSetup s, boolean add, Cause cause) {
        if (add) staticsIn = s; else s = staticsIn;
        if (s.staticAddresses().isEmpty() && s.staticRoutes().isEmpty() && s.staticRules().isEmpty()) return;
        RouteSetup set = s;
        keeper.after(() -> {
            if (add) for (RouteSpec.StaticAddress a : set.staticAddresses()) address(a, true, cause);
            if (!add) for (RuleSpec r : set.staticRules()) rule(STATIC, r, false, cause);
            for (RouteSpec r : set.staticRoutes()) route(STATIC, r, add, cause);
            if (add) for (RuleSpec r : set.staticRules()) rule(STATIC, r, true, cause);
            if (!add) for (RouteSpec.StaticAddress a : set.staticAddresses()) address(a, false, cause);
        });
    }

    /** Queues an instance's virtual_routes (after the VIP work queued before): on becoming MASTER. */
    void virtualAdd(String instance, List<RouteSpec> routes, List<RuleSpec> rules, Cause cause) {
        if (routes.isEmpty() && rules.isEmpty()) return;
        virtualIn.put(instance, new Virtual(routes, rules));
        keeper.after(() -> {
            for (RouteSpec r : routes) route(instance, r, true, cause);
            for (RuleSpec r : rules) rule(instance, r, true, cause);
        });
    }

    /** Queues the removal of what {@link #virtualAdd} put in for {@code instance}: on leaving MASTER. */
    void virtualRemove(String instance, Cause cause) {
        Virtual v = virtualIn.remove(instance);
        if (v != null) keeper.after(() -> {
            for (RuleSpec r : v.rules()) rule(instance, r, false, cause);
            for (RouteSpec r : v.routes()) route(instance, r, false, cause);
        });
    }

    private void address(RouteSpec.StaticAddress a, boolean add, Cause cause) {
        String text = "address " + a.address() + "/" + a.prefixLength() + " dev " + a.device();
        try {
            Ipv4InterfaceAddress k = new Ipv4InterfaceAddress(Libc.ifNameToIndex(a.device()),
                    Ipv4InterfaceAddress.inet4(a.address()), a.prefixLength(), null, a.label().orElse(null),
                    Ipv4InterfaceAddress.RT_SCOPE_UNIVERSE, 0);
            done(STATIC, text, add, add ? rtnl.addAddress(k) : rtnl.removeAddress(k), cause);
        } catch (Exception e) {
            failed(STATIC, text, add, e, cause);
        }
    }

    private void route(String owner, RouteSpec r, boolean add, Cause cause) {
        try {
            Rtnetlink.Route k = kernel(r);
            done(owner, r.text(), add, add ? rtnl.addRoute(k) : rtnl.removeRoute(k), cause);
        } catch (Exception e) {
            failed(owner, r.text(), add, e, cause);
        }
    }

    private void rule(String owner, RuleSpec r, boolean add, Cause cause) {
        String text = "rule " + r.text() + (r.text().matches(".*\\b(priority|preference|pref)\\b.*") ? "" : " (preference "
                + r.preference().orElse(0) + ")");
        try {
            Rtnetlink.Rule k = new Rtnetlink.Rule(r.from().map(RouteKeeper::bytes).orElse(null), r.fromLength(),
                    r.to().map(RouteKeeper::bytes).orElse(null), r.toLength(), r.iif().orElse(null), r.oif().orElse(null),
                    r.fwmark().orElse(null), r.table(), r.preference().orElse(0), Rtnetlink.RTPROT_KEEPALIVED);
            done(owner, text, add, add ? rtnl.addRule(k) : rtnl.removeRule(k), cause);
        } catch (Exception e) {
            failed(owner, text, add, e, cause);
        }
    }

    static Rtnetlink.Route kernel(RouteSpec r) throws Exception {
        int type = switch (r.type()) {
            case UNICAST -> 1;
            case BLACKHOLE -> 6;
            case UNREACHABLE -> 7;
            case PROHIBIT -> 8;
        };
        return new Rtnetlink.Route(type, bytes(r.destination()), r.prefixLength(), r.via().map(RouteKeeper::bytes).orElse(null),
                r.device().isPresent() ? Libc.ifNameToIndex(r.device().get()) : 0, r.source().map(RouteKeeper::bytes).orElse(null),
                r.table(), r.metric().orElse(null), r.scope(), Rtnetlink.RTPROT_KEEPALIVED);
    }

    private static byte[] bytes(String ip) { return Ipv4InterfaceAddress.inet4(ip).getAddress(); }

    private void done(String owner, String text, boolean add, Rtnetlink.Change c, Cause cause) {
        journal.append(cause, new Event.RouteChanged(owner, text, add, true, c.changed() ? "" : c.name().toLowerCase().replace('_', ' ')));
        if (c.changed()) NodeLog.info("(" + owner + ") " + (add ? "added " : "removed ") + text);
    }

    private void failed(String owner, String text, boolean add, Exception e, Cause cause) {
        journal.append(cause, new Event.RouteChanged(owner, text, add, false, String.valueOf(e.getMessage())));
        NodeLog.error("(" + owner + ") cannot " + (add ? "add " : "remove ") + text + ": " + e.getMessage());
    }

    @Override public void close() { rtnl.close(); }
}
