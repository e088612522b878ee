package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code global_defs} (all of them, in order: keepalived merges repeated blocks). */
final class GlobalDefsBuilder extends BlockBuilder {
    static final String NO_FIREWALL = "Vigil installs no iptables/nftables rules: traffic to the VIPs is"
            + " accepted in every state; filter on the host if you rely on it";
    static final String MAIL = "smtp_alert mails on VRRP transitions, worded as keepalived's";
    static final String NO_CHECKER_MAIL = "Vigil mails VRRP transitions only; checker (real server) mails are not sent";
    static final String ONE_PROCESS = "keepalived's parent/child process plumbing; Vigil is one process";
    static final String SOCKET_BUFFERS = "buffer sizes of keepalived's own netlink and VRRP sockets; Vigil sizes its own";
    static final String LINK_POLLING = "how keepalived detects link changes (polling instead of netlink); Vigil uses netlink";
    static final String NO_BFD = "there is no BFD process: bfd_instance is not acted on (and warned about)";

    private Optional<String> routerId = Optional.empty(), emailFrom = Optional.empty(), smtpServer = Optional.empty(),
            helo = Optional.empty(), mcast4 = Optional.empty(), mcast6 = Optional.empty(), scriptUser = Optional.empty(),
            scriptGroup = Optional.empty(), lvsId = Optional.empty(), lvsSync = Optional.empty();
    private Optional<Integer> smtpPort = Optional.empty();
    private Optional<Boolean> smtpAlert = Optional.empty();
    private final List<String> emails = new ArrayList<>();
    private Duration smtpTimeout = Duration.ofSeconds(30), garpDelay = Duration.ofSeconds(5), garpRefresh = Duration.ZERO,
            garpInterval = Duration.ZERO;
    private int version = 2, garpRepeat = 5, garpRefreshRepeat = 1;
    private boolean scriptSecurity, strict, skipCheckAdv, checkUnicastSrc;

    static final KeywordTable<GlobalDefsBuilder> TABLE = new KeywordTable<GlobalDefsBuilder>("global_defs")
            .acted("router_id", "node id in journal entries unless `vigil run --node-id`", "routerId",
                    (b, c) -> b.routerId = b.v.string(c))
            .acted("notification_email", MAIL + "; the recipients", "notificationEmail", (b, c) -> {
                b.emails.addAll(words(c));
                b.emails.addAll(c.args());
            })
            .acted("notification_email_from", "sender of smtp_alert mails; default root@HOSTNAME, as keepalived",
                    "notificationEmailFrom", (b, c) -> b.emailFrom = b.v.string(c))
            .acted("smtp_server", "where smtp_alert mails go (port default 25); plain SMTP, no TLS or AUTH, as keepalived",
                    "smtpServer, smtpPort", (b, c) -> {
                if (c.args().isEmpty()) { b.v.string(c); return; }
                b.v.extraArgs(c, 2);
                b.smtpServer = Optional.of(c.args().getFirst());
                b.smtpPort = b.v.port(c, 1);
            })
            .acted("smtp_helo_name", "HELO of smtp_alert mails; default the hostname", "smtpHeloName", (b, c) -> b.helo = b.v.string(c))
            .acted("smtp_connect_timeout", "bounds the connect and each SMTP reply", "smtpConnectTimeout",
                    (b, c) -> b.smtpTimeout = b.v.timer(c, 1, 3600, "using 30").orElse(b.smtpTimeout))
            .acted("smtp_alert", "default of every instance and sync group without its own smtp_alert (after "
                    + "smtp_alert_vrrp); off when unset", "smtpAlert", (b, c) -> b.smtpAlert = b.v.bool(c))
            .acted("smtp_alert_vrrp", "as smtp_alert, for VRRP instances and sync groups; wins over smtp_alert", "",
                    (b, c) -> b.v.bool(c))
            .acted("no_email_faults", "no smtp_alert mail for FAULT (instances and sync groups), as keepalived", "",
                    (b, c) -> b.v.flag(c))
            .notActedAll(NO_CHECKER_MAIL, "smtp_alert_checker")
            .noEffectAll("it only holds back checker mails, and Vigil sends none (smtp_alert_checker is warned about)",
                    "no_checker_emails")
            .acted("vrrp_version", "default for every instance", "vrrpVersion",
                    (b, c) -> b.version = b.v.int32(c, 2, 3, "using 2").orElse(b.version))
            .acted("vrrp_garp_master_delay", "default for every instance", "vrrpGarpMasterDelay",
                    (b, c) -> b.garpDelay = b.v.timer(c, 0, 255, "using 5").orElse(b.garpDelay))
            .acted("vrrp_garp_master_repeat", "default for every instance", "vrrpGarpMasterRepeat",
                    (b, c) -> b.garpRepeat = b.v.int32(c, 1, 255, "using 5").orElse(b.garpRepeat))
            .acted("vrrp_garp_master_refresh", "default for every instance", "vrrpGarpMasterRefresh",
                    (b, c) -> b.garpRefresh = b.v.timer(c, 0, 86400, "refresh stays off").orElse(b.garpRefresh))
            .acted("vrrp_garp_master_refresh_repeat", "default for every instance", "vrrpGarpMasterRefreshRepeat",
                    (b, c) -> b.garpRefreshRepeat = b.v.int32(c, 1, 255, "using 1").orElse(b.garpRefreshRepeat))
            .acted("vrrp_garp_interval", "gap between the GARPs of one burst", "vrrpGarpInterval",
                    (b, c) -> b.garpInterval = b.v.timer(c, 0, 1, "using 0").orElse(b.garpInterval))
            .notActed("vrrp_mcast_group4", "Vigil sends and listens on 224.0.0.18 only; warned unless it is 224.0.0.18",
                    "vrrpMcastGroup4", (b, c) -> b.mcast4 = b.v.string(c).filter(a -> b.checkIp(c, a, false)),
                    (b, c) -> !c.args().isEmpty() && !c.args().getFirst().equals("224.0.0.18")
                            ? List.of(warn(c, "vrrp_mcast_group4 is not acted on: Vigil sends and listens on 224.0.0.18 only"))
                            : List.of())
            .notActed("vrrp_mcast_group6", "IPv4 VRRP only", "vrrpMcastGroup6",
                    (b, c) -> b.mcast6 = b.v.string(c).filter(a -> b.checkIp(c, a, true)))
            .acted("script_user", "notify scripts, vrrp_script and MISC_CHECK without a `user` of its own run via "
                    + "`runuser -u USER [-g GROUP]`", "scriptUser, scriptGroup", (b, c) -> {
                if (c.args().isEmpty()) { b.v.string(c); return; }
                b.v.extraArgs(c, 2);
                b.scriptUser = Optional.of(c.args().get(0));
                b.scriptGroup = c.args().size() > 1 ? Optional.of(c.args().get(1)) : Optional.empty();
            })
            .acted("enable_script_security", "a script that would run as root and that a non-root user can modify — the "
                    + "file or a directory above it — is refused, as keepalived; applies to notify scripts and vrrp_script; "
                    + "a MISC_CHECK without its own `user` gets a warning that it is not checked; exit code 6 is not produced",
                    "enableScriptSecurity", (b, c) -> { b.v.flag(c); b.scriptSecurity = true; })
            .notActed("vrrp_strict", "no strict RFC checks and no firewall rules for the VIPs", "vrrpStrict",
                    (b, c) -> { b.v.flag(c); b.strict = true; },
                    (b, c) -> List.of(warn(c, "vrrp_strict is not acted on: no strict RFC checks, and " + NO_FIREWALL)))
            .notActed("vrrp_skip_check_adv_addr", "a note: Vigil checks the address list of every advert, stricter than "
                    + "keepalived", "vrrpSkipCheckAdvAddr", (b, c) -> b.skipCheckAdv = b.v.bool(c).orElse(b.skipCheckAdv),
                    (b, c) -> List.of(note(c, "vrrp_skip_check_adv_addr is not acted on: Vigil checks"
                            + " the address list of every advert (stricter than keepalived)")))
            .acted("vrrp_check_unicast_src", "as `check_unicast_src` in every instance with unicast peers",
                    "vrrpCheckUnicastSrc", (b, c) -> { b.v.flag(c); b.checkUnicastSrc = true; })
            .notActed("lvs_sync_daemon", "Vigil starts no IPVS connection sync daemon", "lvsSyncDaemon", (b, c) -> {
                if (c.args().isEmpty()) b.v.string(c); else b.lvsSync = Optional.of(String.join(" ", c.args()));
            })
            .unsupported("lvs_id", "a keepalived 1.x keyword that keepalived 2.x rejects: warned about, stored",
                    "lvsId", (b, c) -> {
                        b.diags.warning(c.where(), "lvs_id is a keepalived 1.x keyword that keepalived 2.x rejects; "
                                + "use router_id");
                        b.lvsId = b.v.string(c);
                    })
            .acted("notify_fifo", "one line per state change, `INSTANCE \"VI_1\" MASTER 100`", "", (b, c) -> { })
            .acted("vrrp_notify_fifo", "one line per state change, `INSTANCE \"VI_1\" MASTER 100`", "", (b, c) -> { })
            .notActedAll("the fifo is written, no script is started to read it", "notify_fifo_script", "vrrp_notify_fifo_script")
            .notActedAll("Vigil writes no LVS fifo", "lvs_notify_fifo", "lvs_notify_fifo_script")
            .notActed("vrrp_iptables", "Vigil installs no iptables/nftables rules", "", (b, c) -> { }, GlobalDefsBuilder::noFirewall)
            .notActed("vrrp_ipsets", "Vigil installs no iptables/nftables rules", "", (b, c) -> { }, GlobalDefsBuilder::noFirewall)
            .notActed("nftables", "Vigil installs no iptables/nftables rules", "", (b, c) -> { }, GlobalDefsBuilder::noFirewall)
            .noEffectAll("options of nftables, which is warned about", "nftables_counters", "nftables_ifindex",
                    "nftables_priority")
            .notActedAll("Vigil installs no nftables rules for IPVS", "nftables_ipvs")
            .noEffectAll("options of nftables_ipvs, which is warned about", "nftables_ipvs_priority",
                    "nftables_ipvs_start_fwmark")
            .noEffectAll(ONE_PROCESS, "process_names", "process_name", "vrrp_process_name", "checker_process_name",
                    "child_wait_time", "tmp_config_directory", "use_pid_dir", "instance", "data_use_instance")
            .noEffectAll(NO_BFD, "bfd_process_name", "bfd_priority", "bfd_no_swap", "bfd_cpu_affinity", "bfd_rt_priority",
                    "bfd_rlimit_rttime")
            .notActedAll("Vigil does not change its scheduling or memory locking", "vrrp_priority", "checker_priority",
                    "vrrp_no_swap", "checker_no_swap", "vrrp_cpu_affinity", "checker_cpu_affinity", "vrrp_rt_priority",
                    "checker_rt_priority", "vrrp_rlimit_rttime", "checker_rlimit_rttime", "max_auto_priority",
                    "min_auto_priority_delay")
            .noEffectAll(SOCKET_BUFFERS, "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
                    "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs",
                    "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force",
                    "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force", "vrrp_rx_bufs_policy",
                    "vrrp_rx_bufs_multiplier")
            .noEffectAll(LINK_POLLING, "linkbeat_use_polling")
            .noEffectAll("the seed of keepalived's own random numbers (for its tests)", "random_seed")
            .noEffectAll("Vigil journals every check result", "checker_log_all_failures")
            .noEffectAll("Vigil creates no ipsets (vrrp_ipsets is warned about)", "namespace_with_ipsets")
            .acted("startup_script", "run and waited for before VRRP starts, as keepalived (as written, as script_user)", "",
                    (b, c) -> b.script(c))
            .acted("startup_script_timeout", "default 10 s; the script and its children are killed after it", "",
                    (b, c) -> b.v.timer(c, 1, 1000, "using 10"))
            .acted("shutdown_script", "run and waited for after VRRP stopped (VIPs released), as keepalived", "",
                    (b, c) -> b.script(c))
            .acted("shutdown_script_timeout", "default 10 s; the script and its children are killed after it", "",
                    (b, c) -> b.v.timer(c, 1, 1000, "using 10"))
            .notActedAll("Vigil has no SNMP agent", "snmp_socket", "enable_snmp_vrrp", "enable_snmp_checker",
                    "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_traps")
            .notActedAll("Vigil has no D-Bus interface", "enable_dbus", "dbus_service_name")
            .notActedAll("Vigil does not change network namespace", "net_namespace", "net_namespace_ipvs")
            .notActedAll("Vigil's GARPs follow vrrp_garp_master_* and vrrp_garp_interval only",
                    "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat", "vrrp_gna_interval", "vrrp_min_garp")
            .acted("vrrp_garp_extra_if", "`[all] SECONDS` (1..86400): default of every instance's garp_extra_if", "",
                    (b, c) -> GarpExtraIf.parse(c, 1, b.diags::warning))
            .notActedAll("Vigil's adverts and master-down timer are the RFC's", "vrrp_down_timer_adverts",
                    "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert")
            .notActedAll("Vigil sets no IPVS timeouts and does not flush the IPVS table", "lvs_timeouts", "lvs_flush",
                    "lvs_flush_on_stop")
            .acted("vrrp_notify_priority_changes", "default of every instance's notify_priority_changes", "",
                    (b, c) -> b.v.bool(c))
            .notActedAll("Vigil sends no such notification", "fifo_write_vrrp_states_on_reload", "rs_init_notifies")
            .acted("vmac_prefix", "prefix of the VMAC names use_vmac makes up (default `vrrp`: vrrp.VRID)", "",
                    (b, c) -> b.v.string(c))
            .noEffectAll("use_vmac_addr, whose VMAC names it prefixes, is warned about", "vmac_addr_prefix")
            .notActedAll("Vigil reloads on SIGHUP only; these reload options are not applied", "reload_check_config",
                    "include_check", "reload_time_file", "reload_repeat", "reload_file", "config_save_dir")
            .notActedAll("not applied", "default_interface", "disable_local_igmp", "dynamic_interfaces", "umask",
                    "log_unknown_vrids")
            .acted("vrrp_startup_delay", "the instances start that long after VRRP starts (at start-up only, not on "
                    + "reload); their initial BACKUP comes after the delay too", "",
                    (b, c) -> b.v.timer(c, 0, 3600, "no delay"));

    private static List<Diagnostic> noFirewall(GlobalDefsBuilder b, ConfigNode c) {
        return List.of(warn(c, c.keyword() + " is not acted on: " + NO_FIREWALL));
    }

    GlobalDefsBuilder(Ctx cx) { super(cx); }

    GlobalDefs build(List<ConfigNode> nodes) {
        var kids = new ArrayList<ConfigNode>();
        for (ConfigNode g : nodes) {
            if (!g.args().isEmpty()) v.extraArgs(g, 0);
            kids.addAll(g.children());
            for (ConfigNode c : g.children()) dispatch(TABLE, this, c, "in global_defs");
        }
        flush();
        SourceLocation where = nodes.isEmpty() ? SourceLocation.NONE : nodes.getFirst().where();
        ConfigNode node = nodes.isEmpty() ? GlobalDefs.EMPTY_NODE
                : nodes.size() == 1 ? nodes.getFirst() : new ConfigNode("global_defs", List.of(), kids, where);
        return new GlobalDefs(routerId, emails, emailFrom, smtpServer, smtpPort, helo, smtpTimeout, smtpAlert, version,
                garpDelay, garpRepeat, garpRefresh, garpRefreshRepeat, garpInterval, mcast4, mcast6, scriptUser, scriptGroup,
                scriptSecurity, strict, skipCheckAdv, checkUnicastSrc, lvsId, lvsSync, where, node);
    }

    private boolean checkIp(ConfigNode c, String a, boolean v6) {
        if (v6 ? Values.isIpv6(a) : Values.isIpv4(a)) return true;
        diags.warning(c.where(), c.keyword() + " '" + a + "' is not an IPv" + (v6 ? "6" : "4") + " address; ignored");
        return false;
    }
}
