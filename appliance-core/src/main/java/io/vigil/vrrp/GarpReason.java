package io.vigil.vrrp;

/** Which part of the GARP schedule a {@link VrrpEffect.SendGarp} belongs to. */
public enum GarpReason { BECAME_MASTER, MASTER_DELAY, REFRESH, /** a reload gave a MASTER new addresses */ ADDRESS_ADDED,
    /** garp_extra_if: the periodic one on interfaces adverts do not refresh */ EXTRA_IF }
