package io.vigil.node;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * global_defs mail settings and who alerts. keepalived mails only when both {@code notification_email} and
 * {@code smtp_server} are set; an instance or sync group alerts when its own {@code smtp_alert}, else
 * {@code smtp_alert_vrrp}, else {@code smtp_alert} says so (default: no). {@code noEmailFaults} holds back FAULT mails.
 */
public record MailSetup(String server, int port, String helo, String from, List<String> to, Duration connectTimeout,
                        Set<String> instances, Set<String> groups, boolean noEmailFaults) {
    public static final MailSetup NONE = new MailSetup(null, 25, "", "", List.of(), Duration.ofSeconds(30), Set.of(), Set.of(), false);

    public MailSetup {
        to = List.copyOf(to);
        instances = Set.copyOf(instances);
        groups = Set.copyOf(groups);
    }

    public boolean sends() { return server != null && !to.isEmpty() && (!instances.isEmpty() || !groups.isEmpty()); }

    /** "ops@example.com,noc@example.com via 192.0.2.1:25", the journal's name for a mail run. */
    public String describe() { return "smtp_alert to " + String.join(",", to) + " via " + server + ":" + port; }
}
