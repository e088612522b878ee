package io.vigil.vrrp;

/** Which part of the GARP schedule a {@link VrrpEffect.SendGarp} belongs to. */
public enum GarpReason { BECAME_MASTER, MASTER_DELAY, REFRESH }
