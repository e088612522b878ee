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
import java.nio.file.Path;
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
 * smtp_alert beside keepalived 2.2.7: the same keepalived.conf run by keepalived, then by Vigil, in one namespace with
 * a real SMTP server (GreenMail) on its loopback. Each daemon goes BACKUP (init), MASTER, then FAULT (eth0 down); the
 * mails each sends (subject, From, To, X-Mailer, body, envelope recipients) must be the same set.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SmtpAlertNetnsTest {
    static final int PORT = 2525;
    static final String CONF = """
            global_defs {
              router_id LVS_MAIL
              notification_email {
                ops@example.com
                noc@example.com
              }
              notification_email_from vigil@example.com
              smtp_server 127.0.0.1 %d
              smtp_connect_timeout 5
              smtp_helo_name helo.example
            }
            vrrp_sync_group G1 {
              group {
                VI_1
              }
              smtp_alert
            }
            vrrp_instance VI_1 {
              state MASTER
              interface eth0
              virtual_router_id 51
              priority 150
              advert_int 1
              smtp_alert
              virtual_ipaddress {
                192.0.2.100/24
              }
            }
            """.formatted(PORT);

    NetLab lab;
    String a;
    GreenMail mail;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("sm");
        a = lab.node("a", "192.0.2.11");
        // started on a thread inside the namespace: GreenMail's server threads (and so its socket) live there too
        mail = lab.inNamespace(a, () -> {
            GreenMail g = new GreenMail(new ServerSetup(PORT, "0.0.0.0", ServerSetup.PROTOCOL_SMTP));
            g.start();
            return g;
        });
    }

    @AfterEach void teardown() throws Exception {
        try { if (mail != null) mail.stop(); } finally { lab.close(); }
    }

    @Test void vigilMailsAsKeepalivedDoes() throws Exception {
        Path conf = lab.write("mail.conf", CONF);

        NetLab.Proc ka = lab.keepalived("ka", a, conf);
        List<String> fromKeepalived = cycle(ka);
        lab.term(ka, Duration.ofSeconds(15)); // stopped while FAULT: no STOP mail, and no BACKUP after the link is back
        NetLab.sh("ip", "-n", a, "link", "set", "eth0", "up");
        mail.purgeEmailFromAllMailboxes();

        NetLab.Proc vigil = lab.vigil("vigil", a, conf);
        List<String> fromVigil = cycle(vigil);
        assertThat(lab.term(vigil, Duration.ofSeconds(20))).isZero();

        System.out.println("keepalived 2.2.7 mails:\n" + String.join("\n", fromKeepalived));
        assertThat(fromKeepalived).hasSize(6);
        assertThat(fromVigil).as("Vigil's mails against keepalived's").isEqualTo(fromKeepalived);

        // each mail is journaled as a NotifyRun (exit 0) caused by the transition it reports
        List<String> journaled = new ArrayList<>();
        Map<Long, Event> bySeq = new TreeMap<>();
        try (JournalReader r = JournalReader.open(lab.dir.resolve("vigil-journal"))) {
            for (Entry e : r.readAll()) {
                bySeq.put(e.seq(), e.event());
                if (e.event() instanceof Event.NotifyRun n && n.script().startsWith("smtp_alert")) {
                    assertThat(n.exitCode()).as(n.toString()).isZero();
                    assertThat(n.script()).isEqualTo("smtp_alert to ops@example.com,noc@example.com via 127.0.0.1:" + PORT);
                    assertThat(e.cause()).isInstanceOf(Cause.Event.class);
                    assertThat(bySeq.get(((Cause.Event) e.cause()).seq())).isInstanceOf(Event.VrrpTransition.class);
                    journaled.add(n.trigger() + ": " + n.output());
                }
            }
        }
        System.out.println("Vigil journal:\n" + String.join("\n", journaled));
        assertThat(journaled).containsExactlyInAnyOrder(
                "VI_1 BACKUP: [LVS_MAIL] VRRP Instance VI_1 - Entering BACKUP state",
                "VI_1 MASTER: [LVS_MAIL] VRRP Instance VI_1 - Entering MASTER state",
                "VI_1 FAULT: [LVS_MAIL] VRRP Instance VI_1 - Entering FAULT state",
                "group G1 BACKUP: [LVS_MAIL] VRRP Group G1 - Entering BACKUP state",
                "group G1 MASTER: [LVS_MAIL] VRRP Group G1 - Entering MASTER state",
                "group G1 FAULT: [LVS_MAIL] VRRP Group G1 - Entering FAULT state");
    }

    /** Start → BACKUP → MASTER (4 mails), eth0 down → FAULT (2 more); the mails, sorted. */
    private List<String> cycle(NetLab.Proc p) throws Exception {
        NetLab.awaitStarted(p);
        await("4 mails from " + p.name(), p::logText, Duration.ofSeconds(30), () -> sent() >= 4);
        NetLab.sh("ip", "-n", a, "link", "set", "eth0", "down");
        await("6 mails from " + p.name(), p::logText, Duration.ofSeconds(20), () -> sent() >= 6);
        Thread.sleep(1500); // nothing more may come
        List<String> out = new ArrayList<>();
        List<String> copies = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) copies.add(describe(m));
        copies.sort(null);
        for (int i = 0; i < copies.size(); i += 2) {
            assertThat(copies.get(i + 1)).as("the second recipient's copy").isEqualTo(copies.get(i));
            out.add(copies.get(i));
        }
                return out;
    }

    /** Mails sent: GreenMail keeps one copy per recipient, and there are two. */
    private int sent() { return mail.getReceivedMessages().length / 2; }

    private static String describe(MimeMessage m) throws Exception {
        return "Subject: " + m.getSubject() + " | From: " + m.getHeader("From", ",") + " | To: " + m.getHeader("To", ",")
                + " | X-Mailer: " + m.getHeader("X-Mailer", ",") + " | envelope: " + m.getAllRecipients().length
                + " | Date present: " + (m.getHeader("Date") != null) + " | body: " + GreenMailUtil.getBody(m).replace("\r\n", "\\r\\n");
    }
}
