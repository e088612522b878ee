package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * smtp_alert on checker events, through the same SMTP sender as the VRRP mails, received by a real SMTP server
 * (GreenMail) in the node's namespace: a real server (python http.server) stops and starts again under TCP_CHECK; the
 * real server's mails (on by default, as keepalived) and the virtual server's quorum mails (its smtp_alert) arrive
 * worded as keepalived 2.2.7 words them (core/smtp.c subjects, check_tcp.c and ipwrapper.c bodies), each journaled as a
 * NotifyRun caused by the checker's or the quorum's entry. keepalived's checker cannot run here for a side-by-side:
 * it needs the ip_vs module, which this host kernel lacks.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CheckerMailNetnsTest {
    static final int PORT = 2526;

    NetLab lab;
    String a;
    GreenMail mail;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("cm");
        a = lab.node("a", "192.0.2.11");
        mail = lab.inNamespace(a, () -> {
            GreenMail g = new GreenMail(new ServerSetup(PORT, "0.0.0.0", ServerSetup.PROTOCOL_SMTP));
            g.start();
            return g;
        });
    }

    @AfterEach void teardown() throws Exception {
        try { if (mail != null) mail.stop(); } finally { lab.close(); }
    }

    private NetLab.Proc web(String name, String addr, int port) throws Exception {
        NetLab.Proc p = lab.start(name, a, List.of("python3", "-m", "http.server", "--bind", addr, String.valueOf(port)));
        await(name + " listening", p::logText, Duration.ofSeconds(20), NetLab.quiet(() ->
                NetLab.run("ip", "netns", "exec", a, "ss", "-Htln", "sport = :" + port).contains(addr + ":" + port)));
        return p;
    }

    @Test void checkerAndQuorumMailsAsKeepalivedWordsThem() throws Exception {
        NetLab.sh("ip", "-n", a, "addr", "add", "127.0.0.2/8", "dev", "lo");
        web("web1", "127.0.0.1", 8081);
        NetLab.Proc web2 = web("web2", "127.0.0.2", 8082);
        var conf = lab.write("mail.conf", """
                global_defs {
                  router_id LVS_MAIL
                  notification_email {
                    ops@example.com
                  }
                  notification_email_from vigil@example.com
                  smtp_server 127.0.0.1 %d
                  smtp_connect_timeout 5
                }
                virtual_server 192.0.2.100 80 {
                  delay_loop 1
                  lb_algo rr
                  lb_kind NAT
                  protocol TCP
                  quorum 2
                  smtp_alert
                  real_server 127.0.0.1 8081 {
                    smtp_alert off
                    TCP_CHECK {
                      connect_timeout 1
                      retry 0
                    }
                  }
                  real_server 127.0.0.2 8082 {
                    TCP_CHECK {
                      connect_timeout 1
                      retry 0
                    }
                  }
                }
                """.formatted(PORT));
        NetLab.Proc vigil = lab.vigil("vigil", a, conf);
        NetLab.awaitStarted(vigil);
        await("checker started", vigil::logText, Duration.ofSeconds(30), () -> vigil.logText().contains("checker: 2 check(s)"));
        Thread.sleep(2500);
        assertThat(mail.getReceivedMessages()).as("nothing is mailed at start").isEmpty();

        lab.kill9(web2);
        await("2 mails", vigil::logText, Duration.ofSeconds(20), () -> mail.getReceivedMessages().length >= 2);
        web("web2b", "127.0.0.2", 8082);
        await("4 mails", vigil::logText, Duration.ofSeconds(20), () -> mail.getReceivedMessages().length >= 4);
        Thread.sleep(1500);
        assertThat(lab.term(vigil, Duration.ofSeconds(20))).isZero();

        List<String> got = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages())
            got.add(m.getSubject() + " | " + GreenMailUtil.getBody(m).strip() + " | From: " + m.getHeader("From", ",")
                    + " | To: " + m.getHeader("To", ",") + " | X-Mailer: " + m.getHeader("X-Mailer", ","));
        System.out.println(String.join("\n", got));
        String tail = " | From: vigil@example.com | To: ops@example.com | X-Mailer: Keepalived";
        assertThat(got).containsExactlyInAnyOrder(
                "[LVS_MAIL] Realserver [127.0.0.2]:tcp:8082 of virtual server [192.0.2.100]:tcp:80 - DOWN | => TCP CHECK failed on service <=" + tail,
                "[LVS_MAIL] Virtualserver [192.0.2.100]:tcp:80 - DOWN | => Lost quorum 2+0=2 <= 1 <=" + tail,
                "[LVS_MAIL] Realserver [127.0.0.2]:tcp:8082 of virtual server [192.0.2.100]:tcp:80 - UP | => TCP CHECK succeed on service <=" + tail,
                "[LVS_MAIL] Virtualserver [192.0.2.100]:tcp:80 - UP | => Gained quorum 2+0=2 <= 2 <=" + tail);

        Map<Long, Entry> bySeq = new TreeMap<>();
        List<String> journaled = new ArrayList<>();
        try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
            for (Entry e : r.readAll()) {
                bySeq.put(e.seq(), e);
                if (!(e.event() instanceof Event.NotifyRun n) || !n.script().startsWith("smtp_alert")) continue;
                assertThat(n.exitCode()).as(n.toString()).isZero();
                Event cause = bySeq.get(((Cause.Event) e.cause()).seq()).event();
                journaled.add(n.trigger() + " <- " + switch (cause) {
                    case Event.CheckResult c -> "check " + c.detail().replaceFirst(":.*", "");
                    case Event.QuorumChanged q -> "quorum " + (q.up() ? "up" : "down");
                    default -> cause.toString();
                });
            }
        }
        assertThat(journaled).containsExactlyInAnyOrder(
                "real_server 127.0.0.2:8082 TCP_CHECK#0 down <- check checker down",
                "virtual_server 192.0.2.100:80 DOWN <- quorum down",
                "real_server 127.0.0.2:8082 TCP_CHECK#0 up <- check checker up",
                "virtual_server 192.0.2.100:80 UP <- quorum up");
    }
}
