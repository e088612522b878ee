package io.vigil.node;

import io.vigil.check.HealthEvent;
import io.vigil.check.HealthModel;
import io.vigil.check.LvsNotices;
import io.vigil.check.LvsNotices.Notice;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.RealServer;
import io.vigil.config.Script;
import io.vigil.config.VirtualServer;
import io.vigil.config.VirtualServerAddress;
import io.vigil.ipvs.IpvsConfigMapper;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checker's notifications, as keepalived's checker process gives them: what {@link LvsNotices} decides from the
 * health events is run here — notify_up/notify_down and quorum_up/quorum_down through the one {@link ScriptRunner}
 * (one virtual server's scripts in order, off the checker's threads), lines to notify_fifo and lvs_notify_fifo, and
 * smtp_alert mails through the VRRP side's {@link Mailer}. Each script run and mail is journaled as a NotifyRun with
 * exit code and first output lines, caused by the entry of the health change it reports.
 */
final class LvsNotifier implements AutoCloseable {
    /** keepalived runs the omega scripts at stop with a 1 s limit (system_call_script with TIMER_HZ), then kills them. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);

    private final LvsNotices notices;
    private final Notifier notifier;
    private final ScriptRunner runner;
    private final String scriptGroup;
    private final Mailer mailer;
    private final MailSetup mail;
    private final String routerId;
    private final Map<String, ScriptRunner> runners = new java.util.concurrent.ConcurrentHashMap<>();
    /** What the omega runs at stop cite (the stop signal); a run without an event cause cites it. */
    private final java.util.concurrent.atomic.AtomicReference<Cause> stopCause;
    /** The global notify_fifo when the VRRP side writes it (one writer); a no-op when ours is in {@link #notifier}. */
    private final java.util.function.Consumer<String> sharedFifo;

    private LvsNotifier(LvsNotices notices, Notifier notifier, ScriptRunner runner, String scriptGroup,
                        Mailer mailer, MailSetup mail, String routerId, java.util.concurrent.atomic.AtomicReference<Cause> stopCause,
                        java.util.function.Consumer<String> sharedFifo) {
        this.stopCause = stopCause;
        this.sharedFifo = sharedFifo;
        this.notices = notices;
        this.notifier = notifier;
        this.runner = runner;
        this.scriptGroup = scriptGroup;
        this.mailer = mailer;
        this.mail = mail;
        this.routerId = routerId;
    }

    /** For {@code config}'s virtual servers as the check engine has them ({@code model}); FIFOs opened (made if missing). */
    static LvsNotifier start(KeepalivedConfig config, HealthModel model, Journal journal, CheckerNode.TrackerSink vrrpSide) {
        var gd = config.globalDefs();
        List<NotifyFifo> fifos = new ArrayList<>();
        // the global notify_fifo has one writer: the VRRP side's, when there is one (vigil run); else ours
        Optional<Path> global = NodeConfig.global(gd.node(), "notify_fifo").map(Path::of);
        boolean shared = global.isPresent() && vrrpSide.writesNotifyFifo();
        for (String kw : shared ? List.of("lvs_notify_fifo") : List.of("notify_fifo", "lvs_notify_fifo")) {
            NodeConfig.global(gd.node(), kw).ifPresent(f -> {
                try {
                    fifos.add(new NotifyFifo(Path.of(f)));
                } catch (IOException e) {
                    NodeLog.error(kw + " " + f + ": " + e.getMessage());
                }
            });
        }
        ScriptRunner runner = new ScriptRunner(gd.scriptUser().orElse(null), gd.scriptGroup().orElse(null), gd.enableScriptSecurity());
        var stopCause = new java.util.concurrent.atomic.AtomicReference<Cause>(Cause.NONE);
        Notifier notifier = new Notifier(runner, NodeConfig.NOTIFY_TIMEOUT, fifos, (trigger, o, causeSeq) -> {
            String out = String.join("\n", o.firstLines());
            if (o.error() != null) out = o.error() + (out.isEmpty() ? "" : "\n" + out);
            journal.append(causeSeq >= 0 ? Cause.event(causeSeq) : stopCause.get(),
                    new Event.NotifyRun(o.command().toString(), trigger, o.exitCode(), o.duration().toNanos(), out));
            if (!o.ok()) NodeLog.warn("notify " + o.command() + " (" + trigger + "): " + (o.error() != null ? o.error() : "exit " + o.exitCode()));
        });
        // keepalived starts lvs_notify_fifo_script once its FIFO exists, with the FIFO's name as last argument
        FifoReader.Spec.of(gd.node(), "lvs_notify_fifo", "lvs_notify_fifo_script").flatMap(r -> FifoReader.start(r,
                gd.scriptUser().orElse(null), gd.scriptGroup().orElse(null), gd.enableScriptSecurity(), journal)).ifPresent(notifier::reader);
        return new LvsNotifier(new LvsNotices(spec(config, model)), notifier, runner, gd.scriptGroup().orElse(null),
                new Mailer(journal), NodeConfig.mail(config, w -> { }), gd.routerId().orElse(null), stopCause,
                shared ? line -> vrrpSide.notifyFifo(global.get(), line) : line -> { });
    }

    /** The global_defs keywords the notifications depend on: a reload that changes one restarts the checker (health kept). */
    static final List<String> GLOBALS = List.of("router_id", "notify_fifo", "lvs_notify_fifo", "lvs_notify_fifo_script",
            "notification_email", "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout",
            "smtp_alert", "smtp_alert_checker", "no_checker_emails", "rs_init_notifies", "lvs_flush_on_stop");

    /** keepalived's view of the checker's configuration: scripts, names, smtp_alert as resolved in check_data.c. */
    static LvsNotices.Spec spec(KeepalivedConfig c, HealthModel model) {
        ConfigNode g = c.globalDefs().node();
        Optional<Boolean> checkerDefault = bool(g, "smtp_alert_checker").or(() -> c.globalDefs().smtpAlert());
        Map<String, HealthModel.VirtualServerSpec> byId = new HashMap<>();
        model.virtualServers().forEach(v -> byId.put(v.id(), v));
        List<LvsNotices.Vs> out = new ArrayList<>();
        for (VirtualServer vs : c.virtualServers()) {
            String id = IpvsConfigMapper.name(vs);
            HealthModel.VirtualServerSpec m = byId.get(id);
            if (m == null) continue;
            String proto = vs.protocol().name().toLowerCase(java.util.Locale.ROOT);
            List<LvsNotices.Rs> rss = new ArrayList<>();
            for (RealServer rs : vs.realServers()) {
                List<String> a = rs.node().args();
                if (a.size() < 2) continue;
                String rsId = (a.get(0).indexOf(':') >= 0 ? "[" + a.get(0) + "]" : a.get(0)) + ":" + a.get(1);
                var spec = m.realServers().stream().filter(r -> r.id().equals(rsId)).findFirst();
                if (spec.isEmpty()) continue;
                Map<String, String> checkers = new HashMap<>();
                spec.get().checkers().forEach(k -> checkers.put(k.name(), k.keyword()));
                rss.add(new LvsNotices.Rs(rsId, "[" + rs.ip() + "]:" + proto + ":" + rs.port(), runnable(rs.notifyUp()),
                        runnable(rs.notifyDown()), rs.smtpAlert().or(() -> checkerDefault).orElse(true),
                        spec.get().alpha(), checkers));
            }
            String display = switch (vs.address()) {
                case VirtualServerAddress.IpPort ip -> "[" + ip.ip() + "]:" + proto + ":" + ip.port();
                case VirtualServerAddress.Fwmark f -> "FWM " + Integer.toUnsignedString(f.mark());
                case VirtualServerAddress.Group gr -> "[" + gr.name() + "]:0";
            };
            out.add(new LvsNotices.Vs(id, display, runnable(vs.quorumUp()), runnable(vs.quorumDown()),
                    vs.omega(), vs.smtpAlert().or(() -> checkerDefault).orElse(false), vs.sorryServer().isPresent(), rss));
        }
        return new LvsNotices.Spec(out, g.child("rs_init_notifies").isPresent(), bool(g, "no_checker_emails").orElse(false),
                g.child("lvs_flush_on_stop").filter(n -> n.args().isEmpty() || !n.args().getFirst().equalsIgnoreCase("off")).isPresent());
    }

    private static LvsNotices.Command command(Script s) { return new LvsNotices.Command(s.command(), s.user(), s.group()); }

    /** keepalived disables a notify script it cannot run (missing, not executable); ScriptFile.audit warned about it. */
    private static Optional<LvsNotices.Command> runnable(Optional<Script> s) {
        return s.filter(x -> io.vigil.config.source.ScriptFile.problem(x.command()).isEmpty()).map(LvsNotifier::command);
    }

    /** keepalived's boolean keyword: no value, on, true or yes is true. */
    private static Optional<Boolean> bool(ConfigNode g, String keyword) {
        Optional<Boolean> v = Optional.empty();
        for (ConfigNode n : g.children()) {
            if (n.keyword().equals(keyword))
                v = Optional.of(n.args().isEmpty() || List.of("on", "true", "yes").contains(n.args().getFirst().toLowerCase(java.util.Locale.ROOT)));
        }
        return v;
    }

    /** See {@link LvsNotices#carried}. */
    void carried(Map<String, Boolean> checkers, Map<String, Boolean> realServers, Map<String, Boolean> quorum) {
        notices.carried(checkers, realServers, quorum);
    }

    /** After {@code e} was journaled as {@code cause}: its notices, queued; never blocks. On the checker's context. */
    void on(HealthEvent e, Cause cause) {
        List<Notice> todo = notices.on(e);
        if (!todo.isEmpty()) apply(todo, cause instanceof Cause.Event ev ? ev.seq() : -1, NodeConfig.NOTIFY_TIMEOUT);
    }

    /** keepalived's omega at stop; waits (bounded) until the scripts ran and the mails left. */
    void stop(Cause cause) {
        List<Notice> todo = notices.stop();
        if (todo.isEmpty()) return;
        stopCause.set(cause);
        apply(todo, cause instanceof Cause.Event ev ? ev.seq() : -1, STOP_TIMEOUT);
        notifier.awaitIdle(Duration.ofSeconds(10));
    }

    private void apply(List<Notice> todo, long causeSeq, Duration timeout) {
        for (Notice n : todo) {
            switch (n) {
                case Notice.Script s -> {
                    ScriptCommand cmd;
                    try {
                        cmd = ScriptCommand.parse(s.command().line());
                    } catch (IllegalArgumentException e) {
                        NodeLog.warn(s.trigger() + ": " + e.getMessage());
                        continue;
                    }
                    notifier.run(s.owner(), s.trigger(), cmd, causeSeq, runnerFor(s.command()), timeout);
                }
                case Notice.FifoLine f -> {
                    notifier.fifoLine(f.line());
                    sharedFifo.accept(f.line());
                }
                case Notice.Mail m -> mailer.checker(mail, routerId, m.trigger(), m.subject(), m.body(), causeSeq);
            }
        }
    }

    /** A script with its own user (keepalived: {@code notify_up SCRIPT USER [GROUP]}) runs as that user. */
    private ScriptRunner runnerFor(LvsNotices.Command c) {
        if (c.user().isEmpty()) return runner;
        String key = c.user().get() + ":" + c.group().orElse("");
        return runners.computeIfAbsent(key, k -> runner.as(c.user().get(), c.group().orElse(scriptGroup)));
    }

    @Override public void close() {
        notifier.close();
        mailer.close();
    }
}
