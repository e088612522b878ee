package io.vigil.node;

import io.vigil.vrrp.SyncGroupSpec;
import io.vigil.vrrp.VrrpInstanceSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the node runs, taken from keepalived.conf: the VRRP instances and sync groups (the engine's specs; a null
 * source address is resolved from the interface at start), the vrrp_scripts they track, and the global script,
 * notify and GARP settings. {@code contentHash} identifies the configuration in journal causes.
 */
public record NodeSetup(Path configPath, String contentHash, String routerId,
                        List<VrrpInstanceSpec> instances, List<SyncGroupSpec> syncGroups, List<VrrpScripts.Spec> scripts,
                        String scriptUser, boolean enableScriptSecurity, Duration notifyTimeout,
                        List<Path> notifyFifos, Duration garpInterval,
                        List<TrackFiles.Spec> trackFiles, List<ProcessTracker.Spec> trackProcesses) {
    public NodeSetup {
        trackFiles = List.copyOf(trackFiles);
        trackProcesses = List.copyOf(trackProcesses);
        instances = List.copyOf(instances);
        syncGroups = List.copyOf(syncGroups);
        scripts = List.copyOf(scripts);
        notifyFifos = List.copyOf(notifyFifos);
    }
}
