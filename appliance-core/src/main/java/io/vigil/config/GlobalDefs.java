package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code global_defs}. Defaults as keepalived 2.2: vrrp_version 2, vrrp_garp_master_delay 5s,
 * vrrp_garp_master_repeat 5, vrrp_garp_master_refresh 0 (off), vrrp_garp_master_refresh_repeat 1,
 * smtp_connect_timeout 30s. {@code node} is the raw block (empty when there was none).
 */
public record GlobalDefs(Optional<String> routerId, List<String> notificationEmail, Optional<String> notificationEmailFrom,
                         Optional<String> smtpServer, Optional<Integer> smtpPort, Optional<String> smtpHeloName,
                         Duration smtpConnectTimeout, Optional<Boolean> smtpAlert, int vrrpVersion,
                         Duration vrrpGarpMasterDelay, int vrrpGarpMasterRepeat, Duration vrrpGarpMasterRefresh,
                         int vrrpGarpMasterRefreshRepeat, Duration vrrpGarpInterval, Optional<String> vrrpMcastGroup4,
                         Optional<String> vrrpMcastGroup6, Optional<String> scriptUser, Optional<String> scriptGroup,
                         boolean enableScriptSecurity, boolean vrrpStrict, boolean vrrpSkipCheckAdvAddr,
                         boolean vrrpCheckUnicastSrc, Optional<String> lvsId, Optional<String> lvsSyncDaemon,
                         SourceLocation where, ConfigNode node, NfTables nftables,
                         Scheduling scheduling) {
    public GlobalDefs {
        notificationEmail = List.copyOf(notificationEmail);
    }

    public static final ConfigNode EMPTY_NODE = new ConfigNode("global_defs", List.of(), List.of(), SourceLocation.NONE);

    public SourceLocation locationOf(String keyword) { return node.child(keyword).map(ConfigNode::where).orElse(where); }
}
