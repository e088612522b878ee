package io.vigil.node;

import io.vigil.check.api.ConfigNode;
import io.vigil.config.AuthType;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.Notify;
import io.vigil.config.Script;
import io.vigil.config.TrackRef;
import io.vigil.config.VirtualIp;
import io.vigil.config.VrrpScript;
import io.vigil.vrrp.GarpSpec;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.NotifySpec;
import io.vigil.vrrp.SyncGroupSpec;
import io.vigil.vrrp.TrackerSpec;
import io.vigil.vrrp.VirtualAddress;
import io.vigil.vrrp.VrrpInstanceSpec;
import io.vigil.vrrp.VrrpState;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * keepalived.conf model → what the node runs. Problems that make an instance unusable are errors naming
 * file:line:col; things Vigil does not act on (IPv6 VIPs, track_file, AH) are warnings, and the rest still runs.
 */
public final class NodeConfig {
    /** keepalived has no notify timeout; a hung script must still not pile up forever. */
    public static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);

    private NodeConfig() { }

    /** Raised for a configuration the node cannot run; the message starts with file:line:col. */
    public static final class Invalid extends Exception {
        public Invalid(String message) { super(message); }
    }

    public static NodeSetup from(KeepalivedConfig c, Path path, Consumer<String> warn) throws Invalid {
        List<VrrpInstanceSpec> specs = new ArrayList<>();
        Map<String, VrrpScripts.Spec> scripts = new LinkedHashMap<>();
        for (io.vigil.config.VrrpInstance i : c.vrrpInstances()) specs.add(instance(c, i, scripts, warn));
        List<SyncGroupSpec> groups = new ArrayList<>();
        for (io.vigil.config.VrrpSyncGroup g : c.vrrpSyncGroups()) {
            List<String> members = g.group().stream().filter(m -> specs.stream().anyMatch(s -> s.name().equals(m))).toList();
            if (members.size() != g.group().size())
                warn.accept(g.where() + ": vrrp_sync_group " + g.name() + ": unknown members ignored");
            if (!members.isEmpty()) groups.add(new SyncGroupSpec(g.name(), members, notify(g.notifyScripts())));
        }
        var gd = c.globalDefs();
        List<Path> fifos = new ArrayList<>();
        for (String kw : List.of("notify_fifo", "vrrp_notify_fifo")) {
            global(gd.node(), kw).ifPresent(f -> fifos.add(Path.of(f)));
        }
        return new NodeSetup(path, c.contentHash(), gd.routerId().orElse(null), specs, groups, List.copyOf(scripts.values()),
                gd.scriptUser().orElse(null), gd.enableScriptSecurity(), NOTIFY_TIMEOUT, fifos, gd.vrrpGarpInterval());
    }

    private static VrrpInstanceSpec instance(KeepalivedConfig c, io.vigil.config.VrrpInstance i,
                                             Map<String, VrrpScripts.Spec> scripts, Consumer<String> warn) throws Invalid {
        String at = i.where() + ": vrrp_instance " + i.name() + ": ";
        String iface = i.iface().orElseThrow(() -> new Invalid(at + "no interface"));
        var b = VrrpInstanceSpec.builder(i.name()).interfaceName(iface).vrid(i.virtualRouterId()).version(i.vrrpVersion())
                .priority(i.priority()).state(i.state() == io.vigil.config.VrrpState.MASTER ? VrrpState.MASTER : VrrpState.BACKUP)
                .advertIntervalCentis((int) (i.advertInterval().toMillis() / 10))
                .preempt(!i.nopreempt()).preemptDelay(i.preemptDelay())
                .notify(notify(i.notifyScripts()))
                .garp(new GarpSpec(i.garpMasterDelay(), Math.max(1, i.garpMasterRepeat()), i.garpMasterRefresh(),
                        Math.max(1, i.garpMasterRefreshRepeat())));
        if (i.authentication().isPresent()) {
            var a = i.authentication().get();
            if (a.type() == AuthType.AH) throw new Invalid(a.where() + ": vrrp_instance " + i.name() + ": auth_type AH is not supported by Vigil (use PASS or none)");
            if (i.vrrpVersion() == 2) b.authPass(a.password());
        }
        for (VirtualIp v : i.virtualIpAddresses()) vip(v, i.name(), warn).ifPresent(b::virtualAddress);
        for (VirtualIp v : i.virtualIpAddressesExcluded()) vip(v, i.name(), warn).ifPresent(b::excludedAddress);
        if (i.unicastSrcIp().isPresent()) b.sourceAddress(ipv4(i.unicastSrcIp().get(), at + "unicast_src_ip"));
        for (var p : i.unicastPeers()) b.unicastPeer(ipv4(p.address(), p.where() + ": unicast_peer"));
        for (TrackRef t : i.trackScripts()) {
            VrrpScript s = c.vrrpScript(t.name()).orElse(null);
            if (s == null) { warn.accept(t.where() + ": track_script " + t.name() + ": no such vrrp_script, ignored"); continue; }
            b.tracker(new TrackerSpec(TrackerSpec.Kind.SCRIPT, s.name(), t.weight().orElse(s.weight()), t.reverse() || s.weightReverse()));
            scripts.putIfAbsent(s.name(), script(s));
        }
        for (TrackRef t : i.trackInterfaces())
            b.tracker(new TrackerSpec(TrackerSpec.Kind.INTERFACE, t.name(), t.weight().orElse(0), t.reverse()));
        for (TrackRef t : i.trackFiles())
            warn.accept(t.where() + ": track_file " + t.name() + " is not acted on by this Vigil version, ignored");
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Invalid(i.where() + ": " + e.getMessage());
        }
    }

    private static VrrpScripts.Spec script(VrrpScript s) throws Invalid {
        try {
            return new VrrpScripts.Spec(s.name(), ScriptCommand.parse(s.script().command()), s.interval(), s.timeout(),
                    s.rise(), s.fall(), s.initFail());
        } catch (IllegalArgumentException e) {
            throw new Invalid(s.where() + ": vrrp_script " + s.name() + ": " + e.getMessage());
        }
    }

    private static Optional<VirtualAddress> vip(VirtualIp v, String instance, Consumer<String> warn) throws Invalid {
        if (v.ipv6()) {
            warn.accept(v.where() + ": vrrp_instance " + instance + ": IPv6 address " + v.cidr() + " is not handled by this Vigil version, ignored");
            return Optional.empty();
        }
        if (v.scope().isPresent() && !v.scope().get().equals("global"))
            warn.accept(v.where() + ": scope " + v.scope().get() + " is not applied (added as global)");
        return Optional.of(new VirtualAddress(ipv4(v.address(), v.where() + ": virtual_ipaddress"), v.prefixLength(),
                v.device().orElse(null), v.label().orElse(null)));
    }

    private static Ipv4Address ipv4(String text, String what) throws Invalid {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(what + ": " + text + " is not an IPv4 address");
        }
    }

    private static NotifySpec notify(Notify n) {
        return new NotifySpec(cmd(n.master()), cmd(n.backup()), cmd(n.fault()), cmd(n.stop()), cmd(n.any()));
    }

    private static String cmd(Optional<Script> s) { return s.map(Script::command).orElse(null); }

    /** First argument of a global_defs keyword, if written. */
    static Optional<String> global(ConfigNode globalDefs, String keyword) {
        return globalDefs.child(keyword).filter(n -> !n.args().isEmpty()).map(n -> n.args().getFirst());
    }
}
