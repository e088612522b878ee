package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code real_server IP [PORT] { ... }}: the virtual server's settings inherited, its checker blocks built. */
final class RealServerBuilder extends CheckOptionsBuilder {
    static final String NOTIFY = "run as written (no arguments added) when the real server goes up/down, as keepalived; "
            + "journaled with exit code, output and the real-server change that caused it";
    static final String NO_SNMP = "only read by keepalived's SNMP agent; Vigil has none (enable_snmp_* are warned about)";

    private int weight = 1;
    private boolean inhibit;
    private LbKind kind;
    private Optional<Script> up = Optional.empty(), down = Optional.empty();
    private Optional<Boolean> smtpAlert = Optional.empty();
    private Optional<String> virtualhost;
    private final List<ConfigNode> checkerNodes = new ArrayList<>();

    static final KeywordTable<RealServerBuilder> TABLE = shared(new KeywordTable<RealServerBuilder>("real_server"),
            Level.REAL_SERVER)
            .acted("weight", "", "weight", (b, c) -> b.weight = b.v.int32(c, 0, 65535, "using 1").orElse(b.weight))
            .acted("inhibit_on_failure", "", "inhibitOnFailure", (b, c) -> b.inhibit = b.v.bool(c).orElse(b.inhibit))
            .acted("lvs_method", "forwarding method of this destination", "lbKind",
                    (b, c) -> b.kind = VirtualServerBuilder.lbKind(b, c).orElse(b.kind))
            .acted("lb_kind", "forwarding method of this destination", "lbKind (legacy spelling)",
                    (b, c) -> b.kind = VirtualServerBuilder.lbKind(b, c).orElse(b.kind))
            .acted("notify_up", NOTIFY, "notifyUp", (b, c) -> b.up = b.script(c))
            .acted("notify_down", NOTIFY, "notifyDown", (b, c) -> b.down = b.script(c))
            .notActed("virtualhost", "HTTP_GET/SSL_GET read `virtualhost` only in the checker block or `url`", "virtualhost",
                    (b, c) -> b.virtualhost = b.v.string(c))
            .acted("uthreshold", "IPVS destination thresholds", "", (b, c) -> { })
            .acted("lthreshold", "IPVS destination thresholds", "", (b, c) -> { })
            .acted("smtp_alert", GlobalDefsBuilder.CHECKER_MAIL + "on", "smtpAlert", (b, c) -> b.smtpAlert = b.v.bool(c))
            .noEffect("snmp_name", NO_SNMP);

    private final LoadOptions options;

    RealServerBuilder(Ctx cx, CheckDefaults vsDefaults, LbKind vsKind, boolean vsInhibit, Optional<String> vsVirtualhost) {
        super(cx, vsDefaults);
        this.options = cx.options();
        this.kind = vsKind;
        this.inhibit = vsInhibit;
        this.virtualhost = vsVirtualhost;
    }

    Optional<RealServer> build(ConfigNode n, VirtualServerAddress vs, boolean scriptSecurity) {
        var a = n.args();
        if (a.isEmpty() || !Values.isIp(a.getFirst())) {
            diags.warning(n.where(), "real_server needs 'IP [PORT]'" + (a.isEmpty() ? "" : ", got '" + a.getFirst() + "'")
                    + "; ignored");
            return Optional.empty();
        }
        v.extraArgs(n, 2);
        String ip = a.getFirst();
        int port = a.size() > 1 ? v.port(n, 1).orElse(0) : 0;
        String ctx = "in real_server " + ip + (a.size() > 1 ? " " + a.get(1) : "");
        for (ConfigNode c : n.children()) {
            String kw = c.keyword();
            if (Keywords.CHECKER_SPECIFIC.containsKey(kw) || options.extraCheckerKeywords().contains(kw)) {
                checkerNodes.add(c);
            } else if (TABLE.contains(kw)) {
                dispatch(TABLE, this, c, ctx);
            } else if (c.hasBlock() && kw.matches("[A-Z][A-Z0-9_]*_(CHECK|GET)")) {
                diags.warning(c.where(), "unknown checker '" + kw + "' " + ctx + ": not a keepalived checker and "
                        + "no plugin claims it; ignored");
            } else {
                unknown(c, ctx);
            }
        }
        if (vs instanceof VirtualServerAddress.IpPort ipp && ipp.port() != 0 && port != ipp.port()
                && (kind == LbKind.DR || kind == LbKind.TUN)) {
            diags.warning(v.at(n, 1), "real_server " + ip + " port " + port + " differs from virtual server port "
                    + ipp.port() + ": " + kind + " forwarding cannot change the port; using " + ipp.port()
                    + " (keepalived resets it the same way)");
            port = ipp.port();
        }
        var checkers = new ArrayList<Checker>();
        for (ConfigNode c : checkerNodes) {
            var cb = new CheckerBuilder(cx, c.keyword(), defaults(), ctx, scriptSecurity);
            checkers.add(cb.build(c, ctx));
            cb.flushTo(reports);
        }
        return Optional.of(new RealServer(ip, port, Values.isIpv6(ip), weight, inhibit, kind, up, down, checkers,
                virtualhost, smtpAlert, n.where(), n));
    }
}
