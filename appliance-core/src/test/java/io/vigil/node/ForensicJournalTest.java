package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two Vigil nodes ({@code vigil run} child processes in their own namespaces on one bridge), judged by their
 * journals alone: every takeover names the VRRP input that caused it (the peer's address and advertised
 * priority), a reload is a reload, the backup journals the master it hears, a MASTER hearing another MASTER
 * journals other_master, liveness marks come every second, and a restart says how the previous run ended.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class ForensicJournalTest {
    static final String VIP = "192.0.2.100/24", VIP2 = "192.0.2.101/24";
    static final Duration TAKEOVER = Duration.ofSeconds(10);

    NetLab lab;

    List<Entry> journal(String name) {
        try (JournalReader r = JournalReader.open(lab.dir.resolve(name + "-journal"))) {
            return r.readAll().stream().filter(e -> !e.event().isAnnotation()).toList();
        }
    }

    Entry awaitEntry(String name, String what, Predicate<Entry> p) {
        Entry[] found = new Entry[1];
        await(name + ": " + what, () -> lab.logs() + dump(name), TAKEOVER, () -> {
            found[0] = journal(name).stream().filter(p).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    String dump(String name) {
        StringBuilder b = new StringBuilder("----- journal " + name + "\n");
        try { for (Entry e : journal(name)) b.append(e.seq()).append(' ').append(e.event()).append(" <- ").append(e.cause()).append('\n'); }
        catch (RuntimeException ex) { b.append(ex).append('\n'); }
        return b.toString();
    }

    static Predicate<Entry> transition(Event.VrrpState from, Event.VrrpState to, long afterSeq) {
        return e -> e.seq() > afterSeq && e.event() instanceof Event.VrrpTransition t && t.instance().equals("VI_1")
                && t.from() == from && t.to() == to;
    }

    /** {@code vigil run} again on journal NAME, logging to a fresh PROC log (so "vigil started" is this run's). */
    NetLab.Proc restart(String name, String proc, String ns, Path conf) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(NetLab.vigilCommand());
        cmd.addAll(List.of("run", "-f", conf.toString(), "--journal", lab.dir.resolve(name + "-journal").toString()));
        return lab.start(proc, ns, cmd);
    }

    static long lastSeq(List<Entry> j) { return j.isEmpty() ? 0 : j.getLast().seq(); }

    @Test void journalsTellWhyAndWhen() throws Exception {
        lab = new NetLab("fj");
        try {
            String a = lab.node("a", "192.0.2.11");
            String b = lab.node("b", "192.0.2.12");
            Files.setPosixFilePermissions(lab.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path flag = lab.dir.resolve("fail");
            Path chk = lab.write("chk.sh", "#!/bin/sh\ntest ! -e " + flag + "\n");
            Files.setPosixFilePermissions(chk, PosixFilePermissions.fromString("rwxr-xr-x"));
            Conf ca = Conf.node("a", 150);
            ca.trackScript = chk.toString();
            String vi2 = "vrrp_instance VI_2 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 52\n  priority 150\n"
                    + "  advert_int 1\n  virtual_ipaddress {\n    " + VIP2 + "\n  }\n}\n";
            Path confA = lab.write("a.conf", ca.text() + vi2);
            Path confB = lab.write("b.conf", Conf.node("b", 100).text());
            NetLab.Proc va = lab.vigil("va", a, confA);
            NetLab.Proc vb = lab.vigil("vb", b, confB);
            NetLab.awaitStarted(va);
            NetLab.awaitStarted(vb);
            await("a MASTER", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(a, VIP) && lab.hasAddr(a, VIP2) && !lab.hasAddr(b, VIP)));

            // ---- first run: NodeStarted says so; NodeAlive about once a second with one beat per instance
            assertThat(journal("va").getFirst().event()).isInstanceOfSatisfying(Event.NodeStarted.class,
                    s -> assertThat(s.previousEnd()).isEqualTo(Event.NodeStarted.FIRST_RUN));
            Thread.sleep(4500);
            List<Entry> alive = journal("va").stream().filter(e -> e.event() instanceof Event.NodeAlive).toList();
            assertThat(alive.size()).as("NodeAlive marks").isGreaterThanOrEqualTo(4);
            for (int i = 1; i < alive.size(); i++) {
                long gapMs = (alive.get(i).wallNs() - alive.get(i - 1).wallNs()) / 1_000_000;
                assertThat(gapMs).as("gap between NodeAlive marks").isBetween(800L, 1500L);
            }
            Event.NodeAlive lastAlive = (Event.NodeAlive) alive.getLast().event();
            assertThat(lastAlive.periodMs()).isEqualTo(1000);
            assertThat(lastAlive.beats()).containsExactly(
                    new Event.NodeAlive.Beat("VI_1", 51, "192.0.2.11", Event.VrrpState.MASTER, 150, 1000),
                    new Event.NodeAlive.Beat("VI_2", 52, "192.0.2.11", Event.VrrpState.MASTER, 150, 1000));
            // the backup journaled the master it hears (a change: sampled=false), dated when it arrived
            Entry seen = awaitEntry("vb", "MasterSeen .11 150", e -> e.event() instanceof Event.MasterSeen m
                    && m.peer().equals("192.0.2.11") && m.priority() == 150 && !m.sampled());
            assertThat(seen.cause()).isInstanceOfSatisfying(Cause.Vrrp.class, v -> assertThat(v.heardWallNs()).isEqualTo(seen.wallNs()));
            assertThat(journal("vb").stream().filter(e -> e.event() instanceof Event.MasterSeen)).as("not one per advert").hasSize(1);

            // ---- track_script demotes a (150 - 60 = 90): b preempts, citing a's address and lowered priority
            long bBefore = lastSeq(journal("vb")), aBefore = lastSeq(journal("va"));
            Files.writeString(flag, "");
            await("b takes over", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(b, VIP) && !lab.hasAddr(a, VIP)));
            Entry takeover = awaitEntry("vb", "BACKUP->MASTER", transition(Event.VrrpState.BACKUP, Event.VrrpState.MASTER, bBefore));
            assertThat(takeover.cause()).isInstanceOfSatisfying(Cause.Vrrp.class, v -> {
                assertThat(v.kind()).isEqualTo(Cause.Vrrp.PREEMPT);
                assertThat(v.peer()).isEqualTo("192.0.2.11");
                assertThat(v.priority()).isEqualTo(90);
                assertThat(v.relation()).isEqualTo("lower");
                assertThat(v.device()).isEqualTo("eth0");
                assertThat(v.heardWallNs()).isPositive().isLessThanOrEqualTo(takeover.wallNs());
            });
            assertThat(((Event.VrrpTransition) takeover.event()).reason()).isEqualTo("preempt: advert priority 90 from 192.0.2.11 (lower)");
            assertThat(journal("vb")).anyMatch(e -> e.seq() > bBefore && e.seq() < takeover.seq()
                    && e.event() instanceof Event.MasterSeen m && m.peer().equals("192.0.2.11") && m.priority() == 90 && !m.sampled());
            // on a: priority change ← the script's result; demotion ← b's advert (higher)
            Entry prio = awaitEntry("va", "priority 150 -> 90", e -> e.seq() > aBefore && e.event() instanceof Event.PriorityChanged p
                    && p.newPriority() == 90);
            Entry script = journal("va").stream().filter(e -> e.seq() == ((Cause.Event) prio.cause()).seq()).findFirst().orElseThrow();
            assertThat(script.event()).isInstanceOfSatisfying(Event.CheckResult.class, c -> assertThat(c.checker()).isEqualTo("track_script chk"));
            Entry demoted = awaitEntry("va", "MASTER->BACKUP", transition(Event.VrrpState.MASTER, Event.VrrpState.BACKUP, aBefore));
            assertThat((Cause.Vrrp) demoted.cause()).extracting(Cause.Vrrp::kind, Cause.Vrrp::peer, Cause.Vrrp::priority, Cause.Vrrp::relation)
                    .containsExactly(Cause.Vrrp.ADVERT, "192.0.2.12", 100, "higher");
            assertThat(((Event.VrrpTransition) demoted.event()).reason()).isEqualTo("advert priority 100 from 192.0.2.12 (higher)");
            // a, now BACKUP, journals its new master at once
            awaitEntry("va", "MasterSeen .12", e -> e.seq() > demoted.seq() && e.event() instanceof Event.MasterSeen m
                    && m.peer().equals("192.0.2.12") && m.priority() == 100 && !m.sampled());

            // ---- the script recovers: a preempts back, citing b's advert
            long aBefore2 = lastSeq(journal("va"));
            Files.delete(flag);
            await("a back", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP)));
            Entry back = awaitEntry("va", "BACKUP->MASTER", transition(Event.VrrpState.BACKUP, Event.VrrpState.MASTER, aBefore2));
            assertThat((Cause.Vrrp) back.cause()).extracting(Cause.Vrrp::kind, Cause.Vrrp::peer, Cause.Vrrp::priority)
                    .containsExactly(Cause.Vrrp.PREEMPT, "192.0.2.12", 100);

            // ---- SIGTERM a: b takes over after a's priority-0 advert; a's last entry is NodeStopped
            long bBefore2 = lastSeq(journal("vb"));
            assertThat(lab.term(va, Duration.ofSeconds(15))).isZero();
            await("b after SIGTERM of a", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(b, VIP)));
            Entry handover = awaitEntry("vb", "BACKUP->MASTER", transition(Event.VrrpState.BACKUP, Event.VrrpState.MASTER, bBefore2));
            assertThat((Cause.Vrrp) handover.cause()).extracting(Cause.Vrrp::kind, Cause.Vrrp::peer, Cause.Vrrp::priority, Cause.Vrrp::relation)
                    .containsExactly(Cause.Vrrp.PRIORITY_ZERO, "192.0.2.11", 0, "priority 0");
            List<Entry> aStopped = journal("va");
            assertThat(aStopped.getLast().event()).isEqualTo(new Event.NodeStopped("SIGTERM"));
            assertThat(aStopped).anyMatch(e -> e.event() instanceof Event.VrrpTransition t && t.to() == Event.VrrpState.STOP
                    && t.reason().equals("shutdown") && e.cause().equals(Cause.signal("SIGTERM")));

            // ---- restart a: the previous run ended clean
            NetLab.Proc va2 = restart("va", "va2", a, confA);
            NetLab.awaitStarted(va2);
            Entry started = awaitEntry("va", "NodeStarted", e -> e.seq() > aStopped.getLast().seq() && e.event() instanceof Event.NodeStarted);
            assertThat((Event.NodeStarted) started.event()).extracting(Event.NodeStarted::previousEnd, Event.NodeStarted::previousLastSeq,
                    Event.NodeStarted::previousLastWallNs).containsExactly(Event.NodeStarted.CLEAN, aStopped.getLast().seq(), aStopped.getLast().wallNs());
            await("a MASTER again", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP) && lab.hasAddr(a, VIP2)));

            // ---- b stops hearing a (one-way partition: strict rp_filter on b with a's address routed elsewhere drops
            // a's packets before any socket; no netfilter/tc modules needed): both MASTER, a journals other_master
            long aBefore3 = lastSeq(journal("va"));
            NetLab.sh("ip", "-n", b, "link", "add", "rpf0", "type", "veth", "peer", "name", "rpf1");
            NetLab.sh("ip", "-n", b, "link", "set", "rpf1", "up");
            NetLab.sh("ip", "-n", b, "link", "set", "rpf0", "up");
            NetLab.sh("ip", "netns", "exec", b, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1", "net.ipv4.conf.eth0.rp_filter=1");
            NetLab.sh("ip", "-n", b, "route", "add", "192.0.2.11/32", "dev", "rpf0");
            await("b MASTER too", lab::logs, TAKEOVER, quiet(() -> lab.hasAddr(b, VIP)));
            Entry other = awaitEntry("va", "other_master", e -> e.seq() > aBefore3 && e.event() instanceof Event.AdvertAnomaly an
                    && an.kind() == Event.AnomalyKind.OTHER_MASTER);
            Event.AdvertAnomaly an = (Event.AdvertAnomaly) other.event();
            assertThat(an.source()).isEqualTo("192.0.2.12");
            assertThat(an.detail()).startsWith("advert priority 100 while MASTER (own 150): 1 advert");
            assertThat((Cause.Vrrp) other.cause()).extracting(Cause.Vrrp::peer, Cause.Vrrp::priority, Cause.Vrrp::relation)
                    .containsExactly("192.0.2.12", 100, "lower");
            Thread.sleep(3000); // b advertises every second: rate limited, no second entry within 10 s
            assertThat(journal("va").stream().filter(e -> e.seq() > aBefore3 && e.event() instanceof Event.AdvertAnomaly x
                    && x.kind() == Event.AnomalyKind.OTHER_MASTER)).hasSize(1);
            long bBefore3 = lastSeq(journal("vb"));
            NetLab.sh("ip", "-n", b, "route", "del", "192.0.2.11/32", "dev", "rpf0");
            await("b yields after the heal", lab::logs, TAKEOVER, quiet(() -> !lab.hasAddr(b, VIP) && lab.hasAddr(a, VIP)));
            Entry healed = awaitEntry("vb", "MASTER->BACKUP", transition(Event.VrrpState.MASTER, Event.VrrpState.BACKUP, bBefore3));
            assertThat((Cause.Vrrp) healed.cause()).extracting(Cause.Vrrp::kind, Cause.Vrrp::peer, Cause.Vrrp::priority, Cause.Vrrp::relation)
                    .containsExactly(Cause.Vrrp.ADVERT, "192.0.2.11", 150, "higher");
            // a no longer MASTER-vs-MASTER: the adverts counted since the first entry are journaled within 10 s + 1 s
            awaitEntry("va", "other_master count", e -> e.seq() > other.seq() && e.event() instanceof Event.AdvertAnomaly x
                    && x.kind() == Event.AnomalyKind.OTHER_MASTER);

            // ---- kill -9 b, restart: crashed, with its last entry's seq and time
            lab.kill9(vb);
            List<Entry> bDead = journal("vb");
            NetLab.Proc vb2 = restart("vb", "vb2", b, confB);
            NetLab.awaitStarted(vb2);
            Entry bStarted = awaitEntry("vb", "NodeStarted after crash", e -> e.seq() > lastSeq(bDead) && e.event() instanceof Event.NodeStarted);
            assertThat((Event.NodeStarted) bStarted.event()).extracting(Event.NodeStarted::previousEnd, Event.NodeStarted::previousLastSeq,
                    Event.NodeStarted::previousLastWallNs).containsExactly(Event.NodeStarted.CRASHED, bDead.getLast().seq(), bDead.getLast().wallNs());
            assertThat(bDead.getLast().event()).isNotInstanceOf(Event.NodeStopped.class);

            // ---- SIGHUP a with VI_2 removed: VI_2 stops because of the reload, not a signal
            long aBefore4 = lastSeq(journal("va"));
            Files.writeString(confA, ca.text());
            NetLab.sh("kill", "-HUP", Long.toString(va2.pid()));
            await("VIP2 released", lab::logs, TAKEOVER, quiet(() -> !lab.hasAddr(a, VIP2)));
            Entry stop = awaitEntry("va", "VI_2 MASTER->STOP", e -> e.seq() > aBefore4 && e.event() instanceof Event.VrrpTransition t
                    && t.instance().equals("VI_2") && t.to() == Event.VrrpState.STOP);
            assertThat(((Event.VrrpTransition) stop.event()).reason()).isEqualTo("reload");
            Entry applied = journal("va").stream().filter(e -> e.seq() == ((Cause.Event) stop.cause()).seq()).findFirst().orElseThrow();
            assertThat(applied.event()).isInstanceOf(Event.ConfigApplied.class);
            assertThat(applied.cause()).isEqualTo(Cause.signal("SIGHUP"));
            assertThat(lab.hasAddr(a, VIP)).as("VI_1 untouched by the reload").isTrue();
        } catch (AssertionError e) {
            if (e.getMessage() != null && e.getMessage().startsWith("timed out")) throw e;
            throw new AssertionError(e.getMessage() + "\n" + lab.logs() + dump("va") + dump("vb"), e);
        } finally {
            lab.close();
        }
    }
}
