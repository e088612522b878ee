package io.vigil.vrrp;

/** Which part of the GARP schedule a {@link VrrpEffect.SendGarp} belongs to. */
public enum GarpReason {
    BECAME_MASTER, MASTER_DELAY, REFRESH, /** a reload gave a MASTER new addresses */ ADDRESS_ADDED,
    /** a MASTER heard a lower priority (garp_lower_prio_repeat) */ LOWER_PRIO,
    /** garp_lower_prio_delay after a lower priority was heard */ LOWER_PRIO_DELAY,
    /** garp_extra_if: the periodic one on interfaces adverts do not refresh */ EXTRA_IF
}
