package io.vigil.config;

/** The initial state asked for by {@code state}; keepalived treats anything but MASTER/BACKUP as BACKUP. */
public enum VrrpState { MASTER, BACKUP }
