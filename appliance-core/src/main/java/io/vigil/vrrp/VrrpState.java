package io.vigil.vrrp;

/** Instance states, named as keepalived logs and notifies them. */
public enum VrrpState { INIT, BACKUP, MASTER, FAULT, STOP }
