package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every keyword keepalived 2.2 accepts, per block, from keepalived.conf(5). Keywords Vigil models are handled
 * by {@link ModelBuilder} explicitly; the rest of these are "parsed only": accepted without a warning and kept in
 * the block's {@link io.vigil.check.api.ConfigNode}. Anything not listed is an unknown keyword (warning).
 */
final class Keywords {
    private Keywords() {}

    static final Set<String> TOP = Set.of("global_defs", "linkbeat_interfaces", "track_group", "static_ipaddress",
            "static_routes", "static_rules", "track_file", "vrrp_track_file", "vrrp_track_process", "bfd_instance",
            "vrrp_script", "vrrp_sync_group", "garp_group", "vrrp_instance", "virtual_server_group", "virtual_server",
            "SSL", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir",
            "linkbeat_use_polling", "child_wait_time");

    static final Set<String> GLOBAL_DEFS = Set.of("tmp_config_directory", "config_save_dir", "process_names",
            "process_name", "vrrp_process_name", "checker_process_name", "bfd_process_name", "startup_script",
            "startup_script_timeout", "shutdown_script", "shutdown_script_timeout", "notification_email",
            "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout", "smtp_alert",
            "smtp_alert_vrrp", "smtp_alert_checker", "checker_log_all_failures", "no_email_faults", "router_id",
            "vrrp_mcast_group4", "vrrp_mcast_group6", "default_interface", "lvs_sync_daemon", "lvs_timeouts", "lvs_flush",
            "lvs_flush_on_stop", "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_lower_prio_delay",
            "vrrp_down_timer_adverts", "vrrp_garp_lower_prio_repeat", "vrrp_garp_master_refresh",
            "vrrp_garp_master_refresh_repeat", "vrrp_garp_interval", "vrrp_gna_interval", "vrrp_min_garp",
            "vrrp_garp_extra_if", "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert", "vrrp_version", "nftables",
            "nftables_priority", "nftables_counters", "nftables_ifindex", "nftables_ipvs", "nftables_ipvs_priority",
            "nftables_ipvs_start_fwmark", "vrrp_iptables", "vrrp_ipsets", "disable_local_igmp", "vrrp_check_unicast_src",
            "vrrp_skip_check_adv_addr", "vrrp_strict", "vrrp_notify_priority_changes", "max_auto_priority",
            "min_auto_priority_delay", "vrrp_priority", "checker_priority", "bfd_priority", "vrrp_no_swap",
            "checker_no_swap", "bfd_no_swap", "vrrp_cpu_affinity", "checker_cpu_affinity", "bfd_cpu_affinity",
            "vrrp_rt_priority", "checker_rt_priority", "bfd_rt_priority", "vrrp_rlimit_rttime", "checker_rlimit_rttime",
            "bfd_rlimit_rttime", "snmp_socket", "enable_snmp_vrrp", "enable_snmp_checker", "enable_snmp_rfc",
            "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_traps", "enable_dbus", "dbus_service_name", "script_user",
            "enable_script_security", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script",
            "lvs_notify_fifo", "lvs_notify_fifo_script", "fifo_write_vrrp_states_on_reload", "dynamic_interfaces",
            "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
            "vrrp_netlink_monitor_rcv_bufs_force", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
            "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs",
            "process_monitor_rcv_bufs_force", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "rs_init_notifies",
            "no_checker_emails", "umask", "vrrp_startup_delay", "log_unknown_vrids", "vmac_prefix", "vmac_addr_prefix",
            "random_seed", "reload_check_config", "include_check", "reload_time_file", "reload_repeat", "reload_file",
            "data_use_instance", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance",
            "use_pid_dir", "linkbeat_use_polling", "child_wait_time");

    static final Set<String> VRRP_SCRIPT = Set.of("script", "interval", "timeout", "weight", "rise", "fall", "user",
            "init_fail");

    static final Set<String> TRACK_FILE = Set.of("file", "weight", "init_file");

    static final Set<String> SYNC_GROUP = Set.of("group", "track_interface", "track_script", "track_file",
            "track_process", "track_bfd", "notify_master", "notify_backup", "notify_fault", "notify_stop",
            "notify_deleted", "notify", "notify_priority_changes", "smtp_alert", "global_tracking",
            "sync_group_tracking_weight");

    static final Set<String> VRRP_INSTANCE = Set.of("state", "interface", "vrf", "use_vmac", "use_vmac_addr",
            "vmac_xmit_base", "use_ipvlan", "native_ipv6", "dont_track_primary", "track_interface", "track_script",
            "track_file", "track_process", "track_bfd", "mcast_src_ip", "unicast_src_ip", "mcast_dst_ip", "track_src_ip",
            "version", "check_unicast_src", "unicast_peer", "unicast_fault_no_peer", "unicast_ttl",
            "old_unicast_checksum", "garp_master_delay", "garp_master_repeat", "garp_lower_prio_delay",
            "garp_lower_prio_repeat", "garp_master_refresh", "garp_master_refresh_repeat", "garp_extra_if",
            "down_timer_adverts", "lower_prio_no_advert", "higher_prio_send_advert", "virtual_router_id", "priority",
            "advert_int", "authentication", "virtual_ipaddress", "virtual_ipaddress_excluded", "promote_secondaries",
            "virtual_routes", "virtual_rules", "accept", "no_accept", "nopreempt", "preempt", "preempt_delay",
            "skip_check_adv_addr", "strict_mode", "debug", "notify_master", "notify_backup", "notify_fault",
            "notify_stop", "notify_deleted", "notify", "notify_master_rx_lower_pri", "notify_priority_changes",
            "smtp_alert", "kernel_rx_buf_size", "linkbeat_use_polling", "lvs_sync_daemon_interface");

    static final Set<String> AUTHENTICATION = Set.of("auth_type", "auth_pass");

    static final Set<String> VIRTUAL_SERVER = Set.of("lvs_sched", "lb_algo", "flag-1", "flag-2", "flag-3", "sh-port",
            "sh-fallback", "mh-port", "mh-fallback", "ops", "lvs_method", "lb_kind", "persistence_engine",
            "persistence_timeout", "persistence_granularity", "protocol", "ha_suspend", "smtp_alert", "virtualhost",
            "snmp_name", "alpha", "omega", "quorum", "hysteresis", "quorum_up", "quorum_down", "ip_family",
            "sorry_server", "sorry_server_inhibit", "sorry_server_lvs_method", "connect_timeout", "retry",
            "delay_before_retry", "warmup", "delay_loop", "inhibit_on_failure", "real_server");

    static final Set<String> REAL_SERVER = Set.of("weight", "lvs_method", "lb_kind", "notify_up", "notify_down",
            "uthreshold", "lthreshold", "smtp_alert", "virtualhost", "snmp_name", "alpha", "connect_timeout", "retry",
            "delay_before_retry", "warmup", "delay_loop", "inhibit_on_failure");

    /** Options every built-in checker except BFD_CHECK/FILE_CHECK shares (MISC_CHECK: alpha onwards). */
    static final Set<String> CHECKER_COMMON = Set.of("connect_ip", "connect_port", "bindto", "bind_if", "bind_port",
            "fwmark", "alpha", "connect_timeout", "retry", "nb_get_retry", "delay_before_retry", "warmup", "delay_loop",
            "log_all_failures");

    static final Map<String, Set<String>> CHECKER_SPECIFIC = checkers();

    static final Set<String> URL = Set.of("path", "digest", "status_code", "virtualhost", "regex", "regex_no_match",
            "regex_options", "regex_stack", "regex_min_offset", "regex_max_offset");

    private static Map<String, Set<String>> checkers() {
        var m = new LinkedHashMap<String, Set<String>>();
        m.put("HTTP_GET", Set.of("http_protocol", "fast_recovery", "url", "virtualhost"));
        m.put("SSL_GET", Set.of("http_protocol", "fast_recovery", "url", "virtualhost", "enable_sni"));
        m.put("TCP_CHECK", Set.of());
        m.put("SMTP_CHECK", Set.of("helo_name", "host"));
        m.put("DNS_CHECK", Set.of("type", "name"));
        m.put("MISC_CHECK", Set.of("misc_path", "misc_timeout", "misc_dynamic", "user"));
        m.put("BFD_CHECK", Set.of("name", "weight"));
        m.put("UDP_CHECK", Set.of("payload", "require_reply", "min_reply_length", "max_reply_length"));
        m.put("PING_CHECK", Set.of());
        m.put("FILE_CHECK", Set.of("track_file", "dynamic", "weight"));
        return Map.copyOf(m);
    }

    /** Schedulers the Linux IPVS modules provide (lb_algo / lvs_sched). */
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr",
            "sed", "nq", "twos");
}
