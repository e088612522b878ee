package io.vigil.node;

import io.vigil.config.KeepalivedConfig;
import io.vigil.config.NfTables;
import io.vigil.config.VrrpInstance;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the node filters with nftables: the table, chain priority and counters of global {@code nftables*}, and the
 * instances that are no_accept (written, or the strict-mode default below priority 255).
 */
public record FirewallSetup(String table, int priority, boolean counters, Set<String> noAccept) {
    public static final FirewallSetup NONE = new FirewallSetup(NfTables.DEFAULT_TABLE, NfTables.DEFAULT_PRIORITY, false, Set.of());

    public FirewallSetup { noAccept = Set.copyOf(noAccept); }

    static FirewallSetup from(KeepalivedConfig c) {
        NfTables n = c.globalDefs().nftables();
        return new FirewallSetup(n.tableOrDefault(), n.priority(), n.counters(), c.vrrpInstances().stream()
                .filter(i -> !i.accept()).map(VrrpInstance::name).collect(Collectors.toSet()));
    }
}
