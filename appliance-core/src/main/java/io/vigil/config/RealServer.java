package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.List;
import java.util.Optional;

/**
 * {@code real_server IP [PORT] { weight; inhibit_on_failure; notify_up/down; lvs_method; checkers }}.
 * {@code lbKind} is the effective forwarding method (its own lvs_method, else the virtual server's). {@code smtpAlert}
 * is its own smtp_alert (empty: global smtp_alert_checker, else smtp_alert, else on, as keepalived).
 */
public record RealServer(String ip, int port, boolean ipv6, int weight, boolean inhibitOnFailure, LbKind lbKind,
                         Optional<Script> notifyUp, Optional<Script> notifyDown, List<Checker> checkers,
                         Optional<String> virtualhost, Optional<Boolean> smtpAlert, SourceLocation where, ConfigNode node) {
    public RealServer {
        checkers = List.copyOf(checkers);
    }

    /** "198.51.100.11:80". */
    public String endpoint() { return (ipv6 ? "[" + ip + "]" : ip) + ":" + port; }
}
