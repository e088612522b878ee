package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.List;
import java.util.Optional;

/** {@code vrrp_sync_group NAME { group { VI_1 VI_2 } notify_* ... track_* ... }}: members fail over together. */
public record VrrpSyncGroup(String name, List<String> group, Notify notifyScripts, List<TrackRef> trackScripts,
                            List<TrackRef> trackInterfaces, List<TrackRef> trackFiles, Optional<Boolean> smtpAlert,
                            SourceLocation where, ConfigNode node, List<TrackRef> trackProcesses) {
    public VrrpSyncGroup {
        trackProcesses = List.copyOf(trackProcesses);
        group = List.copyOf(group);
        trackScripts = List.copyOf(trackScripts);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackFiles = List.copyOf(trackFiles);
    }
}
