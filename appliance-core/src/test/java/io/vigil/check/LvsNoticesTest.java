package io.vigil.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.check.LvsNotices.Command;
import io.vigil.check.LvsNotices.Notice;
import io.vigil.check.LvsNotices.Rs;
import io.vigil.check.LvsNotices.Spec;
import io.vigil.check.LvsNotices.Vs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** keepalived 2.2.7's checker notifies (check/ipwrapper.c, the checkers' smtp_alert calls) from engine events. */
class LvsNoticesTest {
    static Optional<Command> cmd(String s) { return Optional.of(new Command(s, Optional.empty(), Optional.empty())); }

    static Rs rs(String id, boolean alpha, boolean smtp, String keyword) {
        return new Rs(id, "[" + id.replaceFirst(":.*", "") + "]:tcp:80", cmd("/up " + id), cmd("/down " + id), smtp, alpha,
                Map.of("C " + id, keyword));
    }

    static Vs vs(boolean omega, boolean smtp, boolean sorry, Rs... rss) {
        return new Vs("192.0.2.1:80", "[192.0.2.1]:tcp:80", cmd("/qup"), cmd("/qdown"), omega, smtp, sorry, List.of(rss));
    }

    static HealthEvent.RealServerChanged rsEv(String id, boolean alive, Cause c) {
        return new HealthEvent.RealServerChanged(1, c, 0, "192.0.2.1:80", id, alive, alive ? 1 : 0, false, alive);
    }

    static HealthEvent.QuorumChanged q(boolean up, Cause c, long w) {
        return new HealthEvent.QuorumChanged(2, c, 0, "192.0.2.1:80", up, w, 2, 1);
    }

    static HealthEvent.CheckerChanged chk(String id, boolean up) {
        return new HealthEvent.CheckerChanged(3, new Cause.Event(0), 0, "C " + id, id, up, "x");
    }

    static HealthEvent.ProbeCompleted probe(String id, String kw, boolean up) {
        return new HealthEvent.ProbeCompleted(4, new Cause.Probe("C " + id), 0, "C " + id, kw, up, 1, "", OptionalInt.empty(), ProbeFault.NONE);
    }

    static List<String> words(List<Notice> ns) {
        return ns.stream().map(n -> switch (n) {
            case Notice.Script s -> "run " + s.command().line();
            case Notice.FifoLine f -> "fifo " + f.line().strip();
            case Notice.Mail m -> "mail " + m.subject() + " / " + m.body();
        }).toList();
    }

    @Test void changesRunScriptsWriteFifoAndMail() {
        var n = new LvsNotices(new Spec(List.of(vs(false, true, false, rs("10.0.0.1:80", false, true, "TCP_CHECK"),
                rs("10.0.0.2:80", false, true, "HTTP_GET"))), false, false, false));
        // start: both alive, quorum up: keepalived tells nothing
        assertThat(n.on(rsEv("10.0.0.1:80", true, Cause.STARTUP))).isEmpty();
        assertThat(n.on(rsEv("10.0.0.2:80", true, Cause.STARTUP))).isEmpty();
        assertThat(n.on(q(true, Cause.STARTUP, 2))).isEmpty();
        assertThat(n.on(probe("10.0.0.1:80", "TCP_CHECK", true))).isEmpty();
        // the HTTP_GET checker fails: mail, then the real server's notify_down and line, then quorum lost
        assertThat(words(n.on(chk("10.0.0.2:80", false)))).containsExactly(
                "mail Realserver [10.0.0.2]:tcp:80 of virtual server [192.0.2.1]:tcp:80 - DOWN / => CHECK failed on service : HTTP request failed <=");
        assertThat(words(n.on(rsEv("10.0.0.2:80", false, new Cause.Event(3))))).containsExactly(
                "run /down 10.0.0.2:80", "fifo RS [10.0.0.2]:tcp:80 [192.0.2.1]:tcp:80 DOWN");
        assertThat(words(n.on(q(false, new Cause.Event(1), 1)))).containsExactly("run /qdown",
                "fifo VS [192.0.2.1]:tcp:80 DOWN", "mail Virtualserver [192.0.2.1]:tcp:80 - DOWN / => Lost quorum 2+1=1 <= 1 <=");
        assertThat(words(n.on(chk("10.0.0.2:80", true)))).containsExactly(
                "mail Realserver [10.0.0.2]:tcp:80 of virtual server [192.0.2.1]:tcp:80 - UP / => CHECK succeed on service <=");
        assertThat(words(n.on(rsEv("10.0.0.2:80", true, new Cause.Event(3))))).containsExactly(
                "run /up 10.0.0.2:80", "fifo RS [10.0.0.2]:tcp:80 [192.0.2.1]:tcp:80 UP");
        assertThat(words(n.on(q(true, new Cause.Event(1), 2)))).containsExactly("run /qup",
                "fifo VS [192.0.2.1]:tcp:80 UP", "mail Virtualserver [192.0.2.1]:tcp:80 - UP / => Gained quorum 2+1=3 <= 2 <=");
        // no omega: nothing at stop
        assertThat(n.stop()).isEmpty();
    }

    @Test void startupAlphaSorryServerAndInitNotifies() {
        var n = new LvsNotices(new Spec(List.of(vs(false, false, true, rs("10.0.0.1:80", true, false, "TCP_CHECK"),
                rs("10.0.0.2:80", false, false, "TCP_CHECK"))), true, false, false));
        // rs_init_notifies: notify_up for the one that starts alive; the alpha one starts down silently
        assertThat(words(n.on(rsEv("10.0.0.1:80", false, Cause.STARTUP)))).isEmpty();
        assertThat(words(n.on(rsEv("10.0.0.2:80", true, Cause.STARTUP)))).containsExactly(
                "run /up 10.0.0.2:80", "fifo RS [10.0.0.2]:tcp:80 [192.0.2.1]:tcp:80 UP");
        // quorum down at start with a sorry server: "Starting with quorum down"
        assertThat(words(n.on(q(false, Cause.STARTUP, 1)))).containsExactly("run /qdown", "fifo VS [192.0.2.1]:tcp:80 DOWN");
        // the alpha checker's first verdict is a failure: notify_down of its never-up server (keepalived's has_run)
        assertThat(words(n.on(probe("10.0.0.1:80", "TCP_CHECK", false)))).containsExactly(
                "run /down 10.0.0.1:80", "fifo RS [10.0.0.1]:tcp:80 [192.0.2.1]:tcp:80 DOWN");
        assertThat(n.on(probe("10.0.0.1:80", "TCP_CHECK", false))).isEmpty();
        // a non-alpha checker's first success is no flip and says nothing
        assertThat(n.on(probe("10.0.0.2:80", "TCP_CHECK", true))).isEmpty();
    }

    @Test void noCheckerEmailsAndMiscFirstVerdict() {
        Rs a = new Rs("10.0.0.1:80", "[10.0.0.1]:tcp:80", Optional.empty(), Optional.empty(), true, false,
                Map.of("M", "MISC_CHECK", "T", "TCP_CHECK"));
        var n = new LvsNotices(new Spec(List.of(vs(false, false, false, a)), false, false, false));
        n.on(rsEv("10.0.0.1:80", true, Cause.STARTUP));
        // MISC_CHECK mails its first verdict even when nothing changes (check_misc.c)
        assertThat(words(n.on(new HealthEvent.ProbeCompleted(4, new Cause.Probe("M"), 0, "M", "MISC_CHECK", true, 1, "",
                OptionalInt.empty(), ProbeFault.NONE)))).containsExactly(
                "mail Realserver [10.0.0.1]:tcp:80 of virtual server [192.0.2.1]:tcp:80 - UP / => MISC CHECK succeeded on service <=");
        var quiet = new LvsNotices(new Spec(List.of(vs(false, false, false, a)), false, true, false));
        quiet.on(rsEv("10.0.0.1:80", true, Cause.STARTUP));
        var down = new HealthEvent.CheckerChanged(3, new Cause.Event(0), 0, "T", "10.0.0.1:80", false, "x");
        var secondDown = new HealthEvent.CheckerChanged(5, new Cause.Event(0), 0, "M", "10.0.0.1:80", false, "x");
        // no_checker_emails: the change that takes the real server down mails, a second checker failing does not
        assertThat(words(quiet.on(down))).hasSize(1);
        quiet.on(rsEv("10.0.0.1:80", false, new Cause.Event(3)));
        assertThat(quiet.on(secondDown)).isEmpty();
        assertThat(words(n.on(down))).hasSize(1);
        n.on(rsEv("10.0.0.1:80", false, new Cause.Event(3)));
        assertThat(words(n.on(secondDown))).containsExactly(
                "mail Realserver [10.0.0.1]:tcp:80 of virtual server [192.0.2.1]:tcp:80 - DOWN / => MISC CHECK failed on service <=");
    }

    @Test void omegaAtStop() {
        Spec spec = new Spec(List.of(vs(true, true, false, rs("10.0.0.1:80", false, true, "TCP_CHECK"),
                rs("10.0.0.2:80", false, true, "TCP_CHECK"))), false, false, false);
        var n = new LvsNotices(spec);
        n.on(rsEv("10.0.0.1:80", true, Cause.STARTUP));
        n.on(rsEv("10.0.0.2:80", false, Cause.STARTUP));
        assertThat(words(n.stop())).containsExactly("run /down 10.0.0.1:80", "fifo RS [10.0.0.1]:tcp:80 [192.0.2.1]:tcp:80 DOWN",
                "mail Realserver [10.0.0.1]:tcp:80 of virtual server [192.0.2.1]:tcp:80 - DOWN / => Shutting down <=",
                "run /qdown", "fifo VS [192.0.2.1]:tcp:80 DOWN", "mail Virtualserver [192.0.2.1]:tcp:80 - DOWN / => Shutting down <=");
        // lvs_flush_on_stop: keepalived flushes the table and tells only the virtual servers
        var flushed = new LvsNotices(new Spec(spec.virtualServers(), false, false, true));
        flushed.on(rsEv("10.0.0.1:80", true, Cause.STARTUP));
        assertThat(words(flushed.stop())).containsExactly("run /qdown", "fifo VS [192.0.2.1]:tcp:80 DOWN",
                "mail Virtualserver [192.0.2.1]:tcp:80 - DOWN / => Shutting down <=");
    }
}
