package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@code vrrp_instance}. Values are effective ones: keepalived's defaults are filled in and global_defs
 * values (vrrp_version, vrrp_garp_*) inherited, so the VRRP engine never has to know about defaults.
 *
 * @param state          initial state asked for (keepalived: MASTER only if also priority 255 takes effect at once)
 * @param priority       1..255; 255 means address owner
 * @param advertInterval advert_int (VRRPv2: whole seconds; VRRPv3: centisecond resolution)
 * @param syncGroup      the vrrp_sync_group this instance is a member of, if any
 */
public record VrrpInstance(String name, VrrpState state, Optional<String> iface, int virtualRouterId, int priority,
                           Duration advertInterval, int vrrpVersion, Optional<Authentication> authentication,
                           List<VirtualIp> virtualIpAddresses, List<VirtualIp> virtualIpAddressesExcluded,
                           Optional<String> unicastSrcIp, List<UnicastPeer> unicastPeers, Optional<String> mcastSrcIp,
                           boolean nopreempt, Duration preemptDelay, Duration garpMasterDelay, int garpMasterRepeat,
                           Duration garpMasterRefresh, int garpMasterRefreshRepeat,
                           List<TrackRef> trackScripts, List<TrackRef> trackInterfaces, List<TrackRef> trackFiles,
                           Notify notifyScripts, Optional<Boolean> smtpAlert, boolean dontTrackPrimary,
                           Optional<String> lvsSyncDaemonInterface, boolean useVmac, Optional<String> vmacName,
                           boolean accept, Optional<String> syncGroup, SourceLocation where, ConfigNode node,
                           List<TrackRef> trackProcesses) {
    public VrrpInstance {
        trackProcesses = List.copyOf(trackProcesses);
        virtualIpAddresses = List.copyOf(virtualIpAddresses);
        virtualIpAddressesExcluded = List.copyOf(virtualIpAddressesExcluded);
        unicastPeers = List.copyOf(unicastPeers);
        trackScripts = List.copyOf(trackScripts);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackFiles = List.copyOf(trackFiles);
    }

    /** Where a keyword of this instance was written (the instance itself if absent). */
    public SourceLocation locationOf(String keyword) { return node.child(keyword).map(ConfigNode::where).orElse(where); }

    public VrrpInstance withSyncGroup(String group) {
        return new VrrpInstance(name, state, iface, virtualRouterId, priority, advertInterval, vrrpVersion, authentication,
                virtualIpAddresses, virtualIpAddressesExcluded, unicastSrcIp, unicastPeers, mcastSrcIp, nopreempt,
                preemptDelay, garpMasterDelay, garpMasterRepeat, garpMasterRefresh, garpMasterRefreshRepeat, trackScripts,
                trackInterfaces, trackFiles, notifyScripts, smtpAlert, dontTrackPrimary, lvsSyncDaemonInterface, useVmac, vmacName,
                accept, Optional.of(group), where, node, trackProcesses);
    }
}
