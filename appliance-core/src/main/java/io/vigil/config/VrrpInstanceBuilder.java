package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code vrrp_instance NAME { ... }}, with global_defs values inherited and keepalived's consistency rules applied. */
final class VrrpInstanceBuilder extends TrackingBuilder {
    static final String FIREWALL = "traffic to the VIPs is dropped by nftables while the instance holds them (table"
            + " `ip keepalived` unless global `nftables` names one, as keepalived 2.2.7)";

    private final String name;
    private final GlobalDefs g;
    private VrrpState state = VrrpState.BACKUP;
    private Optional<String> iface = Optional.empty(), unicastSrc = Optional.empty(), mcastSrc = Optional.empty(),
            lvsSyncIf = Optional.empty(), vmacName = Optional.empty();
    private Optional<Integer> vrid = Optional.empty(), version = Optional.empty();
    private int priority = 100, garpRepeat, garpRefreshRepeat;
    private Optional<Duration> advert = Optional.empty();
    private ConfigNode advertNode, nopreemptNode, useVmacNode;
    private boolean vmacXmitBase;
    private Optional<Authentication> auth = Optional.empty();
    private final List<VirtualIp> vips = new ArrayList<>(), vipsExcluded = new ArrayList<>();
    private final List<UnicastPeer> peers = new ArrayList<>();
    private boolean nopreempt, dontTrackPrimary, useVmac;
    private Optional<Boolean> accept = Optional.empty(), strictMode = Optional.empty();
    private Duration preemptDelay = Duration.ZERO, garpDelay, garpRefresh;

    static final KeywordTable<VrrpInstanceBuilder> TABLE = shared(new KeywordTable<VrrpInstanceBuilder>("vrrp_instance")
            .acted("state", "", "state", VrrpInstanceBuilder::state)
            .acted("interface", "", "iface", (b, c) -> b.iface = b.v.string(c))
            .acted("virtual_router_id", "", "virtualRouterId",
                    (b, c) -> b.vrid = b.v.int32(c, 1, 255, "the instance cannot run without one"))
            .acted("priority", "", "priority", (b, c) -> b.priority = b.v.int32(c, 1, 255, "using default 100").orElse(b.priority))
            .acted("advert_int", "", "advertInterval", (b, c) -> { b.advert = b.v.timer(c, 0.01, 255, "using 1"); b.advertNode = c; })
            .acted("version", "", "vrrpVersion", (b, c) -> b.version = b.v.int32(c, 2, 3, "using global vrrp_version"))
            .acted("authentication", "PASS under VRRPv2; ignored under v3 as keepalived; `auth_type AH` is a file:line error",
                    "authentication", (b, c) -> b.auth = new AuthenticationBuilder(b.cx, b.name).build(c))
            .acted("virtual_ipaddress", "IPv4; `dev` and `label` honoured; IPv6 addresses warned about and skipped; "
                            + "`scope` other than global warned about, added as global; `brd` not applied", "virtualIpAddresses",
                    (b, c) -> b.vips.addAll(b.virtualIps(c)))
            .acted("virtual_ipaddress_excluded", "added and removed with the VIPs, not in adverts; same IPv4 rules",
                    "virtualIpAddressesExcluded", (b, c) -> b.vipsExcluded.addAll(b.virtualIps(c)))
            .acted("unicast_src_ip", "", "unicastSrcIp", (b, c) -> b.unicastSrc = b.v.string(c).filter(a -> b.checkAddr(c, a)))
            .acted("mcast_src_ip", "source of multicast adverts; else `unicast_src_ip`, else the interface's primary IPv4 "
                    + "address", "mcastSrcIp", (b, c) -> b.mcastSrc = b.v.string(c).filter(a -> b.checkAddr(c, a)))
            .acted("unicast_peer", "IPv4 only; anything else is a file:line error; per-peer `min_ttl`/`max_ttl` (0..255) "
                    + "are checked on receipt with `check_unicast_src`, as keepalived (drop reason `bad_ttl`)", "unicastPeers",
                    VrrpInstanceBuilder::unicastPeers)
            .acted("nopreempt", "", "nopreempt", (b, c) -> { b.v.flag(c); b.nopreempt = true; b.nopreemptNode = c; })
            .acted("preempt", "", "nopreempt", (b, c) -> { b.v.flag(c); b.nopreempt = false; })
            .acted("preempt_delay", "", "preemptDelay",
                    (b, c) -> b.preemptDelay = b.v.timer(c, 0, 1000, "no preempt delay").orElse(b.preemptDelay))
            .acted("garp_master_delay", "", "garpMasterDelay",
                    (b, c) -> b.garpDelay = b.v.timer(c, 0, 255, "using global value").orElse(b.garpDelay))
            .acted("garp_master_repeat", "0 is taken as 1", "garpMasterRepeat",
                    (b, c) -> b.garpRepeat = b.v.int32(c, 1, 255, "using global value").orElse(b.garpRepeat))
            .acted("garp_master_refresh", "", "garpMasterRefresh",
                    (b, c) -> b.garpRefresh = b.v.timer(c, 0, 86400, "using global value").orElse(b.garpRefresh))
            .acted("garp_master_refresh_repeat", "", "garpMasterRefreshRepeat",
                    (b, c) -> b.garpRefreshRepeat = b.v.int32(c, 1, 255, "using global value").orElse(b.garpRefreshRepeat))
            .acted("dont_track_primary", "without it, the instance's own interface going down means FAULT", "dontTrackPrimary",
                    (b, c) -> { b.v.flag(c); b.dontTrackPrimary = true; })
            .acted("use_vmac", "`[NAME] [MAC]`: a macvlan (mode private) named NAME (default vmac_prefix.VRID, vrrp.VRID) "
                            + "with MAC (default 00:00:5e:00:01:VRID; 5 octets + VRID) on `interface`, made at start and removed "
                            + "at stop; the VIPs go on it and adverts are sent and received on it", "useVmac, vmacName",
                    (b, c) -> {
                        b.useVmac = true;
                        b.useVmacNode = c;
                        for (String a : c.args()) {
                            if (Vmac.isMac(a)) { if (Vmac.mac(a, 1).isEmpty()) b.diags.warning(c.where(), b.at() + "use_vmac MAC '" + a
                                    + "' is not a unicast address; using 00:00:5e:00:01:VRID"); }
                            else if (a.length() > 15 || a.contains("/") || a.isBlank())
                                b.diags.warning(c.where(), b.at() + "use_vmac name '" + a + "' is not a valid interface name; using the default");
                            else b.vmacName = Optional.of(a);
                        }
                    })
            .acted("vmac_xmit_base", "with use_vmac: adverts are sent and received on `interface`, the VIPs stay on the VMAC",
                    "", (b, c) -> { b.v.flag(c); b.vmacXmitBase = true; })
            .acted("garp_extra_if", "`[all] SECONDS` (0 = off): with `all`, while MASTER, one GARP every SECONDS on each "
                    + "other interface a VIP names with `dev`, and on the VMAC with vmac_xmit_base (without `all` only VMACs of "
                    + "use_vmac_addr would get them, which Vigil does not make)", "",
                    (b, c) -> GarpExtraIf.parse(c, 0, (w, m) -> b.diags.warning(w, b.at() + m)))
            .acted("accept", "the VIPs accept traffic in MASTER (default unless strict; ignored with a warning for a"
                    + " VRRPv2 strict instance below priority 255, as keepalived)", "accept",
                    (b, c) -> { b.v.flag(c); b.accept = Optional.of(true); })
            .acted("no_accept", FIREWALL + "; the default in strict mode below priority 255", "accept",
                    (b, c) -> { b.v.flag(c); b.accept = Optional.of(false); })
            .acted("strict_mode", "as global `vrrp_strict`, for this instance (on, off, true, false, yes, no; no value: on)", "",
                    (b, c) -> b.strictMode = b.v.bool(c).or(() -> b.strictMode))
            .notActed("skip_check_adv_addr", "a note, as `vrrp_skip_check_adv_addr`", "", (b, c) -> { },
                    (b, c) -> List.of(note(c, b.at() + "skip_check_adv_addr is not acted on: Vigil checks"
                            + " the address list of every advert (stricter than keepalived)")))
            .acted("unicast_ttl", "IP TTL (0..255) of the adverts sent to unicast peers; received adverts are checked against "
                    + "the peers' `min_ttl`/`max_ttl` only, as keepalived; without `unicast_peer` ignored with a warning at `vigil run` "
                    + "(keepalived would then send multicast with TTL 0)", "", (b, c) -> b.v.int32(c, 0, 255, "using 255"))
            .acted("mcast_dst_ip", "multicast adverts go to this IPv4 group, which is joined; adverts to another group are "
                    + "dropped (`unexpected_destination`); wins over `vrrp_mcast_group4`; ignored with unicast peers",
                    "", (b, c) -> b.v.string(c).filter(a -> b.checkMulticast(c, a)))
            .acted("notify_master_rx_lower_pri", "run as written each time a MASTER hears a lower priority advert (with "
                    + "the notify FIFO line `MASTER_RX_LOWER_PRI`); journaled with the advert as cause", "",
                    (b, c) -> b.script(c))
            .acted("unicast_fault_no_peer", "with an empty `unicast_peer` the instance stays in FAULT instead of "
                    + "advertising multicast, as keepalived", "", (b, c) -> b.v.flag(c))
            .acted("check_unicast_src", "with `unicast_peer`: adverts from any other source are dropped and counted, "
                    + "`vigil_vrrp_dropped_total{reason=\"not_unicast_peer\"}`; without peers a warning at `vigil run`", "",
                    (b, c) -> { })
            .acted("lvs_sync_daemon_interface", "deprecated, a note: as `lvs_sync_daemon INTERFACE` for this instance "
                    + "(sync id 0) when global_defs has none",
                    "lvsSyncDaemonInterface (deprecated, note)", (b, c) -> {
                        b.diags.info(c.where(), "(" + b.name + ") lvs_sync_daemon_interface in a vrrp_instance is deprecated; "
                                + "use global_defs lvs_sync_daemon");
                        b.lvsSyncIf = b.v.string(c);
                    })
            .noEffect("debug", "keepalived's debug level for the instance (not implemented in keepalived either)")
            .noEffect("kernel_rx_buf_size", GlobalDefsBuilder.SOCKET_BUFFERS)
            .noEffect("linkbeat_use_polling", GlobalDefsBuilder.LINK_POLLING)
            .acted("garp_lower_prio_delay", "whole seconds; a MASTER that heard a lower priority sends its "
                    + "garp_lower_prio_repeat GARPs again after it (0: not); default global vrrp_garp_lower_prio_delay",
                    "", (b, c) -> AdvertSettings.seconds(b.v, c))
            .acted("garp_lower_prio_repeat", "GARPs a MASTER sends when it hears a lower priority (0: none; sync group "
                    + "members too); default global vrrp_garp_lower_prio_repeat", "",
                    (b, c) -> b.v.int32(c, 0, Integer.MAX_VALUE, "using global value"))
            .acted("down_timer_adverts", "Master_Down_Interval = N (1..100) advert intervals + skew instead of 3", "",
                    (b, c) -> b.v.int32(c, 1, 100, "using global value"))
            .acted("lower_prio_no_advert", "a MASTER hearing a lower priority does not answer with an advert at once", "",
                    (b, c) -> b.v.bool(c))
            .acted("higher_prio_send_advert", "a MASTER hearing a higher priority sends one advert before it goes BACKUP",
                    "", (b, c) -> b.v.bool(c))
            .acted("virtual_routes", "as static_routes, added after the VIPs on becoming MASTER and removed on leaving it",
                    "", (b, c) -> RouteSpec.parseAll(c, b.diags::warning))
            .acted("virtual_rules", "as static_rules, added after the VIPs on becoming MASTER and removed on leaving it",
                    "", (b, c) -> RuleSpec.audit(c, b.diags::warning))
            .notActedAll("Vigil does not act on it", "vrf", "use_vmac_addr", "use_ipvlan", "native_ipv6",
                    "track_src_ip", "old_unicast_checksum", "promote_secondaries"), true);

    VrrpInstanceBuilder(Ctx cx, String name, GlobalDefs g, Set<String> scripts, Set<String> files) {
        super(cx, scripts, files);
        this.name = name;
        this.g = g;
        garpRepeat = g.vrrpGarpMasterRepeat();
        garpRefreshRepeat = g.vrrpGarpMasterRefreshRepeat();
        garpDelay = g.vrrpGarpMasterDelay();
        garpRefresh = g.vrrpGarpMasterRefresh();
    }

    private String at() { return "(" + name + ") "; }

    private boolean checkMulticast(ConfigNode c, String a) {
        if (Values.isIpv4(a) && AdvertSettings.isMulticast(a)) return true;
        diags.warning(v.at(c, 0), at() + c.keyword() + " " + a + " is not an IPv4 multicast address; skipped (as keepalived)");
        return false;
    }

    private void state(ConfigNode c) {
        Optional<String> s = v.string(c);
        if (s.isEmpty()) return;
        switch (s.get()) {
            case "MASTER" -> state = VrrpState.MASTER;
            case "BACKUP" -> state = VrrpState.BACKUP;
            default -> {
                diags.warning(v.at(c, 0), "(" + name + ") unknown state '" + s.get()
                        + "': keepalived accepts MASTER or BACKUP and treats anything else as BACKUP"
                        + (s.get().equalsIgnoreCase("SLAVE") ? " (the backup director is written 'state BACKUP')" : ""));
                state = VrrpState.BACKUP;
            }
        }
    }

    private void unicastPeers(ConfigNode c) {
        for (ConfigNode p : c.children()) {
            if (!Values.isIp(p.keyword())) {
                diags.warning(p.where(), "unicast_peer '" + p.keyword() + "' is not an IP address; ignored"
                        + Values.slashHint(p.keyword()));
                continue;
            }
            peers.add(new UnicastPeer(p.keyword(), p.where()));
        }
    }

    Optional<VrrpInstance> build(ConfigNode n) {
        String ctx = "in vrrp_instance " + name;
        for (ConfigNode c : n.children()) {
            if (c.keyword().equals("vrrp_version")) {
                unknown(c, ctx + " (the instance keyword is 'version'; vrrp_version belongs in global_defs)");
            } else {
                dispatch(TABLE, this, c, ctx);
            }
        }
        if (vrid.isEmpty()) {
            diags.error(n.where(), "(" + name + ") virtual_router_id must be set (1..255); the instance is ignored");
            return Optional.empty();
        }
        boolean strict = strictMode.orElse(g.vrrpStrict());
        boolean anyV6 = vips.stream().anyMatch(VirtualIp::ipv6);
        int ver = version.orElse(anyV6 ? 3 : g.vrrpVersion());
        if (anyV6 && ver == 2) {
            diags.warning(n.child("version").map(ConfigNode::where).orElse(n.where()), "(" + name + ") IPv6 addresses need VRRP version 3; using 3");
            ver = 3;
        }
        Duration adv = advert.orElse(Duration.ofSeconds(1));
        if (ver == 2 && adv.toNanosPart() != 0) {
            long secs = Math.max(1, Math.round(adv.toNanos() / 1e9));
            diags.warning(advertNode != null ? advertNode.where() : n.where(), "(" + name + ") advert_int "
                    + seconds(adv) + " is not valid for VRRPv2, whose advert interval is whole seconds 1..255; rounded to "
                    + secs + " (as keepalived does; use 'version 3' for sub-second adverts)");
            adv = Duration.ofSeconds(secs);
        } else if (ver == 3) {
            long cs = Math.max(1, Math.round(adv.toNanos() / 1e7)); // VRRPv3 carries centiseconds
            adv = Duration.ofMillis(cs * 10);
        }
        if (strict && !strictChecks(n)) return Optional.empty();
        if (auth.isPresent() && strict) {
            diags.warning(auth.get().where(), "(" + name + ") Strict mode does not support authentication; ignored"
                    + " (as keepalived)");
            auth = Optional.empty();
        }
        if (auth.isPresent() && ver == 3) {
            diags.warning(auth.get().where(), "(" + name + ") VRRPv3 has no authentication (RFC 5798); ignored");
            auth = Optional.empty();
        }
        if (nopreempt && state == VrrpState.MASTER) {
            diags.warning(nopreemptNode.where(), "(" + name + ") nopreempt will not work with initial state MASTER; "
                    + "cleared (as keepalived does) - use state BACKUP on every director for non-preemptive failover");
            nopreempt = false;
        }
        if (useVmac && !peers.isEmpty() && !vmacXmitBase) // unicast adverts to us arrive on the base, not the VMAC
            diags.warning(useVmacNode.where(), "(" + name + ") unicast with use_vmac requires vmac_xmit_base; set (as keepalived)");
        if (vips.isEmpty()) {
            diags.warning(n.where(), "(" + name + ") has no virtual_ipaddress");
        }
        // keepalived: no_accept is the default in strict mode unless the instance owns the addresses (priority 255)
        boolean acc = accept.orElse(priority == 255 || !strict);
        if (acc && strict && priority != 255 && ver == 2) {
            diags.warning(n.child("accept").map(ConfigNode::where).orElse(n.where()), "(" + name + ") accept mode for VRRP"
                    + " version 2 does not comply with RFC 3768 in strict mode; using no_accept (as keepalived)");
            acc = false;
        }
        return Optional.of(new VrrpInstance(name, state, iface, vrid.get(), priority, adv, ver, auth, vips, vipsExcluded,
                unicastSrc, peers, mcastSrc, nopreempt, preemptDelay, garpDelay, garpRepeat, garpRefresh, garpRefreshRepeat,
                ts, ti, tf, notifyScripts(), smtp, dontTrackPrimary, lvsSyncIf, useVmac, vmacName, acc,
                Optional.empty(), n.where(), n, tp));
    }

    /**
     * What keepalived 2.2.7's vrrp_complete_instance enforces in strict mode (vrrp_strict or strict_mode): it refuses
     * (the VRRP process exits with a configuration error) an instance with no VIP or with unicast peers, and resets
     * the rest with a message. False when the instance is refused (an error here, so `vigil run` refuses the file).
     */
    private boolean strictChecks(ConfigNode n) {
        boolean ok = true;
        if (vips.isEmpty()) {
            diags.error(n.where(), "(" + name + ") No VIP specified; at least one is required in strict mode (keepalived"
                    + " refuses the configuration)");
            ok = false;
        }
        if (!peers.isEmpty()) {
            diags.error(n.child("unicast_peer").map(ConfigNode::where).orElse(n.where()), "(" + name + ") Unicast peers are"
                    + " not supported in strict mode (keepalived refuses the configuration)");
            ok = false;
        }
        if ((state == VrrpState.MASTER) != (priority == 255)) {
            VrrpState want = priority == 255 ? VrrpState.MASTER : VrrpState.BACKUP;
            diags.warning(n.child("state").map(ConfigNode::where).orElse(n.where()), "(" + name + ") State MASTER must"
                    + " match being address owner (priority 255) in strict mode; using " + want + " (as keepalived)");
            state = want;
        }
        if (!preemptDelay.isZero()) {
            diags.warning(n.child("preempt_delay").map(ConfigNode::where).orElse(n.where()), "(" + name + ") preempt_delay"
                    + " is incompatible with strict mode; reset to 0 (as keepalived)");
            preemptDelay = Duration.ZERO;
        }
        return ok;
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    private static final Set<String> VIP_VALUE_OPTIONS = Set.of("brd", "broadcast", "dev", "scope", "label", "peer",
            "track_group", "preferred_lft", "valid_lft");
    private static final Set<String> VIP_FLAGS = Set.of("home", "-nodad", "nodad", "noprefixroute", "autojoin",
            "no_track", "mngtmpaddr");

    private List<VirtualIp> virtualIps(ConfigNode block) {
        var out = new ArrayList<VirtualIp>();
        if (!block.args().isEmpty()) {
            diags.warning(v.at(block, 0), block.keyword() + " lists its addresses in a { } block; '"
                    + String.join(" ", block.args()) + "' ignored");
        }
        for (ConfigNode c : block.children()) {
            if (c.hasBlock()) {
                diags.warning(c.where(), "unexpected block after address '" + c.keyword() + "' in " + block.keyword());
            }
            String spec = c.keyword();
            int slash = spec.indexOf('/');
            String addr = slash < 0 ? spec : spec.substring(0, slash);
            boolean v6 = Values.isIpv6(addr);
            if (!v6 && !Values.isIpv4(addr)) {
                diags.warning(c.where(), "(" + name + ") '" + spec + "' in " + block.keyword()
                        + " is not an IP address; skipped (as keepalived does)" + Values.slashHint(spec));
                continue;
            }
            int max = v6 ? 128 : 32;
            int len = max;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(spec.substring(slash + 1));
                } catch (NumberFormatException e) {
                    len = -1;
                }
                if (len < 0 || len > max) {
                    diags.warning(c.where(), "(" + name + ") prefix length in '" + spec + "' must be 0.." + max + "; skipped");
                    continue;
                }
            }
            Map<String, String> opts = new HashMap<>();
            var others = new ArrayList<String>();
            var a = c.args();
            for (int i = 0; i < a.size(); i++) {
                String o = a.get(i);
                if (VIP_VALUE_OPTIONS.contains(o)) {
                    if (i + 1 >= a.size()) {
                        diags.warning(c.where(), "(" + name + ") '" + o + "' needs a value after " + spec + "; ignored");
                        break;
                    }
                    opts.put(o.equals("broadcast") ? "brd" : o, a.get(++i));
                } else if (VIP_FLAGS.contains(o)) {
                    others.add(o);
                } else {
                    diags.warning(v.at(c, i), "(" + name + ") unknown option '" + o + "' for ip address " + spec
                            + "; ignored (as keepalived does)" + Values.slashHint(o));
                    break; // keepalived stops reading the line here
                }
            }
            if (opts.containsKey("scope") && !Set.of("site", "link", "host", "nowhere", "global").contains(opts.get("scope"))
                    && !opts.get("scope").matches("\\d+")) {
                diags.warning(c.where(), "(" + name + ") scope '" + opts.get("scope")
                        + "' is not valid: site|link|host|nowhere|global or a number; ignored");
                opts.remove("scope");
            }
            out.add(new VirtualIp(addr, len, v6, Optional.ofNullable(opts.get("brd")), Optional.ofNullable(opts.get("dev")),
                    Optional.ofNullable(opts.get("scope")), Optional.ofNullable(opts.get("label")),
                    Optional.ofNullable(opts.get("peer")), others, c.where()));
        }
        return out;
    }
}
