package io.vigil.vrrp;

import java.time.Duration;

/**
 * {@code garp_extra_if} / {@code vrrp_garp_extra_if}: while MASTER, every {@code interval} one gratuitous ARP per
 * interface of the instance's addresses, so that switches keep those MACs: with {@code allInterfaces} every interface
 * an address names with {@code dev}, and its own VMAC when adverts leave by the base (vmac_xmit_base); without it only
 * VMACs made by use_vmac_addr, which Vigil does not make, i.e. none (keepalived 2.2.7, checked on the wire).
 */
public record GarpExtraIfSpec(Duration interval, boolean allInterfaces) {
    public GarpExtraIfSpec {
        if (!interval.isPositive()) throw new IllegalArgumentException("garp_extra_if interval must be positive");
    }
}
