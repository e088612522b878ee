package io.vigil.config;

import java.util.Optional;

/**
 * global_defs {@code nftables [TABLE]}, {@code nftables_priority}, {@code nftables_counters} (and the legacy
 * {@code vrrp_iptables}, which keepalived 2.2.7 built without iptables turns into {@code nftables}).
 * {@code table} is empty when none was written: keepalived then uses {@code keepalived} as soon as an instance is
 * no_accept.
 */
public record NfTables(Optional<String> table, int priority, boolean counters) {
    public static final String DEFAULT_TABLE = "keepalived";
    public static final int DEFAULT_PRIORITY = -1;
    /** NFT_TABLE_MAXNAMELEN: keepalived refuses names this long or longer. */
    static final int MAX_NAME = 256;

    public static final NfTables NONE = new NfTables(Optional.empty(), DEFAULT_PRIORITY, false);

    /** The table the drop rules go into once an instance needs them. */
    public String tableOrDefault() { return table.orElse(DEFAULT_TABLE); }
}
