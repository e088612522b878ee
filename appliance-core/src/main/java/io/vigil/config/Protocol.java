package io.vigil.config;

/** virtual_server protocol (TCP is keepalived's default). */
public enum Protocol { TCP, UDP, SCTP }
