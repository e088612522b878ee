package io.vigil.journal;

import io.vigil.journal.Event.*;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.LongFunction;

/** Human-readable one-line forms of entries and causes, as {@code vigil journal show} prints them. */
public final class EntryFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private EntryFormat() {}

    public static String time(long wallNs) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(wallNs, 1_000_000_000L), Math.floorMod(wallNs, 1_000_000_000L)));
    }

    /**
     * {@code 2026-11-24T03:12:04.000123Z lb2 #1234 vrrp-transition VI_1 BACKUP->MASTER prio 100: master_down timer expired
     * <- timer master_down}; {@code causeSummary} resolves an event cause's seq to a short text (or null).
     */
    public static String line(Entry e, LongFunction<String> causeSummary) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(time(e.wallNs())).append(' ').append(e.node()).append(" #").append(e.seq()).append(' ')
                .append(e.type().cliName()).append(' ').append(summary(e.event()));
        Cause c = e.cause();
        if (!(c instanceof Cause.None)) {
            sb.append("  <- ").append(c.describe());
            if (c instanceof Cause.Event ce && causeSummary != null) {
                String s = causeSummary.apply(ce.seq());
                if (s != null) sb.append(" (").append(s).append(')');
            }
        }
        return sb.toString();
    }

    /** The event's own text, without time, node, seq or cause. */
    public static String summary(Event ev) {
        return switch (ev) {
            case NodeStarted e -> e.version() + " pid " + e.pid() + switch (e.previousEnd()) {
                case NodeStarted.CRASHED -> "; previous run CRASHED after #" + e.previousLastSeq() + " " + time(e.previousLastWallNs());
                case NodeStarted.CLEAN -> "; previous run ended cleanly";
                default -> "";
            };
            case NodeAlive e -> "alive" + (e.instances().isEmpty() ? "" : ": " + e.instances());
            case QuorumChanged e -> "[" + e.virtualServer() + "] quorum " + (e.up() ? "regained" : "LOST")
                    + (e.detail().isEmpty() ? "" : ": " + e.detail());
            case NodeStopped e -> e.reason();
            case ConfigApplied e -> e.path() + " " + e.contentHash() + (e.diffSummary().isEmpty() ? "" : " [" + e.diffSummary() + "]");
            case VrrpTransition e -> e.instance() + " " + e.from() + "->" + e.to()
                    + (e.priority() > 0 ? " prio " + e.priority() : "") + (e.reason().isEmpty() ? "" : ": " + e.reason());
            case PriorityChanged e -> e.instance() + " priority " + e.oldPriority() + "->" + e.newPriority() + " by " + e.tracker();
            case AdvertAnomaly e -> e.instance() + " " + e.kind().name().toLowerCase() + " from " + e.source()
                    + (e.detail().isEmpty() ? "" : ": " + e.detail());
            case MasterSeen e -> e.instance() + " master " + e.peer() + " prio " + e.priority() + (e.sampled() ? " (sample)" : "");
            case RouteChanged e -> e.owner() + (e.added() ? " add " : " del ")
                    + (e.route().startsWith("rule ") || e.route().startsWith("address ") ? "" : "route ") + e.route()
                    + (e.ok() ? e.error().isEmpty() ? " ok" : " (" + e.error() + ")" : " FAILED " + e.error());
            case HostChanged e -> (e.owner().isEmpty() ? "" : e.owner() + " ") + e.setting() + " " + e.value()
                    + (e.ok() ? " ok" : " FAILED " + e.error());
            case VipChanged e -> e.instance() + (e.added() ? " add " : " del ") + e.address() + " dev " + e.device()
                    + (e.ok() ? " ok" : " FAILED " + e.error());
            case GarpSent e -> e.instance() + " " + e.address() + " dev " + e.device() + " x" + e.count();
            case CheckResult e -> e.checker() + (e.target().isEmpty() ? "" : " " + e.target()) + (e.up() ? " UP " : " DOWN ") + ms(e.latencyNs())
                    + (e.attempt() > 1 ? " attempt " + e.attempt() : "") + (e.detail().isEmpty() ? "" : ": " + e.detail());
            case CheckSummary e -> e.checker() + " " + e.target() + (e.up() ? " UP" : " DOWN") + " x" + e.count()
                    + " " + time(e.firstWallNs()) + ".." + time(e.lastWallNs()) + " latency min " + ms(e.latencyMinNs())
                    + " mean " + ms(e.count() == 0 ? 0 : e.latencySumNs() / e.count()) + " max " + ms(e.latencyMaxNs())
                    + (e.detail().isEmpty() ? "" : ": " + e.detail());
            case RealServerChanged e -> "[" + e.virtualServer() + "] " + e.realServer() + (e.up() ? " UP" : " DOWN")
                    + " weight " + e.weight() + (e.quorumUp() ? " quorum up" : " QUORUM LOST");
            case IpvsChanged e -> e.op().name().toLowerCase().replace('_', '-') + " " + e.service()
                    + (e.destination().isEmpty() ? "" : " -> " + e.destination() + " weight " + e.weight()
                    + (e.forwarding().isEmpty() ? "" : " " + e.forwarding()))
                    + (e.ok() ? " ok" : " FAILED " + e.error());
            case NotifyRun e -> e.trigger() + " " + e.script() + " exit " + e.exitCode() + " " + ms(e.durationNs())
                    + (e.output().isEmpty() ? "" : ": " + firstLine(e.output()));
            case OperatorAction e -> e.who() + " " + e.action() + (e.detail().isEmpty() ? "" : " " + e.detail());
            case Snapshot e -> "state as of #" + e.view().seq() + ": " + e.view().instances().size() + " instances, "
                    + e.view().vips().size() + " VIPs, " + e.view().realServers().size() + " real servers";
            case Dropped e -> e.count() + " events lost (append buffer full)";
            case Unknown e -> "type " + e.tag() + " (" + e.body().length + " bytes, written by a newer vigil)";
        };
    }

    /** Multi-line text of a projected state, as {@code vigil journal state} prints it. */
    public static String view(View v) {
        StringBuilder sb = new StringBuilder();
        sb.append("as of #").append(v.seq()).append(' ').append(v.wallNs() == 0 ? "-" : time(v.wallNs()));
        if (!v.configHash().isEmpty()) sb.append("  config ").append(v.configHash());
        sb.append('\n');
        sb.append("vrrp_instance:\n");
        for (View.Instance i : v.instances().values())
            sb.append("  ").append(i.name()).append(' ').append(i.state()).append(" prio ").append(i.priority())
                    .append(" since #").append(i.sinceSeq()).append(' ').append(i.sinceWallNs() == 0 ? "-" : time(i.sinceWallNs()))
                    .append(i.master().isEmpty() ? "" : "  master " + i.master() + " prio " + i.masterPriority()).append('\n');
        sb.append("virtual_ipaddress held:\n");
        for (View.Vip x : v.vips().values())
            sb.append("  ").append(x.address()).append(" dev ").append(x.device()).append(" (").append(x.instance())
                    .append(") since #").append(x.sinceSeq()).append('\n');
        sb.append("real_server:\n");
        for (View.RealServer r : v.realServers().values())
            sb.append("  [").append(r.virtualServer()).append("] ").append(r.realServer()).append(r.up() ? " UP" : " DOWN")
                    .append(" weight ").append(r.weight()).append(" since #").append(r.sinceSeq()).append('\n');
        for (Map.Entry<String, Boolean> q : v.quorum().entrySet())
            sb.append("  quorum [").append(q.getKey()).append("] ").append(q.getValue() ? "up" : "LOST").append('\n');
        sb.append("IPVS table:\n");
        for (View.IpvsService s : v.ipvs().values()) {
            sb.append("  ").append(s.service()).append(" (since #").append(s.sinceSeq()).append(")\n");
            for (View.IpvsDest d : s.destinations().values())
                sb.append("    -> ").append(d.destination()).append(" weight ").append(d.weight())
                        .append(d.forwarding().isEmpty() ? "" : " " + d.forwarding()).append(" since #").append(d.sinceSeq()).append('\n');
        }
        sb.append("last check results:\n");
        for (View.Check c : v.checks().values())
            sb.append("  ").append(c.checker()).append(' ').append(c.target()).append(c.up() ? " UP " : " DOWN ")
                    .append(ms(c.latencyNs())).append(" #").append(c.seq()).append(' ').append(time(c.wallNs()))
                    .append(c.detail().isEmpty() ? "" : ": " + c.detail()).append('\n');
        return sb.toString();
    }

    private static String ms(long ns) { return String.format("%.1fms", ns / 1e6); }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }
}
