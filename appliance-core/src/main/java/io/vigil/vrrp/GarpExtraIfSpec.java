package io.vigil.vrrp;

import java.time.Duration;

/**
 * {@code garp_extra_if} / {@code vrrp_garp_extra_if}: while MASTER, every {@code interval} one gratuitous ARP per
 * interface of the instance's addresses that its adverts do not keep fresh in switches' MAC tables: its VMAC when
 * adverts go out of the base interface ({@code vmac_xmit_base}); with {@code allInterfaces} also any other
 * interface an address names with {@code dev} (keepalived 2.2.7's vrrp_send_vmac_update).
 */
public record GarpExtraIfSpec(Duration interval, boolean allInterfaces) {
    public GarpExtraIfSpec {
        if (!interval.isPositive()) throw new IllegalArgumentException("garp_extra_if interval must be positive");
    }
}
