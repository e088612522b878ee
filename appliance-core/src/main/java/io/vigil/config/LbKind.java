package io.vigil.config;

/** IPVS forwarding method: lb_kind / lvs_method (NAT is keepalived's default). */
public enum LbKind { NAT, DR, TUN }
