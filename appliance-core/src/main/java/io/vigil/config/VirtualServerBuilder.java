package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code virtual_server IP PORT | fwmark N | group NAME { ... }} and its real servers. */
final class VirtualServerBuilder extends CheckOptionsBuilder {
    private static final String SCHED_FLAGS = "IPVS scheduler flags / one-packet";
    static final String QUORUM_SCRIPT = "run as written (no arguments added) when quorum is gained/lost, as keepalived; "
            + "journaled with exit code, output and the quorum change that caused it";

    private Optional<String> algo = Optional.empty(), granularity = Optional.empty(), virtualhost = Optional.empty();
    private LbKind kind = LbKind.NAT;
    private Optional<Protocol> protocol = Optional.empty();
    private Optional<Duration> persistence = Optional.empty();
    private int quorum = 1, hysteresis;
    private Optional<Script> qUp = Optional.empty(), qDown = Optional.empty();
    private Optional<SorryServer> sorry = Optional.empty();
    private Optional<LbKind> sorryKind = Optional.empty();
    private Optional<Boolean> smtpAlert = Optional.empty();
    private boolean sorryInhibit, inhibit, vsAlpha, omega, haSuspend;
    private final List<ConfigNode> rsNodes = new ArrayList<>();

    static final KeywordTable<VirtualServerBuilder> TABLE = shared(new KeywordTable<VirtualServerBuilder>("virtual_server"),
            Level.VIRTUAL_SERVER)
            .acted("alpha", "real servers with checkers start down until a check passes", "alpha",
                    (b, c) -> b.vsAlpha = b.v.bool(c).orElse(b.vsAlpha))
            .acted("lvs_sched", "a scheduler the kernel lacks is refused by the kernel, logged", "lbAlgo",
                    VirtualServerBuilder::scheduler)
            .acted("lb_algo", "a scheduler the kernel lacks is refused by the kernel, logged", "lbAlgo (legacy spelling)",
                    VirtualServerBuilder::scheduler)
            .acted("lvs_method", "DR → Route, NAT → Masq, TUN → Tunnel", "lbKind",
                    (b, c) -> b.kind = lbKind(b, c).orElse(b.kind))
            .acted("lb_kind", "DR → Route, NAT → Masq, TUN → Tunnel", "lbKind (legacy spelling)",
                    (b, c) -> b.kind = lbKind(b, c).orElse(b.kind))
            .acted("protocol", "", "protocol", VirtualServerBuilder::protocol)
            .acted("persistence_timeout", "", "persistenceTimeout", (b, c) -> b.persistence = c.args().isEmpty()
                    ? Optional.of(Duration.ofSeconds(360))
                    : b.v.integer(c, 1, 2678400, "persistence stays off").map(Duration::ofSeconds))
            .acted("persistence_granularity", "", "persistenceGranularity", (b, c) -> b.granularity = b.v.string(c))
            .acted("quorum", "", "quorum", (b, c) -> b.quorum = b.v.int32(c, 1, Integer.MAX_VALUE, "using 1").orElse(b.quorum))
            .acted("hysteresis", "", "hysteresis",
                    (b, c) -> b.hysteresis = b.v.int32(c, 0, Integer.MAX_VALUE, "using 0").orElse(b.hysteresis))
            .acted("quorum_up", QUORUM_SCRIPT, "quorumUp", (b, c) -> b.qUp = b.script(c))
            .acted("quorum_down", QUORUM_SCRIPT, "quorumDown", (b, c) -> b.qDown = b.script(c))
            .acted("sorry_server", "weight 1, sorry_server_lvs_method or the virtual server's forwarding method; enters "
                    + "while quorum is down",
                    "sorryServer", VirtualServerBuilder::sorryServer)
            .acted("sorry_server_inhibit", "", "sorryServerInhibit", (b, c) -> { b.v.flag(c); b.sorryInhibit = true; })
            .acted("sorry_server_lvs_method", "the sorry server's forwarding method (default: the virtual server's)",
                    "sorryServerLbKind", (b, c) -> b.sorryKind = lbKind(b, c).or(() -> b.sorryKind))
            .acted("inhibit_on_failure", "failed real servers kept with weight 0", "inhibitOnFailure",
                    (b, c) -> b.inhibit = b.v.bool(c).orElse(b.inhibit))
            .acted("omega", "at stop, notify_down of each alive real server and quorum_down run (1 s each), as keepalived",
                    "omega", (b, c) -> b.omega = b.v.bool(c).orElse(b.omega))
            .acted("ha_suspend", "its checkers run only while its address is on this node (read every second); "
                    + "suspended checkers keep their state", "haSuspend", (b, c) -> { b.v.flag(c); b.haSuspend = true; })
            .notActed("virtualhost", "HTTP_GET/SSL_GET read `virtualhost` only in the checker block or `url`", "virtualhost",
                    (b, c) -> b.virtualhost = b.v.string(c))
            .acted("real_server", "", "realServers", (b, c) -> b.rsNodes.add(c))
            .acted("flag-1", SCHED_FLAGS, "", (b, c) -> { })
            .acted("flag-2", SCHED_FLAGS, "", (b, c) -> { })
            .acted("flag-3", SCHED_FLAGS, "", (b, c) -> { })
            .acted("sh-port", SCHED_FLAGS, "", (b, c) -> { })
            .acted("sh-fallback", SCHED_FLAGS, "", (b, c) -> { })
            .acted("mh-port", SCHED_FLAGS, "", (b, c) -> { })
            .acted("mh-fallback", SCHED_FLAGS, "", (b, c) -> { })
            .acted("ops", SCHED_FLAGS, "", (b, c) -> { })
            .acted("persistence_engine", "the service's IPVS persistence engine (IPVS_SVC_ATTR_PE_NAME, e.g. `sip`: the "
                    + "kernel loads ip_vs_pe_sip)", "", KeywordTable.keepNode())
            .notActedAll("not applied", "ip_family")
            .acted("smtp_alert", GlobalDefsBuilder.CHECKER_MAIL + "off", "smtpAlert", (b, c) -> b.smtpAlert = b.v.bool(c))
            .noEffect("snmp_name", RealServerBuilder.NO_SNMP);

    VirtualServerBuilder(Ctx cx) { super(cx, CheckDefaults.NONE); }

    private void scheduler(ConfigNode c) {
        algo = v.string(c);
        if (algo.isPresent() && !Keywords.SCHEDULERS.contains(algo.get())) {
            diags.warning(v.at(c, 0), c.keyword() + " '" + algo.get() + "' is not an IPVS scheduler: one of "
                    + String.join("|", new java.util.TreeSet<>(Keywords.SCHEDULERS)) + "; using wlc");
            algo = Optional.empty();
        }
    }

    private void protocol(ConfigNode c) {
        Optional<String> p = v.string(c);
        if (p.isEmpty()) return;
        try {
            protocol = Optional.of(Protocol.valueOf(p.get().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            diags.warning(v.at(c, 0), "protocol '" + p.get() + "' is not valid: keepalived accepts TCP|UDP|SCTP; using TCP");
        }
    }

    private void sorryServer(ConfigNode c) {
        if (c.args().isEmpty() || !Values.isIp(c.args().getFirst())) {
            diags.warning(c.where(), "sorry_server needs 'IP [PORT]'; ignored");
            return;
        }
        v.extraArgs(c, 2);
        int port = v.port(c, 1).orElse(0);
        sorry = Optional.of(new SorryServer(c.args().getFirst(), port, c.where()));
    }

    /** The virtual server, or empty when its address line is unusable (reported). Flushes its reports when kept. */
    Optional<VirtualServer> build(ConfigNode n, Map<String, VirtualServerGroup> groups, boolean scriptSecurity) {
        Optional<VirtualServerAddress> address = address(n, groups);
        if (address.isEmpty()) return Optional.empty();
        String ctx = "in virtual_server " + String.join(" ", n.args());
        for (ConfigNode c : n.children()) dispatch(TABLE, this, c, ctx);
        if (algo.isEmpty() && n.child("lb_algo").isEmpty() && n.child("lvs_sched").isEmpty()) {
            diags.info(n.where(), "virtual_server " + address.get() + ": no scheduler set; using wlc (as keepalived does)");
        }
        if (protocol.isEmpty() && n.child("protocol").isEmpty() && !(address.get() instanceof VirtualServerAddress.Fwmark)) {
            diags.info(n.where(), "virtual_server " + address.get() + ": no protocol set; Vigil uses TCP "
                    + "(keepalived 2.2.7 would default to UDP here) - write 'protocol TCP' to be explicit");
        }
        alpha = vsAlpha ? Optional.of(true) : Optional.empty();
        var realServers = new ArrayList<RealServer>();
        var seen = new HashSet<String>();
        for (ConfigNode r : rsNodes) {
            var rb = new RealServerBuilder(cx, defaults(), kind, inhibit, virtualhost);
            rb.build(r, address.get(), scriptSecurity).ifPresent(rs -> {
                if (!seen.add(rs.endpoint())) {
                    diags.warning(r.where(), "real_server " + rs.endpoint() + " appears twice in this virtual_server; "
                            + "the second is ignored");
                } else {
                    realServers.add(rs);
                    rb.flushTo(reports);
                }
            });
        }
        flush();
        return Optional.of(new VirtualServer(address.get(), delayLoop, algo.orElse("wlc"), kind,
                protocol.orElse(Protocol.TCP), persistence, granularity, quorum, hysteresis, qUp, qDown, sorry,
                sorryInhibit, inhibit, vsAlpha, omega, haSuspend, virtualhost, realServers, sorryKind, smtpAlert, n.where(), n));
    }

    private static final Set<String> TUNNEL_OPTIONS = Set.of("type", "ipip", "gue", "gre", "port", "nocsum", "csum",
            "remcsum");

    /** lb_kind / lvs_method: NAT|DR|TUN (TUN with its tunnel options), at virtual_server or real_server level. */
    static Optional<LbKind> lbKind(BlockBuilder b, ConfigNode c) {
        Values v = b.v;
        Optional<String> k = c.args().isEmpty() ? v.string(c) : Optional.of(c.args().getFirst());
        if (k.isEmpty()) return Optional.empty();
        LbKind kind;
        try {
            kind = LbKind.valueOf(k.get().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            b.diags.warning(v.at(c, 0), c.keyword() + " '" + k.get() + "' is not valid: keepalived accepts NAT|DR|TUN; "
                    + "using NAT");
            return Optional.empty();
        }
        var rest = c.args().subList(1, c.args().size());
        if (!rest.isEmpty()) {
            if (kind != LbKind.TUN || !TUNNEL_OPTIONS.contains(rest.getFirst())) {
                String extra = String.join(" ", rest);
                b.diags.warning(v.at(c, 1), "extra text after " + c.keyword() + " " + k.get() + " ignored: '" + extra + "'"
                        + (kind == LbKind.TUN ? " (tunnel options are: type ipip|gue port N|gre [nocsum|csum|remcsum])" : "")
                        + Values.slashHint(extra));
            }
        }
        return Optional.of(kind);
    }

    private Optional<VirtualServerAddress> address(ConfigNode n, Map<String, VirtualServerGroup> groups) {
        var a = n.args();
        if (a.isEmpty()) {
            diags.error(n.where(), "virtual_server needs 'IP PORT', 'fwmark N' or 'group NAME'; block ignored");
            return Optional.empty();
        }
        switch (a.getFirst()) {
            case "fwmark" -> {
                if (a.size() < 2) break;
                v.extraArgs(n, 3);
                return v.integer(n, a.get(1), 1, 0xffffffffL, "block ignored")
                        .map(m -> new VirtualServerAddress.Fwmark(m.intValue()));
            }
            case "group" -> {
                if (a.size() < 2) break;
                v.extraArgs(n, 2);
                if (!groups.containsKey(a.get(1))) {
                    diags.error(n.where(), "virtual_server group " + a.get(1) + ": no virtual_server_group of that name; "
                            + "block ignored");
                    return Optional.empty();
                }
                return Optional.of(new VirtualServerAddress.Group(a.get(1)));
            }
            default -> {
                String ip = a.getFirst();
                if (!Values.isIp(ip)) {
                    diags.error(n.where(), "virtual_server '" + ip + "' is not an IP address (expected 'IP PORT', "
                            + "'fwmark N' or 'group NAME'); block ignored");
                    return Optional.empty();
                }
                v.extraArgs(n, 2);
                int port = a.size() > 1 ? v.port(n, 1).orElse(-1) : 0;
                if (port < 0) return Optional.empty();
                return Optional.of(new VirtualServerAddress.IpPort(ip, port, Values.isIpv6(ip)));
            }
        }
        diags.error(n.where(), "virtual_server " + a.getFirst() + " needs a value; block ignored");
        return Optional.empty();
    }

    /** {@code virtual_server_group NAME { IP PORT | RANGE PORT | fwmark N ... }}: members, not keywords. */
    static VirtualServerGroup group(BlockBuilder b, String name, ConfigNode n) {
        Values v = b.v;
        var members = new ArrayList<VirtualServerGroup.Member>();
        for (ConfigNode c : n.children()) {
            if (c.keyword().equals("fwmark")) {
                v.int32(c, 1, 0xffffffffL >>> 1, "ignored").ifPresent(m ->
                        members.add(new VirtualServerGroup.Member(Optional.empty(), 0, Optional.of(m), c.where())));
                continue;
            }
            String addr = c.keyword();
            String base = addr.contains("-") ? addr.substring(0, addr.indexOf('-'))
                    : addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr;
            if (!Values.isIp(base)) {
                b.diags.warning(c.where(), "virtual_server_group " + name + ": '" + addr + "' is not an address, range or "
                        + "fwmark; ignored" + Values.slashHint(addr));
                continue;
            }
            v.extraArgs(c, 1);
            int port = v.port(c, 0).orElse(0);
            members.add(new VirtualServerGroup.Member(Optional.of(addr), port, Optional.empty(), c.where()));
        }
        return new VirtualServerGroup(name, members, n.where(), n);
    }
}
