package io.vigil.node;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.vrrp.VrrpState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * smtp_alert: mails on VRRP transitions, sent one at a time on its own thread (a slow or dead SMTP server never
 * touches the VRRP thread, and mails leave in transition order). Each attempt is journaled as a NotifyRun caused by
 * the transition: exit 0 when the server took it, its reply code when it refused, -1 when it could not be reached.
 */
final class Mailer implements AutoCloseable {
    /** Mails waiting behind a dead server are dropped beyond this (a flapping link must not queue without end). */
    static final int MAX_QUEUED = 64;

    private final Journal journal;
    private final String hostname = localName();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("smtp-alert").daemon().factory());
    private final AtomicInteger queued = new AtomicInteger();
    private long dropped;

    Mailer(Journal journal) { this.journal = journal; }

    /** After an instance's transition (journaled as {@code causeSeq}); never blocks. */
    void instance(MailSetup m, String routerId, String name, VrrpState to, long causeSeq) {
        if (m.sends() && m.instances().contains(name))
            queue(m, name + " " + to, MailAlert.instance(rid(routerId), name, to), to, causeSeq);
    }

    /** After a sync group's overall state changed; never blocks. */
    void group(MailSetup m, String routerId, String name, VrrpState to, long causeSeq) {
        if (m.sends() && m.groups().contains(name))
            queue(m, "group " + name + " " + to, MailAlert.group(rid(routerId), name, to), to, causeSeq);
    }

    /**
     * A checker-side mail (real server or virtual server), subject as keepalived's after its "[router_id] ";
     * sent when smtp_server and notification_email are set. Never blocks.
     */
    void checker(MailSetup m, String routerId, String trigger, String subject, String body, long causeSeq) {
        if (m.server() == null || m.to().isEmpty()) return;
        queue(m, trigger, Optional.of(new MailAlert("[" + rid(routerId) + "] " + subject, body)), null, causeSeq);
    }

    private String rid(String routerId) { return routerId == null ? hostname : routerId; }

    private void queue(MailSetup m, String trigger, Optional<MailAlert> mail, VrrpState to, long causeSeq) {
        if (mail.isEmpty() || (to == VrrpState.FAULT && m.noEmailFaults())) return;
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            if (dropped++ % 100 == 0) NodeLog.warn("smtp_alert: " + MAX_QUEUED + " mails already waiting; dropped " + trigger);
            return;
        }
        thread.execute(() -> {
            try { send(m, trigger, mail.get(), causeSeq); } finally { queued.decrementAndGet(); }
        });
    }

    private void send(MailSetup m, String trigger, MailAlert mail, long causeSeq) {
        String from = m.from().isEmpty() ? "root@" + hostname : m.from();
        String helo = m.helo().isEmpty() ? hostname : m.helo();
        long t0 = System.nanoTime();
        int code = 0;
        String out = mail.subject();
        try {
            SmtpClient.send(m.server(), m.port(), m.connectTimeout(), helo, from, m.to(),
                    mail.data(ZonedDateTime.now(), from, m.to()));
            NodeLog.info("SMTP alert sent to " + String.join(", ", m.to()) + ": " + mail.subject());
        } catch (SmtpClient.Failure e) {
            code = e.code;
            out = e.getMessage() + "\n" + mail.subject();
        } catch (IOException | RuntimeException e) {
            code = -1;
            out = "SMTP server " + m.server() + ":" + m.port() + ": " + e.getMessage() + "\n" + mail.subject();
        }
        if (code != 0) NodeLog.warn("smtp_alert (" + trigger + ") not sent: " + out.lines().findFirst().orElse(""));
        journal.append(causeSeq >= 0 ? Cause.event(causeSeq) : Cause.NONE,
                new Event.NotifyRun(m.describe(), trigger, code, System.nanoTime() - t0, out));
    }

    /** The node's name as keepalived takes it for the default router_id, HELO and sender: the kernel's hostname. */
    static String localName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Gives queued mails up to {@code max} to go out, then stops the thread. */
    @Override public void close() { close(Duration.ofSeconds(2)); }

    void close(Duration max) {
        thread.shutdown();
        try { thread.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        thread.shutdownNow();
    }
}
