package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps the statement tree to the typed model, applying keepalived's defaults, inheritance and value checks.
 * Never throws on bad input: every problem is a {@link Diagnostic} at the statement's location.
 */
final class ModelBuilder {
    static final Set<String> BUILT_IN_CHECKERS = Keywords.CHECKER_SPECIFIC.keySet();

    private final Diagnostics diags;
    private final Values v;
    private final LoadOptions options;

    private final ArgLocations locs;

    ModelBuilder(Diagnostics diags, LoadOptions options, ArgLocations locs) {
        this.diags = diags;
        this.locs = locs;
        this.v = new Values(diags, locs);
        this.options = options;
    }

    KeepalivedConfig build(List<ConfigNode> top, List<String> files, String hash) {
        var globalNodes = new ArrayList<ConfigNode>();
        var scripts = new LinkedHashMap<String, VrrpScript>();
        var trackFiles = new LinkedHashMap<String, VrrpTrackFile>();
        var syncNodes = new ArrayList<ConfigNode>();
        var instanceNodes = new ArrayList<ConfigNode>();
        var groups = new LinkedHashMap<String, VirtualServerGroup>();
        var vsNodes = new ArrayList<ConfigNode>();
        var other = new ArrayList<ConfigNode>();
        for (ConfigNode n : top) {
            switch (n.keyword()) {
                case "global_defs" -> globalNodes.add(n);
                case "vrrp_script" -> named(n).ifPresent(name -> putUnique(scripts, name, vrrpScript(name, n), n));
                case "vrrp_track_file", "track_file" -> {
                    if (n.keyword().equals("vrrp_track_file")) {
                        diags.info(n.where(), "vrrp_track_file is a deprecated synonym of track_file");
                    }
                    named(n).ifPresent(name -> putUnique(trackFiles, name, trackFile(name, n), n));
                }
                case "vrrp_sync_group" -> syncNodes.add(n);
                case "vrrp_instance" -> instanceNodes.add(n);
                case "virtual_server_group" -> named(n).ifPresent(name -> putUnique(groups, name, vsGroup(name, n), n));
                case "virtual_server" -> vsNodes.add(n);
                case "include", "includer", "includem", "includew", "includeb", "includea" -> diags.warning(n.where(),
                        n.keyword() + " after a conditional (@id) or parameter is not followed: keepalived recognises "
                                + "include lines before conditionals and parameters; write it on a line of its own");
                default -> {
                    if (Keywords.TOP.contains(n.keyword())) other.add(n); else unknown(n, "at top level");
                }
            }
        }
        GlobalDefs global = globalDefs(globalNodes);
        var instances = new ArrayList<VrrpInstance>();
        var instanceNames = new HashSet<String>();
        for (ConfigNode n : instanceNodes) {
            Optional<String> name = named(n);
            if (name.isEmpty()) continue;
            if (!instanceNames.add(name.get())) {
                diags.error(n.where(), "vrrp_instance " + name.get() + " is defined twice; this one is ignored");
                continue;
            }
            vrrpInstance(name.get(), n, global, scripts.keySet(), trackFiles.keySet()).ifPresent(instances::add);
        }
        checkDuplicateVrids(instances);
        var syncGroups = new ArrayList<VrrpSyncGroup>();
        for (ConfigNode n : syncNodes) {
            named(n).ifPresent(name -> syncGroups.add(syncGroup(name, n, instances, scripts.keySet(), trackFiles.keySet())));
        }
        warnUnusedScripts(scripts.values(), instances, syncGroups);
        var virtualServers = new ArrayList<VirtualServer>();
        for (ConfigNode n : vsNodes) virtualServer(n, groups).ifPresent(virtualServers::add);
        return new KeepalivedConfig(global, List.copyOf(scripts.values()), List.copyOf(trackFiles.values()), syncGroups,
                instances, List.copyOf(groups.values()), virtualServers, other, files, hash);
    }

    // ------------------------------------------------------------------ helpers

    private void warnUnusedScripts(java.util.Collection<VrrpScript> scripts, List<VrrpInstance> instances,
                                   List<VrrpSyncGroup> groups) {
        var used = new HashSet<String>();
        instances.forEach(i -> i.trackScripts().forEach(t -> used.add(t.name())));
        groups.forEach(g -> g.trackScripts().forEach(t -> used.add(t.name())));
        for (VrrpScript s : scripts) {
            if (!used.contains(s.name())) {
                diags.warning(s.where(), "vrrp_script " + s.name() + " is not in any track_script block, so it never "
                        + "affects a vrrp_instance (keepalived does not run it)");
            }
        }
    }

    private Optional<String> named(ConfigNode n) {
        if (n.args().isEmpty()) {
            diags.error(n.where(), n.keyword() + " needs a name; block ignored");
            return Optional.empty();
        }
        v.extraArgs(n, 1);
        return Optional.of(n.args().getFirst());
    }

    private <T> void putUnique(Map<String, T> map, String name, T value, ConfigNode n) {
        if (map.putIfAbsent(name, value) != null) {
            diags.error(n.where(), n.keyword() + " " + name + " is defined twice; this one is ignored");
        }
    }

    private void unknown(ConfigNode n, String where) {
        String hint = Values.slashHint(n.keyword());
        if (hint.isEmpty()) hint = legacyHint(n.keyword());
        diags.warning(n.where(), "unknown keyword '" + n.keyword() + "' " + where + "; ignored" + hint);
    }

    private static String legacyHint(String kw) {
        return switch (kw) {
            case "nat_mask" -> " (a keepalived 1.x keyword with no effect; remove it)";
            case "nb_get_retry" -> " (nb_get_retry belongs in a checker block; keepalived 2.x calls it retry)";
            default -> "";
        };
    }

    /** Keywords keepalived knows but Vigil only keeps in the node; anything else is unknown. */
    private void parsedOnly(ConfigNode c, Set<String> known, String where) {
        if (!known.contains(c.keyword())) unknown(c, where);
    }

    private Optional<Script> script(ConfigNode c) {
        if (c.args().isEmpty()) {
            diags.warning(c.where(), c.keyword() + " needs a script; ignored");
            return Optional.empty();
        }
        v.extraArgs(c, 3);
        var a = c.args();
        return Optional.of(new Script(a.get(0), a.size() > 1 ? Optional.of(a.get(1)) : Optional.empty(),
                a.size() > 2 ? Optional.of(a.get(2)) : Optional.empty(), c.where()));
    }

    /** Words of a list block ("group { A B\n C }"): the keyword and arguments of every line. */
    private static List<String> words(ConfigNode block) {
        var out = new ArrayList<String>();
        for (ConfigNode c : block.children()) {
            out.add(c.keyword());
            out.addAll(c.args());
        }
        return out;
    }

    // ------------------------------------------------------------------ global_defs

    private GlobalDefs globalDefs(List<ConfigNode> nodes) {
        Optional<String> routerId = Optional.empty(), emailFrom = Optional.empty(), smtpServer = Optional.empty(),
                helo = Optional.empty(), mcast4 = Optional.empty(), mcast6 = Optional.empty(), scriptUser = Optional.empty(),
                scriptGroup = Optional.empty(), lvsId = Optional.empty(), lvsSync = Optional.empty();
        Optional<Integer> smtpPort = Optional.empty();
        Optional<Boolean> smtpAlert = Optional.empty();
        var emails = new ArrayList<String>();
        Duration smtpTimeout = Duration.ofSeconds(30), garpDelay = Duration.ofSeconds(5), garpRefresh = Duration.ZERO,
                garpInterval = Duration.ZERO;
        int version = 2, garpRepeat = 5, garpRefreshRepeat = 1;
        boolean scriptSecurity = false, strict = false, skipCheckAdv = false, checkUnicastSrc = false;
        var kids = new ArrayList<ConfigNode>();
        for (ConfigNode g : nodes) {
            if (!g.args().isEmpty()) v.extraArgs(g, 0);
            kids.addAll(g.children());
            for (ConfigNode c : g.children()) {
                switch (c.keyword()) {
                    case "router_id" -> routerId = v.string(c);
                    case "notification_email" -> {
                        for (String w : words(c)) emails.add(w);
                        if (!c.args().isEmpty()) emails.addAll(c.args());
                    }
                    case "notification_email_from" -> emailFrom = v.string(c);
                    case "smtp_server" -> {
                        if (c.args().isEmpty()) { v.string(c); break; }
                        v.extraArgs(c, 2);
                        smtpServer = Optional.of(c.args().getFirst());
                        smtpPort = v.port(c, 1);
                    }
                    case "smtp_helo_name" -> helo = v.string(c);
                    case "smtp_connect_timeout" -> smtpTimeout = v.timer(c, 1, 3600, "using 30").orElse(smtpTimeout);
                    case "smtp_alert" -> smtpAlert = v.bool(c);
                    case "vrrp_version" -> version = v.int32(c, 2, 3, "using 2").orElse(version);
                    case "vrrp_garp_master_delay" -> garpDelay = v.timer(c, 0, 255, "using 5").orElse(garpDelay);
                    case "vrrp_garp_master_repeat" -> garpRepeat = v.int32(c, 1, 255, "using 5").orElse(garpRepeat);
                    case "vrrp_garp_master_refresh" -> garpRefresh = v.timer(c, 0, 86400, "refresh stays off").orElse(garpRefresh);
                    case "vrrp_garp_master_refresh_repeat" ->
                            garpRefreshRepeat = v.int32(c, 1, 255, "using 1").orElse(garpRefreshRepeat);
                    case "vrrp_garp_interval" -> garpInterval = v.timer(c, 0, 1, "using 0").orElse(garpInterval);
                    case "vrrp_mcast_group4" -> mcast4 = v.string(c).filter(a -> checkIp(c, a, false));
                    case "vrrp_mcast_group6" -> mcast6 = v.string(c).filter(a -> checkIp(c, a, true));
                    case "script_user" -> {
                        if (c.args().isEmpty()) { v.string(c); break; }
                        v.extraArgs(c, 2);
                        scriptUser = Optional.of(c.args().get(0));
                        scriptGroup = c.args().size() > 1 ? Optional.of(c.args().get(1)) : Optional.empty();
                    }
                    case "enable_script_security" -> { v.flag(c); scriptSecurity = true; }
                    case "vrrp_strict" -> { v.flag(c); strict = true; }
                    case "vrrp_skip_check_adv_addr" -> skipCheckAdv = v.bool(c).orElse(skipCheckAdv);
                    case "vrrp_check_unicast_src" -> { v.flag(c); checkUnicastSrc = true; }
                    case "lvs_sync_daemon" -> {
                        if (c.args().isEmpty()) v.string(c); else lvsSync = Optional.of(String.join(" ", c.args()));
                    }
                    case "lvs_id" -> {
                        diags.warning(c.where(), "lvs_id is a keepalived 1.x keyword that keepalived 2.x rejects; "
                                + "use router_id");
                        lvsId = v.string(c);
                    }
                    default -> parsedOnly(c, Keywords.GLOBAL_DEFS, "in global_defs");
                }
            }
        }
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

    // ------------------------------------------------------------------ vrrp_script / track_file

    private VrrpScript vrrpScript(String name, ConfigNode n) {
        Optional<Script> script = Optional.empty();
        Duration interval = Duration.ofSeconds(1);
        Optional<Duration> timeout = Optional.empty();
        int weight = 0, rise = 1, fall = 1;
        boolean reverse = false, initFail = false, checker = false;
        Optional<String> user = Optional.empty();
        for (ConfigNode c : n.children()) {
            switch (c.keyword()) {
                case "script" -> script = script(c).map(s -> new Script(s.command(), s.user(), s.group(), s.where()));
                case "interval" -> interval = v.timer(c, 0.000001, 86400, "using 1").orElse(interval);
                case "timeout" -> timeout = v.timer(c, 0.000001, 86400, "using the interval");
                case "weight" -> {
                    if (c.args().isEmpty()) { v.string(c); break; }
                    weight = v.integer(c, c.args().getFirst(), -253, 253, "using 0").map(Long::intValue).orElse(weight);
                    reverse = c.args().size() > 1 && c.args().get(1).equals("reverse");
                    v.extraArgs(c, reverse ? 2 : 1);
                }
                case "rise" -> rise = v.int32(c, 1, Integer.MAX_VALUE, "using 1").orElse(rise);
                case "fall" -> fall = v.int32(c, 1, Integer.MAX_VALUE, "using 1").orElse(fall);
                case "user" -> user = v.string(c);
                case "init_fail" -> { v.flag(c); initFail = true; }
                default -> {
                    // Vigil's extension: a checker block instead of a script line; its plugin validates the block
                    if (BUILT_IN_CHECKERS.contains(c.keyword()) || options.extraCheckerKeywords().contains(c.keyword())) {
                        checker = true;
                    } else if (c.hasBlock() && c.keyword().matches("[A-Z][A-Z0-9_]*_(CHECK|GET)")) {
                        diags.warning(c.where(), "unknown checker '" + c.keyword() + "' in vrrp_script " + name
                                + ": not a keepalived checker and no plugin claims it; ignored");
                    } else {
                        parsedOnly(c, Keywords.VRRP_SCRIPT, "in vrrp_script " + name);
                    }
                }
            }
        }
        if (script.isEmpty() && !checker) {
            diags.warning(n.where(), "vrrp_script " + name + " has no script line; it will never succeed");
        }
        Script s = script.orElse(new Script("", Optional.empty(), Optional.empty(), n.where()));
        return new VrrpScript(name, s, interval, timeout.orElse(interval), weight, reverse, rise, fall, initFail, user,
                n.where(), n);
    }

    private VrrpTrackFile trackFile(String name, ConfigNode n) {
        Optional<String> file = Optional.empty();
        int weight = 1;
        boolean reverse = false;
        Optional<Integer> init = Optional.empty();
        for (ConfigNode c : n.children()) {
            switch (c.keyword()) {
                case "file" -> file = v.string(c);
                case "weight" -> {
                    if (c.args().isEmpty()) { v.string(c); break; }
                    weight = v.integer(c, c.args().getFirst(), -254, 254, "using 1").map(Long::intValue).orElse(weight);
                    reverse = c.args().size() > 1 && c.args().get(1).equals("reverse");
                    v.extraArgs(c, reverse ? 2 : 1);
                }
                case "init_file" -> {
                    if (!c.args().isEmpty() && !c.args().getFirst().equals("overwrite")) {
                        init = v.integer(c, c.args().getFirst(), Integer.MIN_VALUE, Integer.MAX_VALUE, "using 0")
                                .map(Long::intValue);
                    } else {
                        init = Optional.of(0);
                    }
                }
                default -> parsedOnly(c, Keywords.TRACK_FILE, "in track_file " + name);
            }
        }
        if (file.isEmpty()) diags.warning(n.where(), n.keyword() + " " + name + " has no file line");
        return new VrrpTrackFile(name, file.orElse(""), weight, reverse, init, n.where(), n);
    }

    // ------------------------------------------------------------------ track lists

    /** track_script / track_file lines: {@code NAME [weight N [reverse]]}. */
    private List<TrackRef> trackRefs(ConfigNode block, Set<String> defined, String kind, int minWeight, int maxWeight) {
        var out = new ArrayList<TrackRef>();
        if (!block.args().isEmpty()) {
            diags.warning(v.at(block, 0), block.keyword() + " lists its names in a { } block; '"
                    + String.join(" ", block.args()) + "' ignored");
        }
        if (block.children().isEmpty()) {
            diags.warning(block.where(), "empty " + block.keyword() + " block: nothing is tracked");
        }
        for (ConfigNode c : block.children()) {
            Optional<Integer> weight = Optional.empty();
            boolean reverse = false;
            var a = c.args();
            if (!a.isEmpty()) {
                if (a.getFirst().equals("weight") && a.size() >= 2) {
                    weight = v.integer(c, a.get(1), minWeight, maxWeight, "using the default weight").map(Long::intValue);
                    reverse = a.size() > 2 && a.get(2).equals("reverse");
                    int used = 2 + (reverse ? 1 : 0);
                    if (a.size() > used) {
                        String extra = String.join(" ", a.subList(used, a.size()));
                        diags.warning(v.at(c, used), "extra text after " + kind + " " + c.keyword() + " ignored: '" + extra + "'"
                                + Values.slashHint(extra));
                    }
                } else {
                    String extra = String.join(" ", a);
                    diags.warning(v.at(c, 0), kind + " " + c.keyword() + ": expected 'weight N', got '" + extra + "'; ignored"
                            + Values.slashHint(extra));
                }
            }
            if (defined != null && !defined.contains(c.keyword())) {
                diags.warning(c.where(), kind + " " + c.keyword() + " is not defined; ignored (as keepalived does)");
                continue;
            }
            out.add(new TrackRef(c.keyword(), weight, reverse, c.where()));
        }
        return out;
    }

    // ------------------------------------------------------------------ vrrp_sync_group

    private VrrpSyncGroup syncGroup(String name, ConfigNode n, List<VrrpInstance> instances, Set<String> scripts,
                                    Set<String> files) {
        var members = new ArrayList<String>();
        var ts = new ArrayList<TrackRef>();
        var ti = new ArrayList<TrackRef>();
        var tf = new ArrayList<TrackRef>();
        var notify = new NotifyBuilder();
        Optional<Boolean> smtp = Optional.empty();
        for (ConfigNode c : n.children()) {
            switch (c.keyword()) {
                case "group" -> {
                    for (ConfigNode line : c.children()) for (int k = -1; k < line.args().size(); k++) {
                        String m = k < 0 ? line.keyword() : line.args().get(k);
                        SourceLocation at = k < 0 ? line.where() : v.at(line, k);
                        int idx = indexOf(instances, m);
                        if (idx < 0) {
                            diags.warning(at, "vrrp_sync_group " + name + ": vrrp_instance " + m
                                    + " does not exist; ignored");
                        } else if (instances.get(idx).syncGroup().isPresent()) {
                            diags.error(at, "vrrp_instance " + m + " is already in vrrp_sync_group "
                                    + instances.get(idx).syncGroup().get() + "; an instance can be in one group only");
                        } else {
                            members.add(m);
                            instances.set(idx, instances.get(idx).withSyncGroup(name));
                        }
                    }
                }
                case "track_script" -> ts.addAll(trackRefs(c, scripts, "track_script", -253, 253));
                case "track_interface" -> ti.addAll(trackRefs(c, null, "track_interface", -253, 253));
                case "track_file" -> tf.addAll(trackRefs(c, files, "track_file", -254, 254));
                case "smtp_alert" -> smtp = v.bool(c);
                default -> {
                    if (!notify.accept(c)) parsedOnly(c, Keywords.SYNC_GROUP, "in vrrp_sync_group " + name);
                }
            }
        }
        if (members.size() == 1) {
            diags.warning(n.where(), "vrrp_sync_group " + name + " has only 1 vrrp_instance - a sync group syncs "
                    + "two or more (keepalived warns the same)");
        } else if (members.isEmpty()) {
            diags.warning(n.where(), "vrrp_sync_group " + name + " has no existing vrrp_instance in its group");
        }
        return new VrrpSyncGroup(name, members, notify.build(), ts, ti, tf, smtp, n.where(), n);
    }

    private static int indexOf(List<VrrpInstance> instances, String name) {
        for (int i = 0; i < instances.size(); i++) if (instances.get(i).name().equals(name)) return i;
        return -1;
    }

    /** notify, notify_master, ... shared by instances and sync groups. */
    private final class NotifyBuilder {
        Optional<Script> master = Optional.empty(), backup = Optional.empty(), fault = Optional.empty(),
                stop = Optional.empty(), deleted = Optional.empty(), any = Optional.empty();

        boolean accept(ConfigNode c) {
            switch (c.keyword()) {
                case "notify_master" -> master = script(c);
                case "notify_backup" -> backup = script(c);
                case "notify_fault" -> fault = script(c);
                case "notify_stop" -> stop = script(c);
                case "notify_deleted" -> deleted = script(c);
                case "notify" -> any = script(c);
                default -> { return false; }
            }
            return true;
        }

        Notify build() { return new Notify(master, backup, fault, stop, deleted, any); }
    }

    // ------------------------------------------------------------------ vrrp_instance

    private Optional<VrrpInstance> vrrpInstance(String name, ConfigNode n, GlobalDefs g, Set<String> scripts,
                                                Set<String> files) {
        String ctx = "in vrrp_instance " + name;
        VrrpState state = VrrpState.BACKUP;
        Optional<String> iface = Optional.empty(), unicastSrc = Optional.empty(), mcastSrc = Optional.empty(),
                lvsSyncIf = Optional.empty(), vmacName = Optional.empty();
        Optional<Integer> vrid = Optional.empty(), version = Optional.empty();
        int priority = 100, garpRepeat = g.vrrpGarpMasterRepeat(), garpRefreshRepeat = g.vrrpGarpMasterRefreshRepeat();
        Optional<Duration> advert = Optional.empty();
        ConfigNode advertNode = null;
        Optional<Authentication> auth = Optional.empty();
        var vips = new ArrayList<VirtualIp>();
        var vipsExcluded = new ArrayList<VirtualIp>();
        var peers = new ArrayList<UnicastPeer>();
        boolean nopreempt = false, dontTrackPrimary = false, useVmac = false, accept = false;
        ConfigNode nopreemptNode = null;
        Duration preemptDelay = Duration.ZERO, garpDelay = g.vrrpGarpMasterDelay(), garpRefresh = g.vrrpGarpMasterRefresh();
        var ts = new ArrayList<TrackRef>();
        var ti = new ArrayList<TrackRef>();
        var tf = new ArrayList<TrackRef>();
        var notify = new NotifyBuilder();
        Optional<Boolean> smtp = Optional.empty();
        for (ConfigNode c : n.children()) {
            switch (c.keyword()) {
                case "state" -> {
                    Optional<String> s = v.string(c);
                    if (s.isEmpty()) break;
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
                case "interface" -> iface = v.string(c);
                case "virtual_router_id" -> vrid = v.int32(c, 1, 255, "the instance cannot run without one");
                case "priority" -> priority = v.int32(c, 1, 255, "using default 100").orElse(priority);
                case "advert_int" -> { advert = v.timer(c, 0.01, 255, "using 1"); advertNode = c; }
                case "version" -> version = v.int32(c, 2, 3, "using global vrrp_version");
                case "authentication" -> auth = authentication(c, name);
                case "virtual_ipaddress" -> vips.addAll(virtualIps(c, name));
                case "virtual_ipaddress_excluded" -> vipsExcluded.addAll(virtualIps(c, name));
                case "unicast_src_ip" -> unicastSrc = v.string(c).filter(a -> checkAddr(c, a));
                case "mcast_src_ip" -> mcastSrc = v.string(c).filter(a -> checkAddr(c, a));
                case "unicast_peer" -> {
                    for (ConfigNode p : c.children()) {
                        if (!Values.isIp(p.keyword())) {
                            diags.warning(p.where(), "unicast_peer '" + p.keyword() + "' is not an IP address; ignored"
                                    + Values.slashHint(p.keyword()));
                            continue;
                        }
                        peers.add(new UnicastPeer(p.keyword(), p.where()));
                    }
                }
                case "nopreempt" -> { v.flag(c); nopreempt = true; nopreemptNode = c; }
                case "preempt" -> { v.flag(c); nopreempt = false; }
                case "preempt_delay" -> preemptDelay = v.timer(c, 0, 1000, "no preempt delay").orElse(preemptDelay);
                case "garp_master_delay" -> garpDelay = v.timer(c, 0, 255, "using global value").orElse(garpDelay);
                case "garp_master_repeat" -> garpRepeat = v.int32(c, 1, 255, "using global value").orElse(garpRepeat);
                case "garp_master_refresh" -> garpRefresh = v.timer(c, 0, 86400, "using global value").orElse(garpRefresh);
                case "garp_master_refresh_repeat" ->
                        garpRefreshRepeat = v.int32(c, 1, 255, "using global value").orElse(garpRefreshRepeat);
                case "track_script" -> ts.addAll(trackRefs(c, scripts, "track_script", -253, 253));
                case "track_interface" -> ti.addAll(trackRefs(c, null, "track_interface", -253, 253));
                case "track_file" -> tf.addAll(trackRefs(c, files, "track_file", -254, 254));
                case "smtp_alert" -> smtp = v.bool(c);
                case "dont_track_primary" -> { v.flag(c); dontTrackPrimary = true; }
                case "use_vmac" -> {
                    useVmac = true;
                    v.extraArgs(c, 1);
                    vmacName = c.args().isEmpty() ? Optional.empty() : Optional.of(c.args().getFirst());
                }
                case "accept" -> { v.flag(c); accept = true; }
                case "no_accept" -> { v.flag(c); accept = false; }
                case "lvs_sync_daemon_interface" -> {
                    diags.info(c.where(), "(" + name + ") lvs_sync_daemon_interface in a vrrp_instance is deprecated; "
                            + "use global_defs lvs_sync_daemon");
                    lvsSyncIf = v.string(c);
                }
                case "vrrp_version" -> unknown(c, ctx + " (the instance keyword is 'version'; vrrp_version belongs in global_defs)");
                default -> {
                    if (!notify.accept(c)) parsedOnly(c, Keywords.VRRP_INSTANCE, ctx);
                }
            }
        }
        if (vrid.isEmpty()) {
            diags.error(n.where(), "(" + name + ") virtual_router_id must be set (1..255); the instance is ignored");
            return Optional.empty();
        }
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
        if (auth.isPresent() && ver == 3) {
            diags.warning(auth.get().where(), "(" + name + ") VRRPv3 has no authentication (RFC 5798); ignored");
            auth = Optional.empty();
        }
        if (nopreempt && state == VrrpState.MASTER) {
            diags.warning(nopreemptNode.where(), "(" + name + ") nopreempt will not work with initial state MASTER; "
                    + "cleared (as keepalived does) - use state BACKUP on every director for non-preemptive failover");
            nopreempt = false;
        }
        if (vips.isEmpty()) {
            diags.warning(n.where(), "(" + name + ") has no virtual_ipaddress");
        }
        return Optional.of(new VrrpInstance(name, state, iface, vrid.get(), priority, adv, ver, auth, vips, vipsExcluded,
                unicastSrc, peers, mcastSrc, nopreempt, preemptDelay, garpDelay, garpRepeat, garpRefresh, garpRefreshRepeat,
                ts, ti, tf, notify.build(), smtp, dontTrackPrimary, lvsSyncIf, useVmac, vmacName, accept,
                Optional.empty(), n.where(), n));
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    private boolean checkAddr(ConfigNode c, String a) {
        if (Values.isIp(a)) return true;
        diags.warning(c.where(), c.keyword() + " '" + a + "' is not an IP address; ignored");
        return false;
    }

    private void checkDuplicateVrids(List<VrrpInstance> instances) {
        var seen = new HashMap<String, VrrpInstance>();
        for (VrrpInstance i : instances) {
            String key = i.iface().orElse("") + "/" + i.virtualRouterId() + "/"
                    + (i.virtualIpAddresses().stream().anyMatch(VirtualIp::ipv6) ? 6 : 4);
            VrrpInstance prev = seen.putIfAbsent(key, i);
            if (prev != null) {
                diags.error(i.locationOf("virtual_router_id"), "(" + i.name() + ") virtual_router_id "
                        + i.virtualRouterId() + " is already used by " + prev.name() + " on interface "
                        + i.iface().orElse("(default)") + " (" + prev.locationOf("virtual_router_id") + ")");
            }
        }
    }

    private Optional<Authentication> authentication(ConfigNode block, String name) {
        AuthType type = null;
        String pass = null;
        for (ConfigNode c : block.children()) {
            switch (c.keyword()) {
                case "auth_type" -> {
                    Optional<String> t = v.string(c);
                    if (t.isEmpty()) break;
                    switch (t.get()) {
                        case "PASS" -> type = AuthType.PASS;
                        case "AH" -> type = AuthType.AH;
                        default -> diags.warning(v.at(c, 0), "(" + name + ") auth_type '" + t.get()
                                + "' is not valid: keepalived accepts PASS or AH; no authentication");
                    }
                }
                case "auth_pass" -> {
                    Optional<String> p = v.string(c);
                    if (p.isEmpty()) break;
                    pass = p.get();
                    if (pass.length() > 8) {
                        diags.warning(v.at(c, 0), "(" + name + ") auth_pass is longer than 8 characters; truncated to 8 "
                                + "(as keepalived does)");
                        pass = pass.substring(0, 8);
                    }
                }
                default -> parsedOnly(c, Keywords.AUTHENTICATION, "in authentication of vrrp_instance " + name);
            }
        }
        if (type == null) return Optional.empty();
        if (pass == null) {
            diags.warning(block.where(), "(" + name + ") authentication has auth_type but no auth_pass; no authentication");
            return Optional.empty();
        }
        return Optional.of(new Authentication(type, pass, block.where()));
    }

    private static final Set<String> VIP_VALUE_OPTIONS = Set.of("brd", "broadcast", "dev", "scope", "label", "peer",
            "track_group", "preferred_lft", "valid_lft");
    private static final Set<String> VIP_FLAGS = Set.of("home", "-nodad", "nodad", "noprefixroute", "autojoin",
            "no_track", "mngtmpaddr");

    private List<VirtualIp> virtualIps(ConfigNode block, String name) {
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

    // ------------------------------------------------------------------ LVS

    private VirtualServerGroup vsGroup(String name, ConfigNode n) {
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
                diags.warning(c.where(), "virtual_server_group " + name + ": '" + addr + "' is not an address, range or "
                        + "fwmark; ignored" + Values.slashHint(addr));
                continue;
            }
            v.extraArgs(c, 1);
            int port = v.port(c, 0).orElse(0);
            members.add(new VirtualServerGroup.Member(Optional.of(addr), port, Optional.empty(), c.where()));
        }
        return new VirtualServerGroup(name, members, n.where(), n);
    }

    private Optional<VirtualServerAddress> vsAddress(ConfigNode n, Map<String, VirtualServerGroup> groups) {
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

    /** Checker option defaults a virtual_server or real_server hands down. */
    private record CheckDefaults(Optional<Duration> connectTimeout, Optional<Integer> retry,
                                 Optional<Duration> delayBeforeRetry, Optional<Duration> warmup, Duration delayLoop,
                                 Optional<Boolean> alpha) {}

    private Optional<VirtualServer> virtualServer(ConfigNode n, Map<String, VirtualServerGroup> groups) {
        Optional<VirtualServerAddress> address = vsAddress(n, groups);
        if (address.isEmpty()) return Optional.empty();
        String ctx = "in virtual_server " + String.join(" ", n.args());
        Duration delayLoop = Duration.ofSeconds(60);
        Optional<String> algo = Optional.empty(), granularity = Optional.empty(), virtualhost = Optional.empty();
        LbKind kind = LbKind.NAT;
        Optional<Protocol> protocol = Optional.empty();
        Optional<Duration> persistence = Optional.empty(), connectTimeout = Optional.empty(), dbr = Optional.empty(),
                warmup = Optional.empty();
        Optional<Integer> retry = Optional.empty();
        int quorum = 1, hysteresis = 0;
        Optional<Script> qUp = Optional.empty(), qDown = Optional.empty();
        Optional<SorryServer> sorry = Optional.empty();
        boolean sorryInhibit = false, inhibit = false, alpha = false, omega = false, haSuspend = false;
        var rsNodes = new ArrayList<ConfigNode>();
        for (ConfigNode c : n.children()) {
            switch (c.keyword()) {
                case "delay_loop" -> delayLoop = v.timer(c, 0.000001, 86400, "using 60").orElse(delayLoop);
                case "lb_algo", "lvs_sched" -> {
                    algo = v.string(c);
                    if (algo.isPresent() && !Keywords.SCHEDULERS.contains(algo.get())) {
                        diags.warning(v.at(c, 0), c.keyword() + " '" + algo.get() + "' is not an IPVS scheduler: one of "
                                + String.join("|", new java.util.TreeSet<>(Keywords.SCHEDULERS)) + "; using wlc");
                        algo = Optional.empty();
                    }
                }
                case "lb_kind", "lvs_method" -> kind = lbKind(c).orElse(kind);
                case "protocol" -> {
                    Optional<String> p = v.string(c);
                    if (p.isEmpty()) break;
                    try {
                        protocol = Optional.of(Protocol.valueOf(p.get().toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        diags.warning(v.at(c, 0), "protocol '" + p.get() + "' is not valid: keepalived accepts TCP|UDP|SCTP; "
                                + "using TCP");
                    }
                }
                case "persistence_timeout" -> {
                    if (c.args().isEmpty()) {
                        persistence = Optional.of(Duration.ofSeconds(360));
                    } else {
                        persistence = v.integer(c, 1, 2678400, "persistence stays off").map(Duration::ofSeconds);
                    }
                }
                case "persistence_granularity" -> granularity = v.string(c);
                case "quorum" -> quorum = v.int32(c, 1, Integer.MAX_VALUE, "using 1").orElse(quorum);
                case "hysteresis" -> hysteresis = v.int32(c, 0, Integer.MAX_VALUE, "using 0").orElse(hysteresis);
                case "quorum_up" -> qUp = script(c);
                case "quorum_down" -> qDown = script(c);
                case "sorry_server" -> {
                    if (c.args().isEmpty() || !Values.isIp(c.args().getFirst())) {
                        diags.warning(c.where(), "sorry_server needs 'IP [PORT]'; ignored");
                        break;
                    }
                    v.extraArgs(c, 2);
                    int port = v.port(c, 1).orElse(0);
                    sorry = Optional.of(new SorryServer(c.args().getFirst(), port, c.where()));
                }
                case "sorry_server_inhibit" -> { v.flag(c); sorryInhibit = true; }
                case "inhibit_on_failure" -> inhibit = v.bool(c).orElse(inhibit);
                case "alpha" -> alpha = v.bool(c).orElse(alpha);
                case "omega" -> omega = v.bool(c).orElse(omega);
                case "ha_suspend" -> { v.flag(c); haSuspend = true; }
                case "virtualhost" -> virtualhost = v.string(c);
                case "connect_timeout" -> connectTimeout = v.timer(c, 0.000001, 86400, "using 5");
                case "retry" -> retry = v.int32(c, 0, Integer.MAX_VALUE, "using the checker default");
                case "delay_before_retry" -> dbr = v.timer(c, 0, 86400, "using the checker default");
                case "warmup" -> warmup = v.timer(c, 0, 86400, "using delay_loop");
                case "real_server" -> rsNodes.add(c);
                default -> parsedOnly(c, Keywords.VIRTUAL_SERVER, ctx);
            }
        }
        if (algo.isEmpty() && n.child("lb_algo").isEmpty() && n.child("lvs_sched").isEmpty()) {
            diags.info(n.where(), "virtual_server " + address.get() + ": no scheduler set; using wlc (as keepalived does)");
        }
        if (protocol.isEmpty() && n.child("protocol").isEmpty() && !(address.get() instanceof VirtualServerAddress.Fwmark)) {
            diags.info(n.where(), "virtual_server " + address.get() + ": no protocol set; Vigil uses TCP "
                    + "(keepalived 2.2.7 would default to UDP here) - write 'protocol TCP' to be explicit");
        }
        var defaults = new CheckDefaults(connectTimeout, retry, dbr, warmup, delayLoop, alpha ? Optional.of(true) : Optional.empty());
        var realServers = new ArrayList<RealServer>();
        var seen = new HashSet<String>();
        for (ConfigNode r : rsNodes) {
            realServer(r, address.get(), kind, inhibit, virtualhost, defaults).ifPresent(rs -> {
                if (!seen.add(rs.endpoint())) {
                    diags.warning(r.where(), "real_server " + rs.endpoint() + " appears twice in this virtual_server; "
                            + "the second is ignored");
                } else {
                    realServers.add(rs);
                }
            });
        }
        return Optional.of(new VirtualServer(address.get(), delayLoop, algo.orElse("wlc"), kind,
                protocol.orElse(Protocol.TCP), persistence, granularity, quorum, hysteresis, qUp, qDown, sorry,
                sorryInhibit, inhibit, alpha, omega, haSuspend, virtualhost, realServers, n.where(), n));
    }

    private static final Set<String> TUNNEL_OPTIONS = Set.of("type", "ipip", "gue", "gre", "port", "nocsum", "csum",
            "remcsum");

    private Optional<LbKind> lbKind(ConfigNode c) {
        Optional<String> k = c.args().isEmpty() ? v.string(c) : Optional.of(c.args().getFirst());
        if (k.isEmpty()) return Optional.empty();
        LbKind kind;
        try {
            kind = LbKind.valueOf(k.get().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            diags.warning(v.at(c, 0), c.keyword() + " '" + k.get() + "' is not valid: keepalived accepts NAT|DR|TUN; "
                    + "using NAT");
            return Optional.empty();
        }
        var rest = c.args().subList(1, c.args().size());
        if (!rest.isEmpty()) {
            if (kind != LbKind.TUN || !TUNNEL_OPTIONS.contains(rest.getFirst())) {
                String extra = String.join(" ", rest);
                diags.warning(v.at(c, 1), "extra text after " + c.keyword() + " " + k.get() + " ignored: '" + extra + "'"
                        + (kind == LbKind.TUN ? " (tunnel options are: type ipip|gue port N|gre [nocsum|csum|remcsum])" : "")
                        + Values.slashHint(extra));
            }
        }
        return Optional.of(kind);
    }

    private Optional<RealServer> realServer(ConfigNode n, VirtualServerAddress vs, LbKind vsKind, boolean vsInhibit,
                                            Optional<String> vsVirtualhost, CheckDefaults vsDefaults) {
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
        int weight = 1;
        boolean inhibit = vsInhibit;
        LbKind kind = vsKind;
        Optional<Script> up = Optional.empty(), down = Optional.empty();
        Optional<String> virtualhost = vsVirtualhost;
        Optional<Duration> ct = vsDefaults.connectTimeout(), dbr = vsDefaults.delayBeforeRetry(), warmup = vsDefaults.warmup();
        Optional<Integer> retry = vsDefaults.retry();
        Duration delayLoop = vsDefaults.delayLoop();
        Optional<Boolean> alpha = vsDefaults.alpha();
        var checkerNodes = new ArrayList<ConfigNode>();
        for (ConfigNode c : n.children()) {
            String kw = c.keyword();
            if (BUILT_IN_CHECKERS.contains(kw) || options.extraCheckerKeywords().contains(kw)) {
                checkerNodes.add(c);
                continue;
            }
            switch (kw) {
                case "weight" -> weight = v.int32(c, 0, 65535, "using 1").orElse(weight);
                case "inhibit_on_failure" -> inhibit = v.bool(c).orElse(inhibit);
                case "lvs_method", "lb_kind" -> kind = lbKind(c).orElse(kind);
                case "notify_up" -> up = script(c);
                case "notify_down" -> down = script(c);
                case "virtualhost" -> virtualhost = v.string(c);
                case "connect_timeout" -> ct = v.timer(c, 0.000001, 86400, "using the virtual server's").or(() -> vsDefaults.connectTimeout());
                case "retry" -> retry = v.int32(c, 0, Integer.MAX_VALUE, "using the virtual server's").or(() -> vsDefaults.retry());
                case "delay_before_retry" -> dbr = v.timer(c, 0, 86400, "using the virtual server's").or(() -> vsDefaults.delayBeforeRetry());
                case "warmup" -> warmup = v.timer(c, 0, 86400, "using the virtual server's").or(() -> vsDefaults.warmup());
                case "delay_loop" -> delayLoop = v.timer(c, 0.000001, 86400, "using the virtual server's").orElse(delayLoop);
                case "alpha" -> alpha = v.bool(c).or(() -> vsDefaults.alpha());
                default -> {
                    if (c.hasBlock() && kw.matches("[A-Z][A-Z0-9_]*_(CHECK|GET)")) {
                        diags.warning(c.where(), "unknown checker '" + kw + "' " + ctx + ": not a keepalived checker and "
                                + "no plugin claims it; ignored");
                    } else {
                        parsedOnly(c, Keywords.REAL_SERVER, ctx);
                    }
                }
            }
        }
        if (vs instanceof VirtualServerAddress.IpPort ipp && ipp.port() != 0 && port != ipp.port()
                && (kind == LbKind.DR || kind == LbKind.TUN)) {
            diags.warning(v.at(n, 1), "real_server " + ip + " port " + port + " differs from virtual server port "
                    + ipp.port() + ": " + kind + " forwarding cannot change the port; using " + ipp.port()
                    + " (keepalived resets it the same way)");
            port = ipp.port();
        }
        var defaults = new CheckDefaults(ct, retry, dbr, warmup, delayLoop, alpha);
        var checkers = new ArrayList<Checker>();
        for (ConfigNode c : checkerNodes) checkers.add(checker(c, defaults, ctx));
        boolean v6 = Values.isIpv6(ip);
        return Optional.of(new RealServer(ip, port, v6, weight, inhibit, kind, up, down, checkers, virtualhost, n.where(), n));
    }

    private Checker checker(ConfigNode n, CheckDefaults d, String ctx) {
        String type = n.keyword();
        boolean builtIn = BUILT_IN_CHECKERS.contains(type);
        if (!n.args().isEmpty()) v.extraArgs(n, 0);
        Optional<Duration> ct = d.connectTimeout(), dbr = d.delayBeforeRetry(), warmup = d.warmup();
        Optional<Integer> retry = d.retry();
        Duration delayLoop = d.delayLoop();
        Optional<String> connectIp = Optional.empty(), bindTo = Optional.empty();
        Optional<Integer> connectPort = Optional.empty();
        Optional<Boolean> alpha = d.alpha();
        String where = ctx + " " + type;
        Set<String> specific = builtIn ? Keywords.CHECKER_SPECIFIC.get(type) : Set.of();
        for (ConfigNode c : n.children()) {
            switch (c.keyword()) {
                case "connect_timeout" -> ct = v.timer(c, 0.000001, 86400, "using the default").or(() -> d.connectTimeout());
                case "retry" -> retry = v.int32(c, 0, Integer.MAX_VALUE, "using the default").or(() -> d.retry());
                case "nb_get_retry" -> {
                    diags.info(c.where(), "nb_get_retry is deprecated; read as retry");
                    retry = v.int32(c, 0, Integer.MAX_VALUE, "using the default").or(() -> d.retry());
                }
                case "delay_before_retry" -> dbr = v.timer(c, 0, 86400, "using the default").or(() -> d.delayBeforeRetry());
                case "warmup" -> warmup = v.timer(c, 0, 86400, "using the default").or(() -> d.warmup());
                case "delay_loop" -> delayLoop = v.timer(c, 0.000001, 86400, "using the default").orElse(delayLoop);
                case "connect_ip" -> connectIp = v.string(c).filter(x -> checkAddr(c, x));
                case "connect_port" -> connectPort = c.args().isEmpty() ? v.string(c).map(x -> 0) : v.port(c, 0);
                case "bindto" -> bindTo = v.string(c).filter(x -> checkAddr(c, x));
                case "alpha" -> alpha = v.bool(c).or(() -> d.alpha());
                default -> {
                    if (!builtIn) break; // a plugin's block: the plugin validates its own keywords
                    if (c.keyword().equals("url") && specific.contains("url")) {
                        for (ConfigNode u : c.children()) parsedOnly(u, Keywords.URL, where + " url");
                    } else if (!specific.contains(c.keyword()) && !Keywords.CHECKER_COMMON.contains(c.keyword())) {
                        unknown(c, where);
                    }
                }
            }
        }
        if (builtIn && (type.equals("HTTP_GET") || type.equals("SSL_GET")) && n.child("url").isEmpty()) {
            diags.warning(n.where(), type + " " + ctx + " has no url block; keepalived requires at least one url");
        }
        int defaultRetry = switch (type) {
            case "DNS_CHECK" -> 3;
            case "MISC_CHECK" -> 0;
            default -> 1;
        };
        Duration defaultDbr = switch (type) {
            case "DNS_CHECK" -> delayLoop;
            case "HTTP_GET", "SSL_GET" -> Duration.ofSeconds(3);
            default -> Duration.ofSeconds(1);
        };
        return new Checker(type, builtIn, ct.orElse(Duration.ofSeconds(5)), retry.orElse(defaultRetry), dbr.orElse(defaultDbr),
                delayLoop, warmup, connectIp, connectPort, bindTo, alpha, n.where(), n);
    }
}
