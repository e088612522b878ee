package io.vigil.api;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Value types the management API and the metrics read from a {@link NodeView}. */
public final class Views {
    private Views() {}

    /** A vrrp_instance as the projection sees it; {@code state} uses keepalived's names (INIT, BACKUP, MASTER, FAULT). */
    public record Instance(String name, String intf, int vrid, String state, int priority, int effectivePriority,
                           boolean maintenance, List<String> vips, double garpDelaySeconds, Instant since,
                           VrrpStats stats) {}

    /** keepalived's per-instance VRRP counters (SIGSTATS / keepalived.stats), fed by the engine. */
    public record VrrpStats(long advertRcvd, long advertSent, long becomeMaster, long releaseMaster,
                            long packetLenErr, long advertIntervalErr, long ipTtlErr, long invalidTypeRcvd,
                            long addrListErr, long invalidAuthType, long authTypeMismatch, long authFailure,
                            long priZeroRcvd, long priZeroSent) {
        public static final VrrpStats ZERO = new VrrpStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * A virtual_server. {@code id} is URL-safe and stable ("TCP-192.0.2.50-80", "FWM-7");
     * {@code stats} is null when the kernel has no IPVS (desired state only). {@code quorumUp}: the alive weight
     * holds quorum (journal QuorumChanged); {@code sorryServer} is null when none is configured.
     */
    public record VirtualServer(String id, String protocol, String address, int port, int fwmark, String scheduler,
                                List<RealServer> reals, IpvsStats stats, boolean quorumUp, SorryServer sorryServer) {
        public VirtualServer(String id, String protocol, String address, int port, int fwmark, String scheduler,
                             List<RealServer> reals, IpvsStats stats) {
            this(id, protocol, address, port, fwmark, scheduler, reals, stats, true, null);
        }
    }

    /** A sorry_server: {@code active} while quorum is lost and it stands in for the real servers in IPVS. */
    public record SorryServer(String address, int port, boolean active) {}

    /** A real_server: configured weight, weight Vigil programs now (0 when down or drained), health and drain flag. */
    public record RealServer(String id, String address, int port, int configuredWeight, int weight, boolean healthy,
                             boolean drained, IpvsStats stats) {}

    /** IPVS kernel counters (ip_vs_stats / per-destination). */
    public record IpvsStats(long connections, long inPackets, long outPackets, long inBytes, long outBytes,
                            long activeConnections, long inactiveConnections) {}

    /** A health checker (HTTP_GET, TCP_CHECK, plugin...) on one real server. */
    public record Check(String id, String type, String virtualServer, String realServer, String status,
                        Instant lastRun, double lastLatencySeconds, String lastMessage, long failures) {}

    /** A vrrp_script: status GOOD/BAD, state as keepalived reports it (idle, running, ...). */
    public record Script(String name, String status, String state) {}

    /**
     * A journal event: {@code json} is the entry in its one JSON shape (io.vigil.journal.JournalJson, docs/api.md);
     * sequence number, wall-clock time and type (its wire name) are copied out of it for filtering.
     */
    public record Event(long seq, Instant time, String type, JsonObject json) {}

    public record JournalInfo(long events, long sizeBytes) {}

    /**
     * What a reload did: applied (with the node's summary, e.g. "~VI_1 +VI_2"), or rejected with the reasons
     * (file:line errors) while the running configuration stays. {@code seq} is the operator's journal entry.
     */
    public record Reload(long seq, boolean applied, String summary, java.util.List<String> errors) {
        public Reload { errors = java.util.List.copyOf(errors); }
    }
}
