package io.vigil.config;

import io.vigil.check.api.SourceLocation;

/** One unicast_peer address (VRRP adverts go to each peer instead of the multicast group). */
public record UnicastPeer(String address, SourceLocation where) {}
