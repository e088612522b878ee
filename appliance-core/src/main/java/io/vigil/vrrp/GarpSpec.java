package io.vigil.vrrp;

import java.time.Duration;

/**
 * Gratuitous ARP schedule after becoming MASTER (keepalived's garp_master_delay / _repeat / _refresh /
 * _refresh_repeat): {@code masterRepeat} GARPs at once, the same again after {@code masterDelay} (zero = not),
 * then {@code refreshRepeat} every {@code masterRefresh} (zero = never).
 */
public record GarpSpec(Duration masterDelay, int masterRepeat, Duration masterRefresh, int refreshRepeat) {
    /** keepalived defaults: delay 5 s, repeat 5, no refresh, refresh repeat 1. */
    public static final GarpSpec DEFAULT = new GarpSpec(Duration.ofSeconds(5), 5, Duration.ZERO, 1);

    public GarpSpec {
        if (masterDelay.isNegative() || masterRefresh.isNegative()) throw new IllegalArgumentException("negative garp interval");
        if (masterRepeat < 1 || refreshRepeat < 1) throw new IllegalArgumentException("garp repeat must be at least 1");
    }
}
