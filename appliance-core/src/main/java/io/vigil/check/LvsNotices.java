package io.vigil.check;

import io.vigil.check.HealthEvent.CheckerChanged;
import io.vigil.check.HealthEvent.ProbeCompleted;
import io.vigil.check.HealthEvent.QuorumChanged;
import io.vigil.check.HealthEvent.RealServerChanged;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What keepalived 2.2.7's checker tells the outside world about health changes (check/ipwrapper.c do_rs_notifies,
 * do_vs_notifies, clear_services; the checkers' smtp_alert calls), decided from the engine's events: notify_up /
 * notify_down scripts, quorum_up / quorum_down scripts, the LVS fifo lines and the checker mails. Pure: the shell
 * ({@code node.LvsNotifier}) runs, writes and sends what this returns, citing the event it came from.
 *
 * <ul>
 *   <li>A real server's change runs its notify_up/notify_down (as written, no arguments added) and writes
 *       {@code RS [rs]:tcp:80 [vs]:tcp:80 UP|DOWN}. At start nothing, unless {@code rs_init_notifies} (then notify_up
 *       for each real server that starts alive); an alpha checker whose first verdict is a failure runs notify_down
 *       of its (never up) real server, as keepalived's update_svr_checker_state does on a checker's first run.</li>
 *   <li>Quorum gained/lost runs quorum_up/quorum_down, writes {@code VS [vs]:tcp:80 UP|DOWN} and mails when the
 *       virtual server's smtp_alert is on. At start only "Starting with quorum down" is told, and only with a
 *       sorry_server (keepalived's update_quorum_state(vs, init)).</li>
 *   <li>A checker going up or down mails (real server's smtp_alert) when the real server changed, or always unless
 *       {@code no_checker_emails}; MISC_CHECK also mails its first verdict.</li>
 *   <li>At stop, with {@code omega}: notify_down, the RS line and a "Shutting down" mail for each alive real server
 *       (not when the IPVS table is flushed at stop), then quorum_down, the VS line and mail for the virtual server.</li>
 * </ul>
 */
public final class LvsNotices {

    /** A script line with its own user and group (keepalived's {@code script [user [group]]}). */
    public record Command(String line, Optional<String> user, Optional<String> group) {}

    /** A virtual server: engine id, keepalived's name for it ({@code [192.0.2.1]:tcp:80}, {@code FWM 1}). */
    public record Vs(String id, String display, Optional<Command> quorumUp, Optional<Command> quorumDown, boolean omega,
                     boolean smtpAlert, boolean sorryServer, List<Rs> realServers) {
        public Vs { realServers = List.copyOf(realServers); }
    }

    /** A real server: engine id ("addr:port"), keepalived's name, its checkers (engine name → keyword). */
    public record Rs(String id, String display, Optional<Command> notifyUp, Optional<Command> notifyDown,
                     boolean smtpAlert, boolean alpha, Map<String, String> checkers) {
        public Rs { checkers = Map.copyOf(checkers); }
    }

    /** @param flushOnStop lvs_flush_on_stop: keepalived then runs no real-server notifies at stop */
    public record Spec(List<Vs> virtualServers, boolean rsInitNotifies, boolean noCheckerEmails, boolean flushOnStop) {
        public Spec { virtualServers = List.copyOf(virtualServers); }

        public static final Spec NONE = new Spec(List.of(), false, false, false);

        public boolean any() {
            return virtualServers.stream().anyMatch(v -> v.quorumUp.isPresent() || v.quorumDown.isPresent() || v.smtpAlert
                    || v.realServers.stream().anyMatch(r -> r.notifyUp.isPresent() || r.notifyDown.isPresent() || r.smtpAlert));
        }
    }

    /** Something to do. {@code owner} keeps one virtual server's scripts in order. */
    public sealed interface Notice {
        /** Run {@code command}; {@code trigger} names it in the journal ("rs 198.51.100.1:80 DOWN"). */
        record Script(String owner, String trigger, Command command) implements Notice {}

        /** One line for notify_fifo and lvs_notify_fifo, newline included. */
        record FifoLine(String line) implements Notice {}

        /** A mail; the shell prefixes the subject with "[router_id] ". */
        record Mail(String trigger, String subject, String body) implements Notice {}
    }

    private final Spec spec;
    private final Map<String, Vs> vsById = new HashMap<>();
    private final Map<String, Rs> rsByKey = new HashMap<>();          // "vsId|rsId"
    private final Map<String, String[]> checkerOwner = new HashMap<>(); // checker → {vsId, rsId}
    private final Map<String, Boolean> checkerUp = new HashMap<>();
    private final Set<String> hasRun = new HashSet<>();
    private final Map<String, Boolean> rsAlive = new HashMap<>();
    private final Map<String, Boolean> quorumUp = new HashMap<>();

    public LvsNotices(Spec spec) {
        this.spec = spec;
        for (Vs v : spec.virtualServers()) {
            vsById.put(v.id(), v);
            for (Rs r : v.realServers()) {
                rsByKey.put(v.id() + "|" + r.id(), r);
                r.checkers().keySet().forEach(c -> {
                    checkerOwner.put(c, new String[] {v.id(), r.id()});
                    checkerUp.put(c, !r.alpha());
                });
            }
        }
    }

    /**
     * Before the first event, on a reload: checkers (name → up) and real servers ("vsId|rsId" → alive) carried over
     * from the previous checker have run already and are in that state, so they say nothing until they change.
     */
    public void carried(Map<String, Boolean> checkers, Map<String, Boolean> realServers, Map<String, Boolean> quorum) {
        checkers.forEach((name, up) -> {
            if (!checkerOwner.containsKey(name)) return;
            checkerUp.put(name, up);
            hasRun.add(name);
        });
        rsAlive.putAll(realServers);
        quorumUp.putAll(quorum);
    }

    /** The notices one engine event leads to (in order). */
    public List<Notice> on(HealthEvent e) {
        // every probe passes here: past a checker's first verdict a probe alone says nothing, and allocates nothing
        if (e instanceof ProbeCompleted p && (hasRun.contains(p.checker()) || !checkerOwner.containsKey(p.checker()))) return List.of();
        List<Notice> out = new ArrayList<>();
        switch (e) {
            case RealServerChanged r -> realServer(r, out);
            case QuorumChanged q -> quorum(q, out);
            case CheckerChanged c -> checker(c, out);
            case ProbeCompleted p -> firstVerdict(p, out);
            default -> { }
        }
        return out;
    }

    private void realServer(RealServerChanged r, List<Notice> out) {
        String key = r.virtualServer() + "|" + r.realServer();
        Boolean before = rsAlive.put(key, r.alive());
        Vs v = vsById.get(r.virtualServer());
        Rs rs = rsByKey.get(key);
        if (v == null || rs == null) return;
        if (r.cause() instanceof Cause.Startup) {
            // keepalived's init_service_rs: notifies at start only with rs_init_notifies, for servers added alive
            if (before == null && r.alive() && spec.rsInitNotifies()) rsNotifies(v, rs, true, out);
            return;
        }
        if (before != null && before == r.alive()) return;
        rsNotifies(v, rs, r.alive(), out);
    }

    private void rsNotifies(Vs v, Rs rs, boolean up, List<Notice> out) {
        Optional<Command> cmd = up ? rs.notifyUp() : rs.notifyDown();
        String state = up ? "UP" : "DOWN";
        cmd.ifPresent(c -> out.add(new Notice.Script(v.id(), "real_server " + rs.id() + " " + state, c)));
        out.add(new Notice.FifoLine("RS " + rs.display() + " " + v.display() + " " + state + "\n"));
    }

    private void quorum(QuorumChanged q, List<Notice> out) {
        Boolean before = quorumUp.put(q.virtualServer(), q.up());
        Vs v = vsById.get(q.virtualServer());
        if (v == null) return;
        boolean init = q.cause() instanceof Cause.Startup;
        if (init && (q.up() || !v.sorryServer())) return; // keepalived tells only "Starting with quorum down" (sorry server)
        if (!init && before != null && before == q.up()) return;
        long threshold = q.quorum() + (long) (q.up() ? q.hysteresis() : -q.hysteresis());
        if (init) threshold = q.quorum() + (long) q.hysteresis();
        String words = q.up() ? (init ? "Starting with quorum up" : "Gained quorum") : (init ? "Starting with quorum down" : "Lost quorum");
        vsNotifies(v, q.up(), "=> " + words + " " + q.quorum() + "+" + q.hysteresis() + "=" + threshold + " <= "
                + q.aliveWeight() + " <=", out);
    }

    private void vsNotifies(Vs v, boolean up, String mailBody, List<Notice> out) {
        String state = up ? "UP" : "DOWN";
        (up ? v.quorumUp() : v.quorumDown()).ifPresent(c ->
                out.add(new Notice.Script(v.id(), "virtual_server " + v.id() + " quorum " + state, c)));
        out.add(new Notice.FifoLine("VS " + v.display() + " " + state + "\n"));
        if (v.smtpAlert())
            out.add(new Notice.Mail("virtual_server " + v.id() + " " + state, "Virtualserver " + v.display() + " - " + state, mailBody));
    }

    private void checker(CheckerChanged c, List<Notice> out) {
        String[] owner = checkerOwner.get(c.checker());
        if (owner == null) return;
        Boolean was = checkerUp.put(c.checker(), c.up());
        hasRun.add(c.checker());
        if (was != null && was == c.up()) return;
        mail(owner, c.checker(), c.up(), out);
    }

    /** A checker's first verdict that is no flip: alpha's first failure runs notify_down; MISC_CHECK mails it. */
    private void firstVerdict(ProbeCompleted p, List<Notice> out) {
        String[] owner = checkerOwner.get(p.checker());
        if (owner == null || hasRun.contains(p.checker())) return;
        Boolean up = checkerUp.get(p.checker());
        if (up == null || up != p.up()) return; // a flip: CheckerChanged follows and counts as the first run
        hasRun.add(p.checker());
        Rs rs = rsByKey.get(owner[0] + "|" + owner[1]);
        Vs v = vsById.get(owner[0]);
        if (rs.alpha() && !p.up()) rsNotifies(v, rs, Boolean.TRUE.equals(rsAlive.get(owner[0] + "|" + owner[1])), out);
        if ("MISC_CHECK".equals(p.keyword())) mail(owner, p.checker(), p.up(), out);
    }

    private void mail(String[] owner, String checker, boolean up, List<Notice> out) {
        Rs rs = rsByKey.get(owner[0] + "|" + owner[1]);
        Vs v = vsById.get(owner[0]);
        if (!rs.smtpAlert()) return;
        // the real server's state after this checker's change: alive iff all its checkers are up (the engine's rule)
        boolean was = Boolean.TRUE.equals(rsAlive.get(owner[0] + "|" + owner[1]));
        boolean now = rs.checkers().keySet().stream().allMatch(n -> Boolean.TRUE.equals(checkerUp.get(n)));
        if (was == now && spec.noCheckerEmails()) return;
        String state = now ? "UP" : "DOWN";
        out.add(new Notice.Mail("real_server " + rs.id() + " " + checker.replaceFirst(" .*", "") + " " + (up ? "up" : "down"),
                "Realserver " + rs.display() + " of virtual server " + v.display() + " - " + state,
                checkerBody(rs.checkers().get(checker), up)));
    }

    /** keepalived 2.2.7's body of a checker's mail, by checker. */
    static String checkerBody(String keyword, boolean up) {
        String k = keyword == null ? "" : keyword;
        return switch (k) {
            case "TCP_CHECK" -> up ? "=> TCP CHECK succeed on service <=" : "=> TCP CHECK failed on service <=";
            case "HTTP_GET", "SSL_GET" -> up ? "=> CHECK succeed on service <=" : "=> CHECK failed on service : HTTP request failed <=";
            case "MISC_CHECK" -> "=> MISC CHECK " + (up ? "succeeded" : "failed") + " on service <=";
            case "UDP_CHECK" -> up ? "=> UDP CHECK succeed on service <=" : "=> UDP CHECK failed on service <=";
            case "PING_CHECK" -> up ? "=> ICMP CHECK succeed on service <=" : "=> ICMP CHECK failed on service <=";
            case "DNS_CHECK" -> up ? "=> DNS_CHECK: succeed on service <=" : "=> DNS_CHECK: failed on service <=";
            default -> up ? "=> CHECK succeed on service <=" : "=> CHECK failed on service <=";
        };
    }

    /**
     * keepalived's clear_services at stop: nothing without omega; with it, each alive real server's notify_down, RS line
     * and "Shutting down" mail (skipped when lvs_flush_on_stop flushes the table), then the virtual server's
     * quorum_down, VS line and mail — whatever its quorum was.
     */
    public List<Notice> stop() {
        List<Notice> out = new ArrayList<>();
        for (Vs v : spec.virtualServers()) {
            if (!v.omega()) continue;
            if (!spec.flushOnStop()) {
                for (Rs rs : v.realServers()) {
                    if (!Boolean.TRUE.equals(rsAlive.get(v.id() + "|" + rs.id()))) continue;
                    rsNotifies(v, rs, false, out);
                    if (rs.smtpAlert()) out.add(new Notice.Mail("real_server " + rs.id() + " DOWN (stop)",
                            "Realserver " + rs.display() + " of virtual server " + v.display() + " - DOWN", "=> Shutting down <="));
                }
            }
            vsNotifies(v, false, "=> Shutting down <=", out);
        }
        return out;
    }
}
