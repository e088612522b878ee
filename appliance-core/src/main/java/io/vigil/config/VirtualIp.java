package io.vigil.config;

import io.vigil.check.api.SourceLocation;

import java.util.List;
import java.util.Optional;

/**
 * One line of virtual_ipaddress / virtual_ipaddress_excluded:
 * {@code ADDR[/LEN] [brd ADDR] [dev IFNAME] [scope SCOPE] [label LABEL] [peer ADDR] [home] [-nodad] [noprefixroute] ...}.
 * The prefix length defaults to /32 (IPv4) or /128 (IPv6), as in keepalived. Flags not modelled are kept in
 * {@code otherOptions} in file order.
 */
public record VirtualIp(String address, int prefixLength, boolean ipv6, Optional<String> broadcast, Optional<String> device,
                        Optional<String> scope, Optional<String> label, Optional<String> peer, List<String> otherOptions,
                        SourceLocation where) {
    public VirtualIp {
        otherOptions = List.copyOf(otherOptions);
    }

    /** "192.0.2.100/32". */
    public String cidr() { return address + "/" + prefixLength; }
}
