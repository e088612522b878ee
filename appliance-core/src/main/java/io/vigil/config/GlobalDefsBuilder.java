package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code global_defs} (all of them, in order: keepalived merges repeated blocks). */
final class GlobalDefsBuilder extends BlockBuilder {
    static final String MAIL = "smtp_alert mails on VRRP transitions, worded as keepalived's";
    static final String CHECKER_MAIL = "mails on checker changes and quorum changes, worded as keepalived's; default: "
            + "smtp_alert_checker, else global smtp_alert, else ";
    static final String FIFO_READER = "started on its FIFO with the FIFO's name as last argument (own user/group, "
            + "else script_user); signalled before the new one starts at a reload, stopped when the FIFO closes at stop; its end journaled";
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
    private boolean scriptSecurity, strict, skipCheckAdv, checkUnicastSrc, nftCounters;
    private Optional<String> nftTable = Optional.empty();
    private int nftPriority = NfTables.DEFAULT_PRIORITY;

    /**
     * The keyword table, built on first use: a file without global_defs spins none of its ~70 handlers (a lambda
     * class each, ~85 ms of a loaded box's start-up).
     */
    static KeywordTable<GlobalDefsBuilder> table() { return Keywords.TABLE; }

    private static final class Keywords {
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
                    + "smtp_alert_vrrp), and of virtual and real servers (after smtp_alert_checker)", "smtpAlert", (b, c) -> b.smtpAlert = b.v.bool(c))
            .acted("smtp_alert_vrrp", "as smtp_alert, for VRRP instances and sync groups; wins over smtp_alert", "",
                    (b, c) -> b.v.bool(c))
            .acted("no_email_faults", "no smtp_alert mail for FAULT (instances and sync groups), as keepalived", "",
                    (b, c) -> b.v.flag(c))
            .acted("smtp_alert_checker", "as smtp_alert, for virtual and real servers; wins over smtp_alert (real "
                    + "servers default to on, virtual servers to off, as keepalived)", "", (b, c) -> b.v.bool(c))
            .acted("no_checker_emails", "a checker's change mails only when it takes its real server up or down",
                    "", (b, c) -> b.v.bool(c))
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
            .acted("vrrp_mcast_group4", "default group of every multicast instance without `mcast_dst_ip`: adverts go "
                    + "there and it is joined; a non-multicast address is warned about and skipped, as keepalived",
                    "vrrpMcastGroup4", (b, c) -> b.mcast4 = b.v.string(c).filter(a -> b.checkIp(c, a, false))
                            .filter(a -> b.checkMulticast(c, a)))
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
            .acted("vrrp_strict", "strict mode of every instance without its own strict_mode: what keepalived 2.2.7 "
                    + "refuses (no VIP, unicast peers) is an error, what it resets (authentication, state MASTER below "
                    + "priority 255, preempt_delay, accept under VRRPv2) a warning; no_accept becomes the default",
                    "vrrpStrict", (b, c) -> { b.v.flag(c); b.strict = true; })
            .notActed("vrrp_skip_check_adv_addr", "a note: Vigil checks the address list of every advert, stricter than "
                    + "keepalived", "vrrpSkipCheckAdvAddr", (b, c) -> b.skipCheckAdv = b.v.bool(c).orElse(b.skipCheckAdv),
                    (b, c) -> List.of(note(c, "vrrp_skip_check_adv_addr is not acted on: Vigil checks"
                            + " the address list of every advert (stricter than keepalived)")))
            .acted("vrrp_check_unicast_src", "as `check_unicast_src` in every instance with unicast peers",
                    "vrrpCheckUnicastSrc", (b, c) -> { b.v.flag(c); b.checkUnicastSrc = true; })
            .acted("lvs_sync_daemon", "the kernel's IPVS sync daemon over generic netlink, as keepalived: backup while the "
                    + "named vrrp_instance is not MASTER, master while it is (without an instance both); `id` (default the "
                    + "instance's virtual_router_id), `maxlen`, `port`, `ttl`, `group`; each start/stop journaled with the "
                    + "VRRP transition as cause (docs/ipvs.md)", "lvsSyncDaemon", (b, c) -> {
                if (c.args().isEmpty()) b.v.string(c); else b.lvsSync = Optional.of(String.join(" ", c.args()));
                b.lvsProblems(c, LvsArgs.syncDaemon(c.args()).problems());
            })
            .unsupported("lvs_id", "a keepalived 1.x keyword that keepalived 2.x rejects: warned about, stored",
                    "lvsId", (b, c) -> {
                        b.diags.warning(c.where(), "lvs_id is a keepalived 1.x keyword that keepalived 2.x rejects; "
                                + "use router_id");
                        b.lvsId = b.v.string(c);
                    })
            .acted("notify_fifo", "one line per state change, `INSTANCE \"VI_1\" MASTER 100`, and the lvs_notify_fifo "
                    + "lines", "", (b, c) -> { })
            .acted("vrrp_notify_fifo", "one line per state change, `INSTANCE \"VI_1\" MASTER 100`", "", (b, c) -> { })
            .acted("notify_fifo_script", FIFO_READER, "", (b, c) -> { })
            .acted("vrrp_notify_fifo_script", FIFO_READER, "", (b, c) -> { })
            .acted("lvs_notify_fifo", "one line per real-server or quorum change, `RS [198.51.100.1]:tcp:80 "
                    + "[192.0.2.1]:tcp:80 UP`, `VS [192.0.2.1]:tcp:80 DOWN` (notify_fifo gets them too)", "", (b, c) -> { })
            .acted("lvs_notify_fifo_script", FIFO_READER, "", (b, c) -> { })
            .acted("vrrp_iptables", "as `nftables` (table keepalived), with keepalived 2.2.7's warning: Debian builds it "
                    + "without iptables", "nftables", (b, c) -> {
                b.diags.warning(c.where(), "iptables not supported, using nftables instead (table keepalived), as "
                        + "keepalived 2.2.7 built without iptables; replace vrrp_iptables with nftables");
                b.nftTable = Optional.of(NfTables.DEFAULT_TABLE);
                b.nftPriority = NfTables.DEFAULT_PRIORITY;
            })
            .notActed("vrrp_ipsets", "Vigil creates no ipsets (nftables sets instead, see `nftables`)", "", (b, c) -> { })
            .acted("nftables", "table of the drop rules for the VIPs of no_accept instances (default `keepalived`); "
                    + "without it, that table is used anyway when an instance is no_accept, as keepalived", "nftables",
                    GlobalDefsBuilder::nftables)
            .acted("nftables_priority", "priority of the input/output chains (default -1); reset by a later `nftables`",
                    "nftables", (b, c) -> {
                if (c.args().isEmpty()) { b.v.string(c); return; }
                b.v.extraArgs(c, 1);
                try {
                    b.nftPriority = Integer.parseInt(c.args().getFirst());
                } catch (NumberFormatException e) {
                    b.diags.warning(b.v.at(c, 0), "invalid nftables chain priority '" + c.args().getFirst() + "'; ignored");
                }
            })
            .acted("nftables_counters", "a counter on each drop rule", "nftables", (b, c) -> { b.v.flag(c); b.nftCounters = true; })
            .noEffectAll("keepalived uses it for IPv6 link-local VIPs only, which Vigil does not run", "nftables_ifindex")
            .notActedAll("Vigil installs no nftables rules for IPVS", "nftables_ipvs")
            .noEffectAll("options of nftables_ipvs, which is warned about", "nftables_ipvs_priority",
                    "nftables_ipvs_start_fwmark")
            .noEffectAll(ONE_PROCESS, "process_names", "process_name", "vrrp_process_name", "checker_process_name",
                    "child_wait_time", "tmp_config_directory", "use_pid_dir", "instance", "data_use_instance")
            .noEffectAll(NO_BFD, "bfd_process_name", "bfd_priority", "bfd_no_swap", "bfd_cpu_affinity", "bfd_rt_priority",
                    "bfd_rlimit_rttime")
            .acted("vrrp_priority", "nice value (-20..19) of the VRRP threads (vrrp, receive, vrrp-io)", "scheduling",
                    (b, c) -> b.nice(c, true))
            .acted("checker_priority", "nice value (-20..19) of the checker threads (Vert.x event loops, vigil-ipvs)",
                    "scheduling", (b, c) -> b.nice(c, false))
            .acted("vrrp_rt_priority", "SCHED_RR priority (1..99) of the VRRP threads instead of Vigil's default 10",
                    "scheduling", (b, c) -> b.rt(c, true))
            .acted("checker_rt_priority", "SCHED_RR priority (1..99) of the checker threads", "scheduling",
                    (b, c) -> b.rt(c, false))
            .acted("vrrp_rlimit_rttime", "RLIMIT_RTTIME of the process in µs (soft half of it: a warning on SIGXCPU), "
                    + "set when written; keepalived also sets 10000 by default with real-time priority", "scheduling",
                    (b, c) -> b.rlimit(c, true))
            .acted("checker_rlimit_rttime", "as vrrp_rlimit_rttime (one limit per process: the larger is set)",
                    "scheduling", (b, c) -> b.rlimit(c, false))
            .acted("vrrp_rlimit_rtime", "deprecated spelling of vrrp_rlimit_rttime (a note), as keepalived", "scheduling",
                    (b, c) -> { b.deprecatedRtime(c); b.rlimit(c, true); })
            .acted("checker_rlimit_rtime", "deprecated spelling of checker_rlimit_rttime (a note), as keepalived",
                    "scheduling", (b, c) -> { b.deprecatedRtime(c); b.rlimit(c, false); })
            .acted("vrrp_no_swap", "mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT) of the process, as keepalived",
                    "scheduling", (b, c) -> { b.v.flag(c); b.vrrpTune = b.vrrpTune.with(null, null, null, true, null); })
            .acted("checker_no_swap", "as vrrp_no_swap (one process)", "scheduling",
                    (b, c) -> { b.v.flag(c); b.checkerTune = b.checkerTune.with(null, null, null, true, null); })
            .acted("vrrp_cpu_affinity", "CPUs of the VRRP threads (sched_setaffinity)", "scheduling",
                    (b, c) -> b.cpus(c, true))
            .acted("checker_cpu_affinity", "CPUs of the checker threads", "scheduling", (b, c) -> b.cpus(c, false))
            .acted("max_auto_priority", "the vrrp thread found a timer later than min_auto_priority_delay raises its "
                    + "SCHED_RR priority by one, up to this (no value: 99; 0 or -1: off)", "scheduling", (b, c) -> {
                if (c.args().isEmpty()) { b.maxAuto = 99; return; }
                b.maxAuto = b.v.int32(c, -1, 99, "max_auto_priority stays off").map(i -> Math.max(0, i)).orElse(b.maxAuto);
            })
            .acted("min_auto_priority_delay", "µs (1..10000000, default 1000000) a timer may be late before "
                    + "max_auto_priority acts", "scheduling", (b, c) -> b.minAutoDelay = b.v.int32(c, 1, 10_000_000,
                    "using 1000000").map(Integer::longValue).orElse(b.minAutoDelay))
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
            .acted("vrrp_garp_extra_if", "`[all] SECONDS` (1..86400): default of every instance's garp_extra_if", "",
                    (b, c) -> GarpExtraIf.parse(c, 1, b.diags::warning))
            .acted("vrrp_garp_lower_prio_delay", "default of every instance's garp_lower_prio_delay (whole seconds); "
                    + "unset: vrrp_garp_master_delay, as keepalived", "", (b, c) -> AdvertSettings.seconds(b.v, c))
            .acted("vrrp_garp_lower_prio_repeat", "default of every instance's garp_lower_prio_repeat; unset: "
                    + "vrrp_garp_master_repeat, as keepalived", "", (b, c) -> b.v.int32(c, 0, Integer.MAX_VALUE, "using default"))
            .acted("vrrp_min_garp", "as keepalived: vrrp_garp_master_repeat 1 and vrrp_garp_master_delay 0 unless set "
                    + "before it (so the lower-priority GARPs follow: 1, no delay)", "vrrpGarpMasterRepeat, vrrpGarpMasterDelay",
                    (b, c) -> {
                        if (!b.v.bool(c).orElse(false)) return;
                        if (b.garpRepeat == 5) b.garpRepeat = 1;
                        if (b.garpDelay.equals(Duration.ofSeconds(5))) b.garpDelay = Duration.ZERO;
                    })
            .noEffectAll("the interval between IPv6 neighbour advertisements; Vigil does VRRP over IPv4 only",
                    "vrrp_gna_interval")
            .acted("vrrp_down_timer_adverts", "default of every instance's down_timer_adverts", "",
                    (b, c) -> b.v.int32(c, 1, 100, "using 3"))
            .acted("vrrp_lower_prio_no_advert", "default of every instance's lower_prio_no_advert", "", (b, c) -> b.v.bool(c))
            .acted("vrrp_higher_prio_send_advert", "default of every instance's higher_prio_send_advert", "",
                    (b, c) -> b.v.bool(c))
            .acted("lvs_timeouts", "IPVS_CMD_SET_CONFIG at start and reload; the kernel's values are put back at stop "
                    + "(and when a reload drops the keyword)", "", (b, c) -> b.lvsProblems(c, LvsArgs.timeouts(c.args()).problems()))
            .acted("lvs_flush", "the whole IPVS table is flushed at start-up (not on reload)", "", KeywordTable.keepNode())
            .acted("lvs_flush_on_stop", "at stop: no argument flushes the whole table, `VS` deletes the configured "
                    + "services; without it Vigil leaves its services in the kernel (keepalived would delete them)", "",
                    (b, c) -> b.lvsProblems(c, LvsArgs.flushOnStop(c.args()).problems()))
            .acted("lvs_flush_onstop", "the older spelling of `lvs_flush_on_stop`", "",
                    (b, c) -> b.lvsProblems(c, LvsArgs.flushOnStop(c.args()).problems()))
            .acted("vrrp_notify_priority_changes", "default of every instance's notify_priority_changes", "",
                    (b, c) -> b.v.bool(c))
            .acted("fifo_write_vrrp_states_on_reload", "after a reload, the FIFOs get the state of each sync group and "
                    + "each BACKUP/FAULT instance the reload did not move, as keepalived", "", (b, c) -> b.v.flag(c))
            .acted("rs_init_notifies", "notify_up (and the LVS fifo line) for each real server that starts alive, as "
                    + "keepalived", "", (b, c) -> b.v.flag(c))
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
    }

    /** What keepalived reports about an IPVS-wide statement (LvsArgs), as warnings: the statement's bad parts are ignored. */
    private void lvsProblems(ConfigNode c, List<String> problems) {
        for (String p : problems) diags.warning(c.where(), p);
    }

    private Tune vrrpTune = new Tune(), checkerTune = new Tune();
    private int maxAuto;
    private long minAutoDelay = Scheduling.DEFAULT_MIN_AUTO_DELAY_US;

    /** A Scheduling.Tuning being built (null in {@code with} keeps a value). */
    private record Tune(int nice, int rt, long rlimit, boolean noSwap, List<Integer> cpus) {
        Tune() { this(0, 0, 0, false, List.of()); }
        Tune with(Integer n, Integer r, Long l, Boolean s, List<Integer> c) {
            return new Tune(n == null ? nice : n, r == null ? rt : r, l == null ? rlimit : l, s == null ? noSwap : s,
                    c == null ? cpus : c);
        }
        Scheduling.Tuning build() { return new Scheduling.Tuning(nice, rt, rlimit, noSwap, cpus); }
    }

    private void tune(boolean vrrp, Tune t) { if (vrrp) vrrpTune = t; else checkerTune = t; }
    private Tune tune(boolean vrrp) { return vrrp ? vrrpTune : checkerTune; }

    private void nice(ConfigNode c, boolean vrrp) {
        v.int32(c, -20, 19, "ignored").ifPresent(n -> tune(vrrp, tune(vrrp).with(n, null, null, null, null)));
    }

    /** keepalived clamps an out-of-range real-time priority to 1..99 with a message. */
    private void rt(ConfigNode c, boolean vrrp) {
        if (c.args().isEmpty()) { v.string(c); return; }
        v.extraArgs(c, 1);
        int p;
        try {
            p = Integer.parseInt(c.args().getFirst());
        } catch (NumberFormatException e) {
            diags.warning(v.at(c, 0), c.keyword() + " '" + c.args().getFirst() + "' is not a number; ignored");
            return;
        }
        if (p < 1 || p > 99) {
            diags.warning(v.at(c, 0), c.keyword() + " " + p + " is outside 1..99; using " + (p < 1 ? 1 : 99) + " (as keepalived)");
            p = p < 1 ? 1 : 99;
        }
        tune(vrrp, tune(vrrp).with(null, p, null, null, null));
    }

    private void rlimit(ConfigNode c, boolean vrrp) {
        if (c.args().isEmpty()) { v.string(c); return; }
        v.extraArgs(c, 1);
        try {
            long l = Long.parseLong(c.args().getFirst());
            if (l < 1 || l > 0xffff_ffffL) throw new NumberFormatException();
            tune(vrrp, tune(vrrp).with(null, null, Math.max(2, l), null, null)); // keepalived: 1 becomes 2 (halved for the soft limit)
        } catch (NumberFormatException e) {
            diags.warning(v.at(c, 0), "invalid " + c.keyword() + " '" + c.args().getFirst() + "' (1..4294967295 µs); ignored");
        }
    }

    private void deprecatedRtime(ConfigNode c) {
        diags.info(c.where(), "Keyword '" + c.keyword() + "' is deprecated - please use '" + c.keyword().replace("rtime", "rttime") + "'");
    }

    private void cpus(ConfigNode c, boolean vrrp) {
        if (c.args().isEmpty()) { v.string(c); return; }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < c.args().size(); i++) {
            try {
                int cpu = Integer.parseInt(c.args().get(i));
                if (cpu < 0 || cpu > 1023) throw new NumberFormatException();
                out.add(cpu);
            } catch (NumberFormatException e) {
                diags.warning(v.at(c, i), "invalid cpu_id '" + c.args().get(i) + "' in " + c.keyword()
                        + "; the affinity is not set (as keepalived)");
                return;
            }
        }
        tune(vrrp, tune(vrrp).with(null, null, null, null, out));
    }

    /** keepalived: the first {@code nftables} wins; it also resets the chain priority to -1. */
    private static void nftables(GlobalDefsBuilder b, ConfigNode c) {
        b.v.extraArgs(c, 1);
        if (b.nftTable.isPresent()) {
            b.diags.warning(c.where(), "nftables already specified; ignored (as keepalived)");
            return;
        }
        String name = c.args().isEmpty() ? NfTables.DEFAULT_TABLE : c.args().getFirst();
        if (name.length() >= NfTables.MAX_NAME) {
            b.diags.warning(c.where(), "nftables table name too long; ignored (as keepalived)");
            return;
        }
        b.nftTable = Optional.of(name);
        b.nftPriority = NfTables.DEFAULT_PRIORITY;
    }

    GlobalDefsBuilder(Ctx cx) { super(cx); }

    GlobalDefs build(List<ConfigNode> nodes) {
        var kids = new ArrayList<ConfigNode>();
        for (ConfigNode g : nodes) {
            if (!g.args().isEmpty()) v.extraArgs(g, 0);
            kids.addAll(g.children());
            for (ConfigNode c : g.children()) dispatch(table(), this, c, "in global_defs");
        }
        flush();
        SourceLocation where = nodes.isEmpty() ? SourceLocation.NONE : nodes.getFirst().where();
        ConfigNode node = nodes.isEmpty() ? GlobalDefs.EMPTY_NODE
                : nodes.size() == 1 ? nodes.getFirst() : new ConfigNode("global_defs", List.of(), kids, where);
        return new GlobalDefs(routerId, emails, emailFrom, smtpServer, smtpPort, helo, smtpTimeout, smtpAlert, version,
                garpDelay, garpRepeat, garpRefresh, garpRefreshRepeat, garpInterval, mcast4, mcast6, scriptUser, scriptGroup,
                scriptSecurity, strict, skipCheckAdv, checkUnicastSrc, lvsId, lvsSync, where, node,
                new NfTables(nftTable, nftPriority, nftCounters),
                new Scheduling(vrrpTune.build(), checkerTune.build(), maxAuto, minAutoDelay));
    }

    private boolean checkMulticast(ConfigNode c, String a) {
        if (AdvertSettings.isMulticast(a)) return true;
        diags.warning(c.where(), c.keyword() + " " + a + " is not multicast; skipped (as keepalived)");
        return false;
    }

    private boolean checkIp(ConfigNode c, String a, boolean v6) {
        if (v6 ? Values.isIpv6(a) : Values.isIpv4(a)) return true;
        diags.warning(c.where(), c.keyword() + " '" + a + "' is not an IPv" + (v6 ? "6" : "4") + " address; ignored");
        return false;
    }
}
