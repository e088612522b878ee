package io.vigil.node;

import io.vigil.vrrp.VrrpState;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One smtp_alert mail, worded as keepalived 2.2.7 words it (compared byte for byte against keepalived's own mails in
 * SmtpAlertNetnsTest): subject {@code [ROUTER_ID] VRRP Instance VI_1 - Entering MASTER state}, one body line.
 * keepalived mails MASTER, BACKUP and FAULT; it sends none for STOP.
 */
public record MailAlert(String subject, String body) {
    private static final DateTimeFormatter RFC822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    public static Optional<MailAlert> instance(String routerId, String name, VrrpState state) {
        String body = switch (state) {
            case MASTER -> "=> VRRP Instance is now owning VRRP VIPs <=";
            case BACKUP, FAULT -> "=> VRRP Instance is no longer owning VRRP VIPs <=";
            default -> null;
        };
        return body == null ? Optional.empty()
                : Optional.of(new MailAlert(subject(routerId, "Instance", name, state), body));
    }

    public static Optional<MailAlert> group(String routerId, String name, VrrpState state) {
        return switch (state) {
            case MASTER, BACKUP, FAULT -> Optional.of(new MailAlert(subject(routerId, "Group", name, state),
                    "=> All VRRP group instances are now in " + state + " state <="));
            default -> Optional.empty();
        };
    }

    private static String subject(String routerId, String kind, String name, VrrpState state) {
        return "[" + routerId + "] VRRP " + kind + " " + name + " - Entering " + state + " state";
    }

    /** The DATA section up to, not including, the terminating dot: keepalived's headers, the body line, an empty line. */
    public String data(ZonedDateTime date, String from, List<String> to) {
        return "Date: " + RFC822.format(date) + "\r\nFrom: " + from + "\r\nSubject: " + subject
                + "\r\nX-Mailer: Keepalived\r\nTo: " + String.join(", ", to) + "\r\n\r\n" + body + "\r\n";
    }
}
