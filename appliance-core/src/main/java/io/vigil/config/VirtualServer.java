package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@code virtual_server}, with keepalived's defaults filled in: delay_loop 60s, lb_algo/lvs_sched wlc (the
 * IPVS default), lb_kind/lvs_method NAT, protocol TCP, quorum 1, hysteresis 0. {@code persistenceTimeout} is
 * empty when persistence is off; "persistence_timeout" without a value means keepalived's 6 minutes.
 * {@code sorryServerLbKind} is sorry_server_lvs_method (empty: the virtual server's {@code lbKind}); {@code smtpAlert}
 * its own smtp_alert (empty: global smtp_alert_checker, else smtp_alert, else off).
 */
public record VirtualServer(VirtualServerAddress address, Duration delayLoop, String lbAlgo, LbKind lbKind,
                            Protocol protocol, Optional<Duration> persistenceTimeout,
                            Optional<String> persistenceGranularity, int quorum, int hysteresis,
                            Optional<Script> quorumUp, Optional<Script> quorumDown, Optional<SorryServer> sorryServer,
                            boolean sorryServerInhibit, boolean inhibitOnFailure, boolean alpha, boolean omega,
                            boolean haSuspend, Optional<String> virtualhost, List<RealServer> realServers,
                            Optional<LbKind> sorryServerLbKind, Optional<Boolean> smtpAlert,
                            SourceLocation where, ConfigNode node) {
    public VirtualServer {
        realServers = List.copyOf(realServers);
    }

    public SourceLocation locationOf(String keyword) { return node.child(keyword).map(ConfigNode::where).orElse(where); }
}
