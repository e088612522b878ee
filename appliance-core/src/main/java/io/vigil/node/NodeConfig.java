package io.vigil.node;

import io.vigil.check.api.ScriptCommand;

import io.vigil.check.api.ConfigNode;
import io.vigil.config.Diagnostic;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.source.ScriptFile;
import io.vigil.config.VirtualIp;
import io.vigil.config.VrrpScript;
import io.vigil.vrrp.TrackerSpec;
import io.vigil.vrrp.VrrpInstanceSpec;
import io.vigil.vrrp.VrrpSpecs;

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
 * file:line:col; things Vigil does not act on (IPv6 VIPs, VIP scope) are warnings, and the rest still runs.
 */
public final class NodeConfig {
    /** keepalived has no notify timeout; a hung script must still not pile up forever. */
    public static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);

    private NodeConfig() { }

    /** Raised for a configuration the node cannot run; the message starts with file:line:col. */
    public static final class Invalid extends Exception {
        public Invalid(String message) { super(message); }
    }

    /**
     * The engine specs come from {@link VrrpSpecs} (the one mapping of the model to VRRP); this adds what only the
     * node runs: vrrp_script processes, notify FIFOs, script security, and warnings for what it does not act on.
     */
    public static NodeSetup from(KeepalivedConfig c, Path path, Consumer<String> warn) throws Invalid {
        VrrpSpecs.Mapped mapped = VrrpSpecs.fromConfig(c);
        for (Diagnostic d : mapped.diagnostics()) {
            if (d.isError()) throw new Invalid(d.format());
            warn.accept(d.format());
        }
        for (Diagnostic d : ScriptFile.audit(c)) warn.accept(d.format());
        List<VrrpInstanceSpec> instances = withoutDisabledScripts(c, mapped.instances());
        Map<String, VrrpScripts.Spec> scripts = new LinkedHashMap<>();
        for (VrrpInstanceSpec spec : instances) {
            for (TrackerSpec t : spec.trackers()) {
                if (t.kind() != TrackerSpec.Kind.SCRIPT || scripts.containsKey(t.name())) continue;
                VrrpScript s = c.vrrpScript(t.name()).orElse(null);
                // a vrrp_script written as a checker block (NGINX_CHECK { ... }) is run by CheckerNode's plugins
                if (s != null && !isCheckerTracker(s)) scripts.put(s.name(), script(s));
            }
        }
        // a track_file / vrrp_track_process is read only if some instance tracks it (keepalived)
        Map<String, TrackFiles.Spec> files = new LinkedHashMap<>();
        Map<String, ProcessTracker.Spec> processes = new LinkedHashMap<>();
        for (VrrpInstanceSpec spec : instances) {
            for (TrackerSpec t : spec.trackers()) {
                if (t.kind() == TrackerSpec.Kind.FILE) c.vrrpTrackFile(t.name()).ifPresent(f -> files.putIfAbsent(f.name(),
                        new TrackFiles.Spec(f.name(), Path.of(f.file()), f.initValue(), f.initOverwrite())));
                if (t.kind() == TrackerSpec.Kind.PROCESS) c.vrrpTrackProcess(t.name()).ifPresent(p -> processes.putIfAbsent(p.name(),
                        new ProcessTracker.Spec(p.name(), p.process(),
                                p.params().isEmpty() && p.paramMatch().isEmpty() ? null : p.params(), p.paramMatch().orElse(""),
                                p.quorum(), p.quorumMax(), p.forkDelay(), p.terminateDelay(), p.fullCommand())));
            }
        }
        for (io.vigil.config.VrrpInstance i : c.vrrpInstances()) {
            for (VirtualIp v : i.virtualIpAddresses())
                if (v.scope().isPresent() && !v.scope().get().equals("global"))
                    warn.accept(v.where() + ": scope " + v.scope().get() + " is not applied (added as global)");
        }
        var gd = c.globalDefs();
        List<Path> fifos = new ArrayList<>();
        for (String kw : List.of("notify_fifo", "vrrp_notify_fifo")) {
            global(gd.node(), kw).ifPresent(f -> fifos.add(Path.of(f)));
        }
        return new NodeSetup(path, c.contentHash(), gd.routerId().orElse(null), instances, mapped.syncGroups(),
                List.copyOf(scripts.values()), gd.scriptUser().orElse(null), gd.enableScriptSecurity(), NOTIFY_TIMEOUT,
                fifos, gd.vrrpGarpInterval(), List.copyOf(files.values()), List.copyOf(processes.values()),
                mail(c, warn), RouteSetup.from(c), startupDelay(gd.node()), priorityChanges(c), fifoReaders(gd.node()),
                gd.node().child("fifo_write_vrrp_states_on_reload").isPresent(), FirewallSetup.from(c), gd.scheduling());
    }

    /**
     * A tracked vrrp_script whose program is missing or not executable is disabled, as keepalived 2.2.7 does: it
     * is not run and its instances track it no more (warned about at its script line).
     */
    private static List<VrrpInstanceSpec> withoutDisabledScripts(KeepalivedConfig c, List<VrrpInstanceSpec> in) {
        List<VrrpInstanceSpec> out = new ArrayList<>();
        for (VrrpInstanceSpec spec : in) {
            List<TrackerSpec> kept = spec.trackers().stream().filter(t -> t.kind() != TrackerSpec.Kind.SCRIPT
                    || c.vrrpScript(t.name()).filter(s -> !isCheckerTracker(s))
                            .flatMap(s -> ScriptFile.problem(s.script().command())).isEmpty()).toList();
            out.add(kept.size() == spec.trackers().size() ? spec : spec.withTrackers(kept));
        }
        return out;
    }

    /**
     * smtp_alert as keepalived 2.2.7 resolves it: an instance's or group's own smtp_alert, else global
     * smtp_alert_vrrp, else global smtp_alert, else off. Nothing is mailed without smtp_server and notification_email.
     */
    static MailSetup mail(KeepalivedConfig c, Consumer<String> warn) {
        var gd = c.globalDefs();
        Optional<Boolean> dflt = globalBool(gd.node(), "smtp_alert_vrrp").or(gd::smtpAlert);
        var instances = new java.util.HashSet<String>();
        var groups = new java.util.HashSet<String>();
        for (io.vigil.config.VrrpInstance i : c.vrrpInstances())
            if (i.smtpAlert().or(() -> dflt).orElse(false)) instances.add(i.name());
        for (io.vigil.config.VrrpSyncGroup g : c.vrrpSyncGroups())
            if (g.smtpAlert().or(() -> dflt).orElse(false)) groups.add(g.name());
        if ((!instances.isEmpty() || !groups.isEmpty()) && (gd.smtpServer().isEmpty() || gd.notificationEmail().isEmpty()))
            warn.accept(gd.locationOf(gd.smtpServer().isEmpty() ? "smtp_alert" : "smtp_server") + ": smtp_alert is on but "
                    + (gd.smtpServer().isEmpty() ? "no smtp_server" : "no notification_email") + " is set: no mail is sent"
                    + " (as keepalived)");
        if (gd.smtpServer().isEmpty() || gd.notificationEmail().isEmpty()) return MailSetup.NONE;
        return new MailSetup(gd.smtpServer().get(), gd.smtpPort().orElse(25), gd.smtpHeloName().orElse(""),
                gd.notificationEmailFrom().orElse(""), gd.notificationEmail(), gd.smtpConnectTimeout(), instances, groups,
                globalBool(gd.node(), "no_email_faults").orElse(false));
    }

    /** The last {@code keyword} in global_defs as keepalived's boolean: no value, on, true or yes is true. */
    private static Optional<Boolean> globalBool(ConfigNode globalDefs, String keyword) {
        Optional<Boolean> v = Optional.empty();
        for (ConfigNode n : globalDefs.children()) {
            if (!n.keyword().equals(keyword)) continue;
            v = Optional.of(n.args().isEmpty() || List.of("on", "true", "yes").contains(n.args().getFirst().toLowerCase()));
        }
        return v;
    }

    /** {@code vrrp_script NAME { NGINX_CHECK { ... } ... }}: no script line, one checker block (a Vigil extension). */
    public static boolean isCheckerTracker(VrrpScript s) {
        return s.script().command().isBlank()
                && s.node().children().stream().anyMatch(n -> n.keyword().matches("[A-Z][A-Z0-9_]*"));
    }

    private static VrrpScripts.Spec script(VrrpScript s) throws Invalid {
        try {
            return new VrrpScripts.Spec(s.name(), ScriptCommand.parse(s.script().command()), s.interval(), s.timeout(),
                    s.rise(), s.fall(), s.initFail(), s.script().user().orElse(null), s.script().group().orElse(null));
        } catch (IllegalArgumentException e) {
            throw new Invalid(s.where() + ": vrrp_script " + s.name() + ": " + e.getMessage());
        }
    }

    /** notify_fifo_script and vrrp_notify_fifo_script, for the FIFOs they read (the VRRP side owns both FIFOs). */
    static List<FifoReader.Spec> fifoReaders(ConfigNode g) {
        List<FifoReader.Spec> out = new ArrayList<>();
        FifoReader.Spec.of(g, "notify_fifo", "notify_fifo_script").ifPresent(out::add);
        FifoReader.Spec.of(g, "vrrp_notify_fifo", "vrrp_notify_fifo_script").ifPresent(out::add);
        return out;
    }

    /** Instances with notify_priority_changes, their own or global vrrp_notify_priority_changes. */
    static java.util.Set<String> priorityChanges(KeepalivedConfig c) {
        boolean dflt = globalBool(c.globalDefs().node(), "vrrp_notify_priority_changes").orElse(false);
        var out = new java.util.HashSet<String>();
        for (io.vigil.config.VrrpInstance i : c.vrrpInstances()) {
            Optional<Boolean> own = Optional.empty();
            for (ConfigNode n : i.node().childrenNamed("notify_priority_changes"))
                own = Optional.of(n.args().isEmpty() || List.of("on", "true", "yes").contains(n.args().getFirst().toLowerCase()));
            if (own.orElse(dflt)) out.add(i.name());
        }
        return out;
    }

    /** vrrp_startup_delay SECONDS (decimal); a bad value was reported at load. */
    static Duration startupDelay(ConfigNode g) {
        return global(g, "vrrp_startup_delay").flatMap(v -> {
            try {
                var s = new java.math.BigDecimal(v);
                return s.signum() > 0 ? Optional.of(Duration.ofNanos(s.movePointRight(9).longValue())) : Optional.<Duration>empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }).orElse(Duration.ZERO);
    }

    /** First argument of a global_defs keyword, if written. */
    static Optional<String> global(ConfigNode globalDefs, String keyword) {
        return globalDefs.child(keyword).filter(n -> !n.args().isEmpty()).map(n -> n.args().getFirst());
    }
}
