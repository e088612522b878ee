package io.vigil.check.api;

import java.util.Set;

/** Checker-block keywords the host interprets for every check type (keepalived's common checker options). */
public final class CommonKeywords {
    private CommonKeywords() {}

    /**
     * Handled by Vigil's scheduler, never by a plugin: target override ({@code connect_ip},
     * {@code connect_port}, {@code bindto}, {@code bind_port}, {@code bind_if}, {@code fwmark}), timing
     * ({@code connect_timeout}, {@code retry}/{@code nb_get_retry}, {@code delay_before_retry},
     * {@code warmup}, {@code delay_loop}) and alerts.
     */
    public static final Set<String> HOST_HANDLED = Set.of(
            "connect_ip", "connect_port", "bindto", "bind_port", "bind_if", "fwmark",
            "connect_timeout", "retry", "nb_get_retry", "delay_before_retry", "warmup", "delay_loop",
            "alpha", "log_all_failures", "smtp_alert");

    /**
     * vrrp_script statements the host's tracker scheduler interprets ({@code interval}, {@code weight},
     * {@code rise}, {@code fall}, {@code init_fail}); {@code timeout} and {@code user} are read by both the
     * host (probe budget) and the script check.
     */
    public static final Set<String> TRACKER_HANDLED = Set.of(
            "interval", "timeout", "weight", "rise", "fall", "init_fail", "user");
}
