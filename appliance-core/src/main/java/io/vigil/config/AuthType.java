package io.vigil.config;

/** VRRPv2 authentication types keepalived supports (RFC 2338 simple text password, IPSEC AH). */
public enum AuthType { PASS, AH }
