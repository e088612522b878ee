package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Keywords that change who may take a VIP or what a script may do, and that Vigil does not act on: each is
 * reported at its file:line, by {@code vigil check-config} and at {@code vigil run} start-up, so none is silently
 * ignored. Keywords Vigil acts on (authentication, unicast_peer, check_unicast_src, script_user,
 * enable_script_security) are not listed; where Vigil is stricter than keepalived the report is a note.
 */
public final class SecurityKeywords {
    private SecurityKeywords() {}

    private static final String NO_FIREWALL = "Vigil installs no iptables/nftables rules: traffic to the VIPs is"
            + " accepted in every state; filter on the host if you rely on it";

    public static List<Diagnostic> audit(KeepalivedConfig cfg) {
        List<Diagnostic> out = new ArrayList<>();
        ConfigNode g = cfg.globalDefs().node();
        for (ConfigNode c : g.children()) {
            switch (c.keyword()) {
                case "vrrp_strict" -> out.add(warn(c, "vrrp_strict is not acted on: no strict RFC checks, and " + NO_FIREWALL));
                case "vrrp_iptables", "vrrp_ipsets", "nftables" -> out.add(warn(c, c.keyword() + " is not acted on: " + NO_FIREWALL));
                case "vrrp_skip_check_adv_addr" -> out.add(note(c, "vrrp_skip_check_adv_addr is not acted on: Vigil checks"
                        + " the address list of every advert (stricter than keepalived)"));
                case "vrrp_mcast_group4" -> {
                    if (!c.args().isEmpty() && !c.args().getFirst().equals("224.0.0.18"))
                        out.add(warn(c, "vrrp_mcast_group4 is not acted on: Vigil sends and listens on 224.0.0.18 only"));
                }
                default -> { }
            }
        }
        boolean scriptSecurity = cfg.globalDefs().enableScriptSecurity();
        for (VrrpInstance vi : cfg.vrrpInstances()) {
            String at = "(" + vi.name() + ") ";
            for (ConfigNode c : vi.node().children()) {
                switch (c.keyword()) {
                    case "strict_mode" -> out.add(warn(c, at + "strict_mode is not acted on: no strict RFC checks, and " + NO_FIREWALL));
                    case "no_accept" -> out.add(warn(c, at + "no_accept is not acted on: " + NO_FIREWALL));
                    case "skip_check_adv_addr" -> out.add(note(c, at + "skip_check_adv_addr is not acted on: Vigil checks"
                            + " the address list of every advert (stricter than keepalived)"));
                    case "unicast_ttl" -> out.add(warn(c, at + "unicast_ttl is not acted on: adverts are sent with TTL 255"
                            + " and the TTL of unicast adverts is not checked"));
                    case "mcast_dst_ip" -> out.add(warn(c, at + "mcast_dst_ip is not acted on: Vigil sends and listens on 224.0.0.18 only"));
                    case "unicast_peer" -> {
                        for (ConfigNode p : c.children())
                            if (!p.args().isEmpty())
                                out.add(warn(p, at + "unicast_peer options '" + String.join(" ", p.args())
                                        + "' are not acted on (min_ttl/max_ttl are not checked)"));
                    }
                    default -> { }
                }
            }
        }
        for (VrrpScript s : cfg.vrrpScripts()) {
            s.node().child("user").ifPresent(u -> out.add(warn(u, "vrrp_script " + s.name() + ": user is not acted on;"
                    + " the script runs as global_defs script_user (or as Vigil's own user)")));
        }
        for (VirtualServer vs : cfg.virtualServers()) {
            for (RealServer rs : vs.realServers()) {
                for (Checker ch : rs.checkers()) {
                    if (scriptSecurity && ch.type().equals("MISC_CHECK") && ch.node().child("user").isEmpty())
                        out.add(warn(ch.node(), "enable_script_security is not applied to MISC_CHECK scripts;"
                                + " give the checker a 'user' or keep its script root-owned and not writable by others"));
                }
            }
        }
        return out;
    }

    private static Diagnostic warn(ConfigNode c, String message) { return Diagnostic.warning(c.where(), message); }

    private static Diagnostic note(ConfigNode c, String message) { return Diagnostic.info(c.where(), message); }
}
