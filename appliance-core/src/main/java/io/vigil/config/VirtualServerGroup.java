package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.List;
import java.util.Optional;

/** {@code virtual_server_group NAME { IP[-RANGE] [PORT] ... fwmark N ... }}. */
public record VirtualServerGroup(String name, List<Member> members, SourceLocation where, ConfigNode node) {
    public VirtualServerGroup {
        members = List.copyOf(members);
    }

    /** One line: an address or address range (192.0.2.1-10, 192.0.2.8/29) with a port, or a fwmark. */
    public record Member(Optional<String> address, int port, Optional<Integer> fwmark, SourceLocation where) {}
}
