package io.vigil.vrrp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the engine needs to know about one vrrp_instance, already validated.
 *
 * @param initialState         keepalived's {@code state}: MASTER or BACKUP (MASTER only skips the election when priority is 255)
 * @param priority             configured (base) priority 1..255; 255 = address owner
 * @param advertIntervalCentis advert_int in centiseconds (v2: whole seconds 1..255; v3: 1..4095)
 * @param preempt              false = {@code nopreempt}
 * @param authType             v2 only: {@link VrrpAdvertFlyweight#AUTH_NONE} or {@link VrrpAdvertFlyweight#AUTH_PASS}
 * @param authPassword         PASS password bytes (at most 8 are used), empty when none
 * @param sourceAddress        unicast_src_ip, or the interface's primary address; the node must resolve it before
 *                             building the instance ({@link #withSourceAddress}) — it is on the wire and breaks ties
 * @param unicastPeers         empty = multicast to 224.0.0.18
 * @param trackPrimaryInterface false = {@code dont_track_primary}: the instance's own interface going down is no FAULT
 * @param checkUnicastSource   {@code check_unicast_src} / {@code vrrp_check_unicast_src}: with unicast peers, drop
 *                             adverts whose source is not one of them
 * @param advertOptions        keepalived's advert and election knobs ({@link AdvertOptions#DEFAULT}: the RFC's)
 * @param vmac                 {@code use_vmac}, null without; then {@code interfaceName} is where adverts go (the VMAC, or
 *                             its base with {@code vmac_xmit_base}) and {@link #addressInterface()} the VMAC
 * @param garpExtraIf          {@code garp_extra_if}, null when off
 */
public record VrrpInstanceSpec(String name, String interfaceName, int vrid, int version, int priority,
                               VrrpState initialState, int advertIntervalCentis, boolean preempt, Duration preemptDelay,
                               int authType, byte[] authPassword,
                               List<VirtualAddress> virtualAddresses, List<VirtualAddress> excludedAddresses,
                               Ipv4Address sourceAddress, List<Ipv4Address> unicastPeers,
                               List<TrackerSpec> trackers, NotifySpec notifyScripts, GarpSpec garp,
                               boolean trackPrimaryInterface, boolean checkUnicastSource, AdvertOptions advertOptions,
                               VmacSpec vmac, GarpExtraIfSpec garpExtraIf) {

    public VrrpInstanceSpec {
        String at = "vrrp_instance " + name + ": ";
        if (vrid < 1 || vrid > 255) throw new IllegalArgumentException(at + "virtual_router_id " + vrid + " not in 1..255");
        if (priority < 1 || priority > 255) throw new IllegalArgumentException(at + "priority " + priority + " not in 1..255");
        if (version != 2 && version != 3) throw new IllegalArgumentException(at + "vrrp_version " + version + " not 2 or 3");
        if (initialState != VrrpState.MASTER && initialState != VrrpState.BACKUP)
            throw new IllegalArgumentException(at + "state must be MASTER or BACKUP");
        if (version == 2 && (advertIntervalCentis % 100 != 0 || advertIntervalCentis < 100 || advertIntervalCentis > 25500))
            throw new IllegalArgumentException(at + "VRRPv2 advert_int must be whole seconds 1..255");
        if (version == 3 && (advertIntervalCentis < 1 || advertIntervalCentis > 4095))
            throw new IllegalArgumentException(at + "VRRPv3 advert_int must be 0.01..40.95 s");
        if (preemptDelay.isNegative()) throw new IllegalArgumentException(at + "negative preempt_delay");
        if (authType != VrrpAdvertFlyweight.AUTH_NONE && authType != VrrpAdvertFlyweight.AUTH_PASS)
            throw new IllegalArgumentException(at + "only auth_type PASS is supported");
        if (version == 3) authType = VrrpAdvertFlyweight.AUTH_NONE; // keepalived ignores authentication for v3
        authPassword = Arrays.copyOf(authPassword, Math.min(authPassword.length, VrrpAdvertFlyweight.AUTH_DATA_LENGTH));
        if (virtualAddresses.size() > 255) throw new IllegalArgumentException(at + "more than 255 virtual addresses");
        virtualAddresses = List.copyOf(virtualAddresses);
        excludedAddresses = List.copyOf(excludedAddresses);
        unicastPeers = List.copyOf(unicastPeers);
        trackers = List.copyOf(trackers);
        if (advertOptions == null) advertOptions = AdvertOptions.DEFAULT;
        if (vmac != null && !interfaceName.equals(vmac.xmitBase() ? vmac.baseInterface() : vmac.name()))
            throw new IllegalArgumentException(at + "adverts must use the VMAC " + vmac.name() + " or, with vmac_xmit_base, its base");
    }

    /** Where the addresses without {@code dev} go: the VMAC, else the instance's interface. */
    public String addressInterface() { return vmac != null ? vmac.name() : interfaceName; }

    /** The configured {@code interface}: the VMAC's base with use_vmac (its primary address is the advert source). */
    public String baseInterface() { return vmac != null ? vmac.baseInterface() : interfaceName; }

    @Override public byte[] authPassword() { return authPassword.clone(); }

    public boolean unicast() { return !unicastPeers.isEmpty(); }

    public boolean addressOwner() { return priority == 255; }

    public VrrpInstanceSpec withSourceAddress(Ipv4Address source) {
        return new VrrpInstanceSpec(name, interfaceName, vrid, version, priority, initialState, advertIntervalCentis,
                preempt, preemptDelay, authType, authPassword, virtualAddresses, excludedAddresses, source,
                unicastPeers, trackers, notifyScripts, garp, trackPrimaryInterface, checkUnicastSource, advertOptions, vmac, garpExtraIf);
    }

    public VrrpInstanceSpec withPriority(int newPriority) {
        return new VrrpInstanceSpec(name, interfaceName, vrid, version, newPriority, initialState, advertIntervalCentis,
                preempt, preemptDelay, authType, authPassword, virtualAddresses, excludedAddresses, sourceAddress,
                unicastPeers, trackers, notifyScripts, garp, trackPrimaryInterface, checkUnicastSource, advertOptions, vmac, garpExtraIf);
    }

    public VrrpInstanceSpec withAdvertOptions(AdvertOptions o) {
        return new VrrpInstanceSpec(name, interfaceName, vrid, version, priority, initialState, advertIntervalCentis,
                preempt, preemptDelay, authType, authPassword, virtualAddresses, excludedAddresses, sourceAddress,
                unicastPeers, trackers, notifyScripts, garp, trackPrimaryInterface, checkUnicastSource, o, vmac, garpExtraIf);
    }

    public VrrpInstanceSpec withTrackers(List<TrackerSpec> newTrackers) {
        return new VrrpInstanceSpec(name, interfaceName, vrid, version, priority, initialState, advertIntervalCentis,
                preempt, preemptDelay, authType, authPassword, virtualAddresses, excludedAddresses, sourceAddress,
                unicastPeers, newTrackers, notifyScripts, garp, trackPrimaryInterface, checkUnicastSource, advertOptions, vmac, garpExtraIf);
    }

    public static Builder builder(String name) { return new Builder(name); }

    /** Mutable builder with keepalived's defaults (v2, advert_int 1, priority 100, state BACKUP, preempt). */
    public static final class Builder {
        private final String name;
        private String interfaceName = "eth0";
        private int vrid = 51, version = 2, priority = 100, advertCentis = 100, authType = VrrpAdvertFlyweight.AUTH_NONE;
        private VrrpState state = VrrpState.BACKUP;
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private byte[] password = new byte[0];
        private final List<VirtualAddress> vips = new ArrayList<>(), excluded = new ArrayList<>();
        private Ipv4Address source;
        private final List<Ipv4Address> peers = new ArrayList<>();
        private final List<TrackerSpec> trackers = new ArrayList<>();
        private NotifySpec notify = NotifySpec.NONE;
        private GarpSpec garp = GarpSpec.DEFAULT;
        private boolean trackPrimary = true;
        private boolean checkUnicastSource;
        private AdvertOptions advertOptions = AdvertOptions.DEFAULT;
        private VmacSpec vmac;
        private GarpExtraIfSpec garpExtraIf;

        private Builder(String name) { this.name = name; }

        public Builder interfaceName(String v) { interfaceName = v; return this; }
        public Builder vrid(int v) { vrid = v; return this; }
        public Builder version(int v) { version = v; return this; }
        public Builder priority(int v) { priority = v; return this; }
        public Builder state(VrrpState v) { state = v; return this; }
        public Builder advertIntervalCentis(int v) { advertCentis = v; return this; }
        public Builder preempt(boolean v) { preempt = v; return this; }
        public Builder preemptDelay(Duration v) { preemptDelay = v; return this; }
        public Builder authPass(String pass) {
            authType = VrrpAdvertFlyweight.AUTH_PASS;
            password = pass.getBytes(StandardCharsets.UTF_8);
            return this;
        }
        public Builder virtualAddress(VirtualAddress v) { vips.add(v); return this; }
        public Builder virtualAddress(String v) { vips.add(VirtualAddress.of(v, 32)); return this; }
        public Builder excludedAddress(VirtualAddress v) { excluded.add(v); return this; }
        public Builder sourceAddress(Ipv4Address v) { source = v; return this; }
        public Builder sourceAddress(String v) { source = Ipv4Address.parse(v); return this; }
        public Builder unicastPeer(Ipv4Address v) { peers.add(v); return this; }
        public Builder tracker(TrackerSpec t) { trackers.add(t); return this; }
        public Builder notify(NotifySpec v) { notify = v; return this; }
        public Builder garp(GarpSpec v) { garp = v; return this; }
        /** {@code dont_track_primary} = false. */
        public Builder trackPrimaryInterface(boolean v) { trackPrimary = v; return this; }
        public Builder checkUnicastSource(boolean v) { checkUnicastSource = v; return this; }
        public Builder advertOptions(AdvertOptions v) { advertOptions = v; return this; }
        /** use_vmac: also sets the advert interface (the VMAC, or its base with xmitBase). */
        public Builder vmac(VmacSpec v) { vmac = v; if (v != null) interfaceName = v.xmitBase() ? v.baseInterface() : v.name(); return this; }
        public Builder garpExtraIf(GarpExtraIfSpec v) { garpExtraIf = v; return this; }

        public VrrpInstanceSpec build() {
            return new VrrpInstanceSpec(name, interfaceName, vrid, version, priority, state, advertCentis, preempt,
                    preemptDelay, authType, password, vips, excluded, source, peers, trackers, notify, garp, trackPrimary,
                    checkUnicastSource, advertOptions, vmac, garpExtraIf);
        }
    }
}
