package io.vigil.vrrp;

import java.time.Duration;

/**
 * Gratuitous ARP schedule after becoming MASTER (keepalived's garp_master_delay / _repeat / _refresh /
 * _refresh_repeat): {@code masterRepeat} GARPs at once, the same again after {@code masterDelay} (zero = not),
 * then {@code refreshRepeat} every {@code masterRefresh} (zero = never). A MASTER that hears a lower priority
 * (garp_lower_prio_repeat / _delay) sends {@code lowerPrioRepeat} GARPs at once (0 = none) and again after
 * {@code lowerPrioDelay} (zero = not).
 */
public record GarpSpec(Duration masterDelay, int masterRepeat, Duration masterRefresh, int refreshRepeat,
                       Duration lowerPrioDelay, int lowerPrioRepeat) {
    /** keepalived defaults: delay 5 s, repeat 5, no refresh, refresh repeat 1; lower priority: 5 GARPs, again after 5 s. */
    public static final GarpSpec DEFAULT = new GarpSpec(Duration.ofSeconds(5), 5, Duration.ZERO, 1);

    public GarpSpec {
        if (masterDelay.isNegative() || masterRefresh.isNegative() || lowerPrioDelay.isNegative())
            throw new IllegalArgumentException("negative garp interval");
        if (masterRepeat < 1 || refreshRepeat < 1) throw new IllegalArgumentException("garp repeat must be at least 1");
        if (lowerPrioRepeat < 0) throw new IllegalArgumentException("negative garp_lower_prio_repeat");
    }

    /** The lower-priority GARPs as keepalived defaults them when the master schedule is global: the same delay and repeat. */
    public GarpSpec(Duration masterDelay, int masterRepeat, Duration masterRefresh, int refreshRepeat) {
        this(masterDelay, masterRepeat, masterRefresh, refreshRepeat, masterDelay, masterRepeat);
    }
}
