package io.vigil.node;

import io.vigil.vrrp.SyncGroupSpec;
import io.vigil.vrrp.VrrpInstanceSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the node runs, taken from keepalived.conf: the VRRP instances and sync groups (the engine's specs; a null
 * source address is resolved from the interface at start), the vrrp_scripts they track, and the global script,
 * notify and GARP settings, and who mails on transitions ({@code mail}, smtp_alert). {@code contentHash} identifies
 * the configuration in journal causes. {@code fifoReaders}: notify_fifo_script / vrrp_notify_fifo_script readers to start on
 * the FIFOs; {@code fifoWriteStatesOnReload}: keepalived's fifo_write_vrrp_states_on_reload.
 */
public record NodeSetup(Path configPath, String contentHash, String routerId,
                        List<VrrpInstanceSpec> instances, List<SyncGroupSpec> syncGroups, List<VrrpScripts.Spec> scripts,
                        String scriptUser, boolean enableScriptSecurity, Duration notifyTimeout,
                        List<Path> notifyFifos, Duration garpInterval,
                        List<TrackFiles.Spec> trackFiles, List<ProcessTracker.Spec> trackProcesses, MailSetup mail,
                        RouteSetup routes, Duration vrrpStartupDelay, Set<String> notifyPriorityChanges,
                        List<FifoReader.Spec> fifoReaders, boolean fifoWriteStatesOnReload,
                        FirewallSetup firewall, io.vigil.config.Scheduling scheduling) {
    public NodeSetup {
        fifoReaders = fifoReaders == null ? List.of() : List.copyOf(fifoReaders);
        if (scheduling == null) scheduling = io.vigil.config.Scheduling.NONE;
        if (firewall == null) firewall = FirewallSetup.NONE;
        trackFiles = trackFiles == null ? List.of() : List.copyOf(trackFiles);
        trackProcesses = trackProcesses == null ? List.of() : List.copyOf(trackProcesses);
        notifyPriorityChanges = notifyPriorityChanges == null ? Set.of() : Set.copyOf(notifyPriorityChanges);
        if (vrrpStartupDelay == null) vrrpStartupDelay = Duration.ZERO;
        if (mail == null) mail = MailSetup.NONE;
        if (routes == null) routes = RouteSetup.NONE;
        instances = List.copyOf(instances);
        syncGroups = List.copyOf(syncGroups);
        scripts = List.copyOf(scripts);
        notifyFifos = List.copyOf(notifyFifos);
    }

    /** Without track files and processes, smtp_alert mails, static or virtual routes, vrrp_startup_delay. */
    public NodeSetup(Path configPath, String contentHash, String routerId, List<VrrpInstanceSpec> instances,
                     List<SyncGroupSpec> syncGroups, List<VrrpScripts.Spec> scripts, String scriptUser,
                     boolean enableScriptSecurity, Duration notifyTimeout, List<Path> notifyFifos, Duration garpInterval) {
        this(configPath, contentHash, routerId, instances, syncGroups, scripts, scriptUser, enableScriptSecurity,
                notifyTimeout, notifyFifos, garpInterval, List.of(), List.of(), MailSetup.NONE, RouteSetup.NONE, Duration.ZERO, Set.of(),
                List.of(), false, FirewallSetup.NONE, io.vigil.config.Scheduling.NONE);
    }
}
