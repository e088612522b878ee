package io.vigil.journal.forensic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.journal.EntryFormat;
import io.vigil.journal.forensic.Forensics.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The incident report as operators script it ({@code vigil journal incidents --json}: one JSON object per line,
 * each with a {@code type}) and as they read it (text). The JSON shape is a stable interface: docs/forensics.md
 * lists it; only add fields.
 */
public final class IncidentFormat {
    private IncidentFormat() {}

    public static List<JsonObject> json(Report r) {
        List<JsonObject> out = new ArrayList<>();
        for (SplitBrain w : r.splitBrains())
            out.add(new JsonObject().put("type", "split-brain").put("instance", w.instance()).put("nodes", new JsonArray(w.nodes()))
                    .put("start", time(w.startNs())).put("end", w.endNs() < 0 ? null : time(w.endNs()))
                    .put("durationMs", w.endNs() < 0 ? null : (w.endNs() - w.startNs()) / 1e6)
                    .put("class", w.cls()).put("openedBy", w.openedBy()).put("closedBy", w.closedBy()).put("evidence", new JsonArray(w.evidence())));
        for (Crash c : r.crashes())
            out.add(new JsonObject().put("type", "crash").put("node", c.node()).put("lastEntry", time(c.lastEntryNs()))
                    .put("lastSeq", c.lastSeq()).put("restart", c.restartNs() < 0 ? null : time(c.restartNs())));
        for (ClockSkew.Estimate s : r.skews())
            out.add(new JsonObject().put("type", "skew").put("node", s.node()).put("reference", s.reference())
                    .put("offsetMs", s.offsetNs() / 1e6)
                    .put("boundMs", s.estimated() ? s.boundNs() / 1e6 : null).put("pairs", s.pairs()));
        for (MissingPeer m : r.missingPeers())
            out.add(new JsonObject().put("type", "missing-peer").put("instance", m.instance()).put("address", m.address())
                    .put("heardBy", m.heardBy()).put("first", time(m.firstNs())).put("last", time(m.lastNs()))
                    .put("hearings", m.hearings()));
        for (Failover f : r.failovers())
            out.add(new JsonObject().put("type", "failover").put("instance", f.instance()).put("node", f.node())
                    .put("seq", f.seq()).put("at", time(f.atNs())).put("from", f.from()).put("why", why(f.why())));
        for (String w : r.warnings()) out.add(new JsonObject().put("type", "warning").put("message", w));
        return out;
    }

    public static JsonArray why(List<Link> chain) {
        JsonArray a = new JsonArray();
        for (Link l : chain)
            a.add(new JsonObject().put("node", l.node()).put("seq", l.seq() < 0 ? null : l.seq()).put("at", time(l.atNs()))
                    .put("type", l.type()).put("text", l.text()));
        return a;
    }

    public static String text(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("journals: ").append(String.join(", ", r.nodes()));
        if (r.firstNs() != 0) sb.append("  ").append(time(r.firstNs())).append(" .. ").append(time(r.lastNs()));
        sb.append('\n');
        for (ClockSkew.Estimate s : r.skews())
            sb.append(s.estimated()
                    ? String.format("clock   %s %+.1f ms ± %.1f ms against %s (%d causal pairs)%n", s.node(), s.offsetNs() / 1e6,
                        s.boundNs() / 1e6, s.reference(), s.pairs())
                    : String.format("clock   %s %+.1f ms against %s: bound open (%d causal pairs, one direction only)%n",
                        s.node(), s.offsetNs() / 1e6, s.reference(), s.pairs()));
        for (SplitBrain w : r.splitBrains()) {
            sb.append("split-brain ").append(w.instance()).append(" [").append(w.cls()).append("] ")
                    .append(String.join(" + ", w.nodes())).append(' ').append(time(w.startNs())).append(" .. ")
                    .append(w.endNs() < 0 ? "(still open)" : time(w.endNs()) + String.format(" (%.3f s)", (w.endNs() - w.startNs()) / 1e9))
                    .append('\n');
            for (String e : w.evidence()) sb.append("    ").append(e).append('\n');
        }
        if (r.splitBrains().isEmpty())
            sb.append(r.missingPeers().isEmpty() ? "split-brain: none (never two MASTERs of one instance in the evidence)\n"
                    : "split-brain: none in the loaded journals, but the peers below advertised without a journal loaded\n");
        for (Crash c : r.crashes())
            sb.append("crash   ").append(c.node()).append(" between ").append(time(c.lastEntryNs())).append(" (last entry #")
                    .append(c.lastSeq()).append(") and ").append(c.restartNs() < 0 ? "the end of the journals (never restarted)"
                            : time(c.restartNs()) + " (restart)").append('\n');
        for (MissingPeer m : r.missingPeers())
            sb.append("missing-peer ").append(m.address()).append(" advertised ").append(m.instance()).append(", no journal loaded (heard by ")
                    .append(m.heardBy()).append(' ').append(m.hearings()).append("x, ").append(time(m.firstNs())).append(" .. ")
                    .append(time(m.lastNs())).append(")\n");
        for (Failover f : r.failovers()) {
            sb.append("failover ").append(f.instance()).append(' ').append(f.node()).append('#').append(f.seq()).append(' ')
                    .append(time(f.atNs())).append(' ').append(f.from()).append("->MASTER\n");
            sb.append(whyText(f.why(), "    "));
        }
        for (String w : r.warnings()) sb.append("warning: ").append(w).append('\n');
        return sb.toString();
    }

    public static String whyText(List<Link> chain, String indent) {
        StringBuilder sb = new StringBuilder();
        for (Link l : chain)
            sb.append(indent).append("<- ").append(l.seq() >= 0 ? l.ref() + " " + time(l.atNs()) + " " + l.type() + " " : "")
                    .append(l.text()).append('\n');
        return sb.toString();
    }

    static String time(long ns) { return EntryFormat.time(ns); }
}
