/**
 * VRRP (RFC 3768 v2 / RFC 5798 v3, IPv4) as keepalived 2.2.7 runs it: the wire codec
 * ({@link io.vigil.vrrp.VrrpAdvertFlyweight}, {@link io.vigil.vrrp.Ipv4HeaderFlyweight},
 * {@link io.vigil.vrrp.ReceivedAdvert}) and the pure per-instance engine ({@link io.vigil.vrrp.VrrpInstance},
 * {@link io.vigil.vrrp.VrrpSyncGroup}), and {@link io.vigil.vrrp.VrrpRouter}, every instance of a node behind one
 * host-facing object: inputs in, effects out, caller-supplied monotonic time. No I/O here.
 */
package io.vigil.vrrp;
