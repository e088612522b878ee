package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.List;
import java.util.Optional;

/**
 * A keepalived.conf as Vigil understands it: immutable, every value carrying the file:line:col it came from.
 *
 * @param otherBlocks  top-level blocks Vigil parses but does not model (static_ipaddress, bfd_instance, ...)
 * @param files        every file read, main file first, in include order
 * @param contentHash  SHA-256 (hex) of the effective configuration text — the tokens after includes, conditionals
 *                     and parameter substitution — so comment or whitespace edits do not change it
 */
public record KeepalivedConfig(GlobalDefs globalDefs, List<VrrpScript> vrrpScripts, List<VrrpTrackFile> vrrpTrackFiles,
                               List<VrrpSyncGroup> vrrpSyncGroups, List<VrrpInstance> vrrpInstances,
                               List<VirtualServerGroup> virtualServerGroups, List<VirtualServer> virtualServers,
                               List<ConfigNode> otherBlocks, List<String> files, String contentHash,
                               List<VrrpTrackProcess> vrrpTrackProcesses) {
    public KeepalivedConfig {
        vrrpTrackProcesses = List.copyOf(vrrpTrackProcesses);
        vrrpScripts = List.copyOf(vrrpScripts);
        vrrpTrackFiles = List.copyOf(vrrpTrackFiles);
        vrrpSyncGroups = List.copyOf(vrrpSyncGroups);
        vrrpInstances = List.copyOf(vrrpInstances);
        virtualServerGroups = List.copyOf(virtualServerGroups);
        virtualServers = List.copyOf(virtualServers);
        otherBlocks = List.copyOf(otherBlocks);
        files = List.copyOf(files);
    }

    public Optional<VrrpInstance> vrrpInstance(String name) {
        return vrrpInstances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public Optional<VrrpScript> vrrpScript(String name) {
        return vrrpScripts.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<VrrpTrackFile> vrrpTrackFile(String name) {
        return vrrpTrackFiles.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<VrrpTrackProcess> vrrpTrackProcess(String name) {
        return vrrpTrackProcesses.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Optional<VirtualServerGroup> virtualServerGroup(String name) {
        return virtualServerGroups.stream().filter(g -> g.name().equals(name)).findFirst();
    }
}
