package io.vigil.vrrp;

import io.vigil.config.AuthType;
import io.vigil.check.api.ConfigNode;
import io.vigil.config.Diagnostic;
import io.vigil.config.GarpExtraIf;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.Notify;
import io.vigil.config.Script;
import io.vigil.config.TrackRef;
import io.vigil.config.VirtualIp;
import io.vigil.config.Vmac;
import io.vigil.config.VrrpScript;
import io.vigil.config.VrrpTrackFile;
import io.vigil.config.VrrpTrackProcess;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps the parsed keepalived.conf model (io.vigil.config) to engine specs. Problems come back as
 * {@link Diagnostic}s with the file:line:col of the keyword; an instance with an error is left out.
 * Source addresses are taken from unicast_src_ip / mcast_src_ip; when neither is set the spec's
 * {@code sourceAddress} is null and the node fills in the interface's primary address.
 */
public final class VrrpSpecs {
    private VrrpSpecs() {}

    public record Mapped(List<VrrpInstanceSpec> instances, List<SyncGroupSpec> syncGroups, List<Diagnostic> diagnostics) {
        public Mapped {
            instances = List.copyOf(instances);
            syncGroups = List.copyOf(syncGroups);
            diagnostics = List.copyOf(diagnostics);
        }

        public boolean hasErrors() { return diagnostics.stream().anyMatch(Diagnostic::isError); }
    }

    private static final class Invalid extends RuntimeException {
        final Diagnostic diagnostic;
        Invalid(Diagnostic d) { super(d.message(), null, false, false); this.diagnostic = d; }
    }

    public static Mapped fromConfig(KeepalivedConfig cfg) {
        List<Diagnostic> diags = new ArrayList<>();
        List<VrrpInstanceSpec> specs = new ArrayList<>();
        for (io.vigil.config.VrrpInstance vi : cfg.vrrpInstances()) {
            try {
                VrrpInstanceSpec spec = toSpec(cfg, vi, diags);
                for (VrrpInstanceSpec o : specs)
                    if (spec.vmac() != null && o.vmac() != null && o.vmac().name().equals(spec.vmac().name()) && !o.vmac().sameLink(spec.vmac()))
                        throw new Invalid(Diagnostic.error(vi.locationOf("use_vmac"), "vrrp_instance " + vi.name() + ": VMAC "
                                + spec.vmac().name() + " is also " + o.name() + "'s, with another MAC or base interface"));
                specs.add(spec);
            } catch (Invalid e) {
                diags.add(e.diagnostic);
            }
        }
        List<SyncGroupSpec> groups = new ArrayList<>();
        for (io.vigil.config.VrrpSyncGroup g : cfg.vrrpSyncGroups()) {
            List<String> members = g.group().stream().filter(m -> specs.stream().anyMatch(s -> s.name().equals(m))).toList();
            if (members.size() != g.group().size())
                diags.add(Diagnostic.warning(g.where(), "vrrp_sync_group " + g.name() + ": members without a usable vrrp_instance are left out"));
            if (!members.isEmpty()) groups.add(new SyncGroupSpec(g.name(), members, notify(g.notifyScripts())));
        }
        return new Mapped(specs, groups, diags);
    }

    /** strict_mode of the instance (its last, as keepalived's boolean), else global vrrp_strict. */
    static boolean strict(KeepalivedConfig cfg, io.vigil.config.VrrpInstance vi) {
        boolean strict = cfg.globalDefs().vrrpStrict();
        for (var n : vi.node().childrenNamed("strict_mode")) {
            String v = n.args().isEmpty() ? "on" : n.args().getFirst().toLowerCase(java.util.Locale.ROOT);
            if (List.of("on", "true", "yes").contains(v)) strict = true;
            else if (List.of("off", "false", "no").contains(v)) strict = false; // anything else was warned about, ignored
        }
        return strict;
    }

    static VrrpInstanceSpec toSpec(KeepalivedConfig cfg, io.vigil.config.VrrpInstance vi, List<Diagnostic> diags) {
        String at = "vrrp_instance " + vi.name() + ": ";
        String iface = vi.iface().orElseThrow(() -> new Invalid(Diagnostic.error(vi.where(), at + "no interface (Vigil needs one for VRRP)")));
        int version = vi.vrrpVersion();
        int centis = (int) (vi.advertInterval().toMillis() / 10);
        if (version == 2 && centis % 100 != 0) {
            int rounded = Math.max(100, Math.round(centis / 100f) * 100);
            diags.add(Diagnostic.warning(vi.locationOf("advert_int"), at + "VRRPv2 advert_int is whole seconds; using " + rounded / 100 + " s"));
            centis = rounded;
        }
        io.vigil.config.AdvertSettings knobs = io.vigil.config.AdvertSettings.of(cfg, vi);
        var b = VrrpInstanceSpec.builder(vi.name()).interfaceName(iface).vrid(vi.virtualRouterId()).version(version)
                .priority(vi.priority()).advertIntervalCentis(centis).preempt(!vi.nopreempt()).preemptDelay(vi.preemptDelay())
                .trackPrimaryInterface(!vi.dontTrackPrimary())
                .state(vi.state() == io.vigil.config.VrrpState.MASTER ? VrrpState.MASTER : VrrpState.BACKUP)
                .garp(new GarpSpec(vi.garpMasterDelay(), Math.max(1, vi.garpMasterRepeat()), vi.garpMasterRefresh(),
                        Math.max(1, vi.garpMasterRefreshRepeat()), knobs.garpLowerPrioDelay(), knobs.garpLowerPrioRepeat()))
                .notify(notify(vi.notifyScripts()));
        if (vi.authentication().isPresent()) {
            var auth = vi.authentication().get();
            if (version == 3) {
                diags.add(Diagnostic.warning(auth.where(), at + "VRRPv3 has no authentication; ignored (as keepalived)"));
            } else if (auth.type() == AuthType.AH) {
                throw new Invalid(Diagnostic.error(auth.where(), at + "auth_type AH is not supported by Vigil; use PASS or none"));
            } else {
                b.authPass(new String(auth.password().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            }
        }
        vmac(cfg, vi, iface, at, diags).ifPresent(b::vmac);
        garpExtraIf(cfg, vi).ifPresent(b::garpExtraIf);
        for (VirtualIp v : vi.virtualIpAddresses()) address(v, at, diags).ifPresent(b::virtualAddress);
        for (VirtualIp v : vi.virtualIpAddressesExcluded()) address(v, at, diags).ifPresent(b::excludedAddress);
        Optional<String> src = vi.unicastSrcIp().or(vi::mcastSrcIp);
        if (src.isPresent()) b.sourceAddress(ip(src.get(), vi.locationOf(vi.unicastSrcIp().isPresent() ? "unicast_src_ip" : "mcast_src_ip"), at));
        for (var peer : vi.unicastPeers()) b.unicastPeer(ip(peer.address(), peer.where(), at));
        // keepalived: either keyword turns the check on; it only means something with unicast peers
        var ownCheck = vi.node().child("check_unicast_src");
        if (ownCheck.isPresent() || cfg.globalDefs().vrrpCheckUnicastSrc()) {
            b.checkUnicastSource(true);
            if (vi.unicastPeers().isEmpty() && ownCheck.isPresent())
                diags.add(Diagnostic.warning(ownCheck.get().where(),
                        at + "check_unicast_src has no effect without unicast_peer (multicast adverts are not checked)"));
        }

        List<AdvertOptions.PeerTtl> peerTtls = new ArrayList<>();
        for (var p : knobs.peerTtls()) peerTtls.add(new AdvertOptions.PeerTtl(ip(p.address(), vi.where(), at), p.min(), p.max()));
        // strict mode forces lower_prio_no_advert (keepalived: a strict MASTER discards a lower-priority advert)
        b.advertOptions(new AdvertOptions(knobs.higherPrioSendAdvert(), knobs.lowerPrioNoAdvert() || strict(cfg, vi), knobs.downTimerAdverts(),
                knobs.unicastTtl().orElse(VrrpAdvertFlyweight.REQUIRED_TTL), Ipv4Address.parse(knobs.multicastGroup()), peerTtls,
                knobs.notifyMasterRxLowerPri().orElse(null), knobs.faultNoPeer()));
        if (vi.unicastPeers().isEmpty())
            vi.node().childrenNamed("unicast_ttl").stream().findFirst().ifPresent(n -> diags.add(Diagnostic.warning(n.where(),
                    at + "unicast_ttl has no effect without unicast_peer; multicast adverts keep TTL 255")));
        if (!vi.unicastPeers().isEmpty())
            vi.node().childrenNamed("mcast_dst_ip").stream().findFirst().ifPresent(n -> diags.add(Diagnostic.warning(n.where(),
                    at + "mcast_dst_ip is ignored with unicast_peer (as keepalived: multicast destination specified with unicast)")));

        // Trackers: the instance's own, then its sync group's (keepalived applies group tracking to every member).
        List<TrackRef> scripts = new ArrayList<>(vi.trackScripts()), ifaces = new ArrayList<>(vi.trackInterfaces()), files = new ArrayList<>(vi.trackFiles()),
                processes = new ArrayList<>(vi.trackProcesses());
        vi.syncGroup().flatMap(g -> cfg.vrrpSyncGroups().stream().filter(sg -> sg.name().equals(g)).findFirst()).ifPresent(g -> {
            scripts.addAll(g.trackScripts());
            ifaces.addAll(g.trackInterfaces());
            files.addAll(g.trackFiles());
            processes.addAll(g.trackProcesses());
        });
        // a tracker naming nothing is skipped with a warning, as keepalived does ("not found, ignoring")
        for (TrackRef r : scripts) {
            VrrpScript s = cfg.vrrpScript(r.name()).orElse(null);
            if (s == null) {
                diags.add(Diagnostic.warning(r.where(), at + "track_script " + r.name() + " has no vrrp_script, ignored"));
                continue;
            }
            b.tracker(new TrackerSpec(TrackerSpec.Kind.SCRIPT, r.name(), r.weight().orElse(s.weight()),
                    r.weight().isPresent() ? r.reverse() : s.weightReverse()));
        }
        for (TrackRef r : ifaces)
            b.tracker(new TrackerSpec(TrackerSpec.Kind.INTERFACE, r.name(), r.weight().orElse(0), r.reverse()));
        for (TrackRef r : files) {
            VrrpTrackFile f = cfg.vrrpTrackFile(r.name()).orElse(null);
            if (f == null) {
                diags.add(Diagnostic.warning(r.where(), at + "track_file " + r.name() + " has no vrrp_track_file, ignored"));
                continue;
            }
            b.tracker(new TrackerSpec(TrackerSpec.Kind.FILE, r.name(), r.weight().orElse(f.weight()),
                    r.weight().isPresent() ? r.reverse() : f.weightReverse()));
        }
        for (TrackRef r : processes) {
            VrrpTrackProcess p = cfg.vrrpTrackProcess(r.name()).orElse(null);
            if (p == null) {
                diags.add(Diagnostic.warning(r.where(), at + "track_process " + r.name() + " has no vrrp_track_process, ignored"));
                continue;
            }
            b.tracker(new TrackerSpec(TrackerSpec.Kind.PROCESS, r.name(), r.weight().orElse(p.weight()),
                    r.weight().isPresent() ? r.reverse() : p.weightReverse()));
        }
        if (vi.priority() == 255 && !scripts.isEmpty() && scripts.stream().anyMatch(r -> r.weight().orElse(1) != 0))
            diags.add(Diagnostic.warning(vi.locationOf("priority"), at + "priority 255 (address owner): tracker weights are ignored"));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Invalid(Diagnostic.error(vi.where(), e.getMessage()));
        }
    }

    /** use_vmac [NAME] [MAC] (bad words were reported at load) and vmac_xmit_base. */
    private static Optional<VmacSpec> vmac(KeepalivedConfig cfg, io.vigil.config.VrrpInstance vi, String iface, String at,
                                           List<Diagnostic> diags) {
        if (!vi.useVmac()) return Optional.empty();
        int vrid = vi.virtualRouterId();
        String prefix = cfg.globalDefs().node().child("vmac_prefix").filter(n -> !n.args().isEmpty())
                .map(n -> n.args().getFirst()).orElse("vrrp");
        String mac = Vmac.defaultMac(vrid);
        for (ConfigNode n : vi.node().childrenNamed("use_vmac"))
            for (String w : n.args()) if (Vmac.isMac(w)) mac = Vmac.mac(w, vrid).orElse(Vmac.defaultMac(vrid));
        // unicast needs it (warned about at load): adverts to us arrive on the base, as keepalived sets it
        boolean xmitBase = vi.node().child("vmac_xmit_base").isPresent() || !vi.unicastPeers().isEmpty();
        String name = vi.vmacName().orElse(Vmac.defaultName(prefix, vrid));
        if (name.equals(iface)) throw new Invalid(Diagnostic.error(vi.locationOf("use_vmac"), at + "use_vmac name " + name
                + " is the instance's own interface"));
        return Optional.of(new VmacSpec(name, iface, mac, xmitBase));
    }

    /** The instance's garp_extra_if, else global vrrp_garp_extra_if; 0 is off. */
    private static Optional<GarpExtraIfSpec> garpExtraIf(KeepalivedConfig cfg, io.vigil.config.VrrpInstance vi) {
        Optional<GarpExtraIf> g = Optional.empty();
        for (ConfigNode n : cfg.globalDefs().node().childrenNamed("vrrp_garp_extra_if")) {
            Optional<GarpExtraIf> global = GarpExtraIf.parse(n, 1, (w, m) -> { });
            if (global.isPresent()) g = global; // a bad line keeps the one before
        }
        for (ConfigNode n : vi.node().childrenNamed("garp_extra_if")) {
            Optional<GarpExtraIf> own = GarpExtraIf.parse(n, 0, (w, m) -> { });
            if (own.isPresent()) g = own;
        }
        return g.filter(x -> x.seconds() > 0).map(x -> new GarpExtraIfSpec(java.time.Duration.ofSeconds(x.seconds()), x.all()));
    }

    private static Optional<VirtualAddress> address(VirtualIp v, String at, List<Diagnostic> diags) {
        if (v.ipv6()) {
            diags.add(Diagnostic.warning(v.where(), at + "IPv6 virtual address " + v.cidr() + " ignored (Vigil does VRRP over IPv4)"));
            return Optional.empty();
        }
        return Optional.of(new VirtualAddress(ip(v.address(), v.where(), at), v.prefixLength(), v.device().orElse(null), v.label().orElse(null)));
    }

    private static Ipv4Address ip(String text, io.vigil.check.api.SourceLocation where, String at) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(Diagnostic.error(where, at + e.getMessage()));
        }
    }

    private static NotifySpec notify(Notify n) {
        return new NotifySpec(cmd(n.master()), cmd(n.backup()), cmd(n.fault()), cmd(n.stop()), cmd(n.any()));
    }

    private static String cmd(Optional<Script> s) { return s.map(Script::command).orElse(null); }

}
