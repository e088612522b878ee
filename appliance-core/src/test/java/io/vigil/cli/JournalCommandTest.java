package io.vigil.cli;

import io.vigil.journal.*;
import io.vigil.journal.store.*;
import io.vigil.journal.Event.*;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forensics walkthrough of docs/forensics.md, run for real: two directors' journals around a failover at
 * 03:12:04, then the CLI commands an operator would type. Outputs are also written to
 * target/forensics/*.txt (the examples in the doc are copied from there).
 */
class JournalCommandTest {
    @TempDir Path tmp;
    Path a, b;

    /** A clock the scenario sets before each append. */
    static final class ScriptClock implements JournalClock {
        final AtomicLong now = new AtomicLong();
        @Override public long wallNs() { return now.get(); }
        @Override public long monoNs() { return now.get() - 1_790_000_000_000_000_000L; }
        void at(String hms) {
            Instant i = Instant.parse("2026-11-24T" + hms + "Z");
            now.set(i.getEpochSecond() * 1_000_000_000L + i.getNano());
        }
    }

    @BeforeEach
    void failoverStory() {
        a = tmp.resolve("lb-a");
        b = tmp.resolve("lb-b");
        String vs = "TCP 192.0.2.100:80 wrr";
        ScriptClock ca = new ScriptClock(), cb = new ScriptClock();
        try (Journal ja = Journal.open(JournalConfig.defaults(a, "lb-a").withClock(ca));
             Journal jb = Journal.open(JournalConfig.defaults(b, "lb-b").withClock(cb))) {
            // 03:11:50 both start; lb-a (priority 150) becomes MASTER, lb-b (100) BACKUP; both program IPVS
            for (var n : new Object[][]{{ja, ca, 150, VrrpState.MASTER}, {jb, cb, 100, VrrpState.BACKUP}}) {
                Journal j = (Journal) n[0]; ScriptClock c = (ScriptClock) n[1];
                c.at("03:11:50.000100");
                long st = j.append(Cause.signal("start"), new NodeStarted("vigil 0.1.0", 1000));
                c.at("03:11:50.010000");
                long cfg = j.append(Cause.event(st), new ConfigApplied("/etc/keepalived/keepalived.conf", "sha256:9f2c41", "+VI_1 +VS " + vs));
                c.at("03:11:50.020000");
                j.append(Cause.configReload("sha256:9f2c41"), new IpvsChanged(IpvsOp.SERVICE_ADD, vs, "", 0, "", true, ""));
                for (String rs : new String[]{"198.51.100.11:80", "198.51.100.12:80", "198.51.100.13:80"})
                    j.append(Cause.event(cfg), new IpvsChanged(IpvsOp.DEST_ADD, vs, rs, 1, "masq", true, ""));
                c.at("03:11:53.600000");
                long t = j.append(Cause.timer(n[3] == VrrpState.MASTER ? "master_down" : "start"),
                        new VrrpTransition("VI_1", VrrpState.INIT, (VrrpState) n[3], n[3] == VrrpState.MASTER
                                ? "no advert within master_down_interval" : "lower priority than master 192.0.2.1 (150)", (int) n[2]));
                if (n[3] == VrrpState.MASTER) {
                    c.at("03:11:53.600400");
                    ja.append(Cause.event(t), new VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
                }
            }
            cb.at("03:11:53.700000");
            jb.append(Cause.packet("192.0.2.1", "eth0"), new MasterSeen("VI_1", "192.0.2.1", 150, false));

            // 03:11:59-03:12:01 lb-b: 198.51.100.13 stops answering; after retry 3 it leaves the IPVS table
            long prev = 0;
            for (int attempt = 1; attempt <= 3; attempt++) {
                cb.at("03:1" + (attempt == 1 ? "1:59" : attempt == 2 ? "2:00" : "2:01") + ".200000");
                prev = jb.append(Cause.timer("delay_before_retry"),
                        new CheckResult("HTTP_GET", "198.51.100.13:80", false, 3_000_000_000L, "connect timeout after 3s", attempt));
            }
            cb.at("03:12:01.200300");
            long down = jb.append(Cause.event(prev), new RealServerChanged(vs, "198.51.100.13:80", false, 0, true));
            cb.at("03:12:01.200900");
            jb.append(Cause.event(down), new IpvsChanged(IpvsOp.DEST_DELETE, vs, "198.51.100.13:80", 1, "masq", true, ""));

            // 03:12:03 lb-a: nginx dies, track_script drops its priority below lb-b's
            ca.at("03:12:03.100000");
            long chk = ja.append(Cause.timer("vrrp_script chk_nginx interval"),
                    new CheckResult("track_script chk_nginx", "/usr/local/bin/chk_nginx.sh", false, 4_000_000, "exit 1 (fall 2/2)", 2));
            ca.at("03:12:03.100050");
            ja.append(Cause.event(chk), new PriorityChanged("VI_1", 150, 90, "track_script chk_nginx weight -60"));

            // 03:12:04 lb-b preempts on the first advert with priority 90
            cb.at("03:12:04.000120");
            long tb = jb.append(Cause.packet("192.0.2.1", "eth0"), new VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER,
                    "preempt: advert priority 90 from 192.0.2.1 < own priority 100", 100));
            cb.at("03:12:04.000300");
            jb.append(Cause.event(tb), new VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
            cb.at("03:12:04.000350");
            jb.append(Cause.event(tb), new GarpSent("VI_1", "192.0.2.100", "eth0", 5));
            cb.at("03:12:04.012000");
            jb.append(Cause.event(tb), new NotifyRun("/etc/keepalived/notify.sh", "notify_master", 0, 11_800_000, "MASTER VI_1"));
            cb.at("03:12:04.903200");
            jb.append(Cause.packet("192.0.2.1", "eth0"), new AdvertAnomaly("VI_1", AnomalyKind.OTHER_MASTER, "192.0.2.1",
                    "advert priority 90 while MASTER (own 100): peer still MASTER"));

            // lb-a's advert timer fires; it sees lb-b's advert (100 > 90) and steps down 0.9 s later
            ca.at("03:12:04.904100");
            long ta = ja.append(Cause.packet("192.0.2.2", "eth0"), new VrrpTransition("VI_1", VrrpState.MASTER, VrrpState.BACKUP,
                    "advert priority 100 from 192.0.2.2 > own priority 90", 90));
            ca.at("03:12:04.904300");
            ja.append(Cause.event(ta), new VipChanged("VI_1", "192.0.2.100/24", "eth0", false, true, ""));
            ca.at("03:12:04.904400");
            ja.append(Cause.event(ta), new MasterSeen("VI_1", "192.0.2.2", 100, false));
            ja.flush(Duration.ofSeconds(10));
            jb.flush(Duration.ofSeconds(10));
        }
    }

    private String run(String name, String... args) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        String text = "$ vigil " + String.join(" ", args).replace(tmp + "/", "/var/lib/vigil/") + "\n" + out + err;
        Path doc = Path.of("target", "forensics");
        Files.createDirectories(doc);
        Files.writeString(doc.resolve(name + ".txt"), text);
        assertThat(rc).as(text).isZero();
        return out.toString();
    }

    @Test
    void stateAfterTheLastEvidenceIsUnknownNotTheLastState() throws Exception {
        Path c = tmp.resolve("lb-c");
        ScriptClock cc = new ScriptClock();
        try (Journal j = Journal.open(JournalConfig.defaults(c, "lb-c").withClock(cc))) {
            cc.at("03:20:00.000000");
            j.append(Cause.NONE, new NodeStarted("vigil 0.1.0", 7));
            cc.at("03:20:00.100000");
            j.append(Cause.timer("master_down"), new VrrpTransition("VI_1", VrrpState.INIT, VrrpState.MASTER, "master_down", 150));
            for (int s = 1; s <= 5; s++) {  // alive for 5 s, then killed -9: nothing more
                cc.at(String.format("03:20:%02d.000000", s));
                j.append(Cause.NONE, io.vigil.journal.Event.NodeAlive.of(1000, java.util.List.of(
                        new io.vigil.journal.Event.NodeAlive.Beat("VI_1", 51, "192.0.2.13", VrrpState.MASTER, 150, 1000))));
            }
            j.flush(Duration.ofSeconds(10));
        }
        assertThat(run("state-alive", "journal", "state", "--dir", c.toString(), "--at", "2026-11-24T03:20:04Z"))
                .doesNotContain("UNKNOWN").contains("VI_1 MASTER");
        String dead = run("state-unknown", "journal", "state", "--dir", c.toString(), "--at", "2026-11-24T03:20:30Z");
        assertThat(dead).startsWith("UNKNOWN: no evidence since 2026-11-24T03:20:05.000000Z").contains("Last known state:");
        String json = run("state-unknown-json", "journal", "state", "--dir", c.toString(), "--at", "2026-11-24T03:20:30Z", "--json");
        assertThat(json).contains("\"state\" : \"UNKNOWN\"").contains("\"lastKnownState\" : \"MASTER\"").contains("\"alive\" : false");
    }

    @Test
    void whyDidBBecomeMaster() throws Exception {
        String s = run("q1-why-master", "journal", "show", "--dir", b.toString(), "--from", "2026-11-24T03:12:03Z",
                "--to", "2026-11-24T03:12:05Z");
        assertThat(s).contains("lb-b #14 vrrp-transition VI_1 BACKUP->MASTER prio 100: preempt: advert priority 90 from 192.0.2.1 < own priority 100  <- packet from 192.0.2.1 on eth0");
        assertThat(s).contains("vip-changed VI_1 add 192.0.2.100/24 dev eth0 ok  <- #14 (vrrp-transition VI_1 BACKUP->MASTER");
        String a1 = run("q1-peer-priority", "journal", "show", "--dir", a.toString(), "--from", "2026-11-24T03:12:00Z",
                "--type", "check-result,priority-changed,vrrp-transition");
        assertThat(a1).contains("priority-changed VI_1 priority 150->90 by track_script chk_nginx weight -60  <- #")
                .contains("(check-result track_script chk_nginx /usr/local/bin/chk_nginx.sh DOWN");
    }

    @Test
    void whenWereBothMaster() throws Exception {
        String sb = run("q2-b", "journal", "show", "--dir", b.toString(), "--type", "vrrp-transition,advert-anomaly");
        String sa = run("q2-a", "journal", "show", "--dir", a.toString(), "--type", "vrrp-transition");
        assertThat(sb).contains("2026-11-24T03:12:04.000120Z lb-b #14 vrrp-transition VI_1 BACKUP->MASTER")
                .contains("advert-anomaly VI_1 other_master from 192.0.2.1");
        assertThat(sa).contains("2026-11-24T03:12:04.904100Z lb-a #").contains("vrrp-transition VI_1 MASTER->BACKUP");
        // the same from a merged view: export lb-a, import next to lb-b's
        Path export = tmp.resolve("lb-a.jsonl");
        run("q2-export", "journal", "export", "--dir", a.toString(), "-o", export.toString());
        Path copy = tmp.resolve("lb-a-copy");
        run("q2-import", "journal", "import", "--dir", copy.toString(), "-i", export.toString());
        assertThat(run("q2-verify-copy", "journal", "verify", "--dir", copy.toString())).contains("OK: ");
        String again = run("q2-a-copy", "journal", "show", "--dir", copy.toString(), "--type", "vrrp-transition");
        assertThat(again).isEqualTo(sa);
        String stateA = run("q2-state-a", "journal", "state", "--dir", copy.toString(), "--at", "2026-11-24T03:12:04.5Z");
        String stateB = run("q2-state-b", "journal", "state", "--dir", b.toString(), "--at", "2026-11-24T03:12:04.5Z");
        assertThat(stateA).contains("VI_1 MASTER prio 90");
        assertThat(stateB).contains("VI_1 MASTER prio 100");
    }

    @Test
    void whichRealServersAt031158AndWhyWas13Removed() throws Exception {
        String st = run("q3-state", "journal", "state", "--dir", b.toString(), "--at", "2026-11-24T03:11:58Z");
        assertThat(st).contains("-> 198.51.100.11:80 weight 1 masq").contains("-> 198.51.100.13:80 weight 1 masq");
        String later = run("q3-state-later", "journal", "state", "--dir", b.toString(), "--at", "2026-11-24T03:12:02Z");
        assertThat(later).doesNotContain("-> 198.51.100.13:80").contains("198.51.100.13:80 DOWN weight 0");
        String why = run("q3-why", "journal", "show", "--dir", b.toString(), "--from", "2026-11-24T03:11:58Z",
                "--to", "2026-11-24T03:12:02Z", "--type", "ipvs-changed,real-server-changed,check-result");
        assertThat(why).contains("ipvs-changed dest-delete TCP 192.0.2.100:80 wrr -> 198.51.100.13:80 weight 1 masq ok  <- #")
                .contains("(real-server-changed [TCP 192.0.2.100:80 wrr] 198.51.100.13:80 DOWN weight 0 quorum up)")
                .contains("real-server-changed [TCP 192.0.2.100:80 wrr] 198.51.100.13:80 DOWN weight 0 quorum up  <- #")
                .contains("attempt 3: connect timeout after 3s");
        String json = run("q3-export", "journal", "export", "--dir", b.toString(), "--type", "ipvs-changed",
                "--from", "2026-11-24T03:12:01Z");
        assertThat(json).contains("\"type\":\"ipvs-changed\"").contains("\"op\":\"DEST_DELETE\"").contains("\"kind\":\"event\"");
    }

    @Test
    void badInputGivesAClearMessageNotAStackTrace() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("journal", "show", "--dir", b.toString(), "--from", "yesterday-ish");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read time 'yesterday-ish'").doesNotContain("Exception");
        err.getBuffer().setLength(0);
        rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("journal", "verify", "--dir", tmp.resolve("nope").toString());
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("no journal at").doesNotContain("Exception");
    }
}
