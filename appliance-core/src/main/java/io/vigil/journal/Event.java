package io.vigil.journal;

/**
 * The body of a journal event: what happened. Producers build one of these records plus a {@link Cause} and
 * hand both to {@link io.vigil.journal.store.Journal#append}; the journal stamps node id, sequence number, wall-clock and monotonic
 * time and the hash chain (see {@link Entry}). Records are values: no I/O, no references to live objects.
 *
 * <p>Names follow keepalived's vocabulary (vrrp_instance, virtual_server, real_server, notify scripts).
 * Strings are never null (null becomes ""). Adding a field: append it at the end of the record AND of its
 * codec in {@link EventType} (one list serves write and read), with a default for older entries — never reorder.
 */
public sealed interface Event {

    /** Stable kebab-case name used by the CLI ({@code --type}), JSON export and docs. */
    default String typeName() { return EventType.of(this).cliName(); }

    // ---- node lifecycle -------------------------------------------------------------------------------

    /**
     * The node process started. {@code previousEnd} says how the previous run on this journal ended, read from
     * its last entry: {@code first-run} (empty journal), {@code clean} (it ended with {@link NodeStopped}) or
     * {@code crashed} (it did not: the process died between {@code previousLastWallNs} and this entry);
     * {@code previousLastSeq}/{@code previousLastWallNs} are that last entry's (0 on a first run). The three
     * fields were appended in format 2 and read as "", 0, 0 from older entries.
     */
    record NodeStarted(String version, long pid, String previousEnd, long previousLastSeq, long previousLastWallNs) implements Event {
        public NodeStarted { version = nz(version); previousEnd = nz(previousEnd); }
        public NodeStarted(String version, long pid) { this(version, pid, "", 0, 0); }
        public static final String FIRST_RUN = "first-run", CLEAN = "clean", CRASHED = "crashed";
    }

    /**
     * Liveness mark, written by the VRRP thread every {@code periodMs}: the node was alive and its VRRP loop
     * running at this entry's time. {@code instances} describes each vrrp_instance as
     * {@code "NAME VRID SOURCE STATE PRIORITY ADVERT_MS"}, ';'-separated (see {@link #beats()}), so any stretch of journal
     * says which addresses this node advertises from (cross-node causes) without its start-up entries.
     */
    record NodeAlive(long periodMs, String instances) implements Event {
        public NodeAlive { instances = nz(instances); }

        /** {@code advertMs}: the instance's advert_int in ms (0 when the writer did not say). */
        public record Beat(String instance, int vrid, String source, VrrpState state, int priority, long advertMs) {
            public Beat(String instance, int vrid, String source, VrrpState state, int priority) {
                this(instance, vrid, source, state, priority, 0);
            }
            public String text() { return instance + " " + vrid + " " + source + " " + state + " " + priority + " " + advertMs; }
        }

        public static NodeAlive of(long periodMs, java.util.List<Beat> beats) {
            return new NodeAlive(periodMs, String.join(";", beats.stream().map(Beat::text).toList()));
        }

        public java.util.List<Beat> beats() {
            if (instances.isEmpty()) return java.util.List.of();
            var out = new java.util.ArrayList<Beat>();
            for (String b : instances.split(";")) {
                String[] f = b.trim().split(" ");
                if (f.length < 5) continue;
                try {
                    out.add(new Beat(f[0], Integer.parseInt(f[1]), f[2], VrrpState.valueOf(f[3]), Integer.parseInt(f[4]),
                            f.length > 5 ? Long.parseLong(f[5]) : 0));
                } catch (IllegalArgumentException ignored) { /* a beat from a newer writer: skipped */ }
            }
            return java.util.List.copyOf(out);
        }
    }

    /** The node is stopping (orderly: signal or operator). */
    record NodeStopped(String reason) implements Event {
        public NodeStopped { reason = nz(reason); }
    }

    /** A configuration was parsed and applied; {@code diffSummary} says e.g. "+VI_2 ~VS 192.0.2.10:80 -RS 10.0.0.13". */
    record ConfigApplied(String path, String contentHash, String diffSummary) implements Event {
        public ConfigApplied { path = nz(path); contentHash = nz(contentHash); diffSummary = nz(diffSummary); }
    }

    // ---- VRRP -----------------------------------------------------------------------------------------

    /** A vrrp_instance changed state. {@code reason} is the engine's words ("master_down timer expired",
     *  "higher priority 150 from 192.0.2.2", "track_script chk_nginx FAULT"); {@code priority} is the
     *  instance's effective priority at the transition (added in format 2; 0 when read from format 1). */
    record VrrpTransition(String instance, VrrpState from, VrrpState to, String reason, int priority) implements Event {
        public VrrpTransition { instance = nz(instance); reason = nz(reason); }
    }

    /** The effective priority of a vrrp_instance changed because of {@code tracker}
     *  (e.g. "track_script chk_nginx weight -20", "track_interface eth1 down"). */
    record PriorityChanged(String instance, int oldPriority, int newPriority, String tracker) implements Event {
        public PriorityChanged { instance = nz(instance); tracker = nz(tracker); }
    }

    /** A virtual_server's quorum (sum of live real servers' weights vs {@code quorum}, with {@code hysteresis})
     *  was lost or regained; {@code detail} says the numbers, e.g. "alive weight 1 < quorum 2". */
    record QuorumChanged(String virtualServer, boolean up, String detail) implements Event {
        public QuorumChanged { virtualServer = nz(virtualServer); detail = nz(detail); }
    }

    /**
     * A route added or removed: {@code owner} is the instance (virtual_routes) or "static" (static_routes and
     * static_ipaddress); {@code route} as written in keepalived.conf; {@code error} when the kernel refused, or
     * "already present"/"already absent".
     */
    record RouteChanged(String owner, String route, boolean added, boolean ok, String error) implements Event {
        public RouteChanged { owner = nz(owner); route = nz(route); error = nz(error); }
    }

    /**
     * A change Vigil made to the host outside addresses and routes: {@code setting} "nftables" (the drop rules of
     * no_accept instances; {@code owner} the instance, or empty for the table itself; {@code value} the nft commands)
     * or a scheduling setting of a thread ("scheduler", "nice", "affinity", "mlockall", "rlimit_rttime"; {@code owner}
     * the thread). {@code error} says why it failed when not {@code ok}.
     */
    record HostChanged(String owner, String setting, String value, boolean ok, String error) implements Event {
        public HostChanged { owner = nz(owner); setting = nz(setting); value = nz(value); error = nz(error); }
    }

    /** An advert was rejected or is suspicious; {@code source} is the sender address. */
    record AdvertAnomaly(String instance, AnomalyKind kind, String source, String detail) implements Event {
        public AdvertAnomaly { instance = nz(instance); source = nz(source); detail = nz(detail); }
    }

    /** The MASTER as seen from here: written at transitions and sampled otherwise (not for every advert). */
    record MasterSeen(String instance, String peer, int priority, boolean sampled) implements Event {
        public MasterSeen { instance = nz(instance); peer = nz(peer); }
    }

    /** A virtual_ipaddress was added to or removed from {@code device}; {@code error} is empty on success. */
    record VipChanged(String instance, String address, String device, boolean added, boolean ok, String error) implements Event {
        public VipChanged { instance = nz(instance); address = nz(address); device = nz(device); error = nz(error); }
    }

    /** Gratuitous ARP / unsolicited NA sent for a VIP. */
    record GarpSent(String instance, String address, String device, int count) implements Event {
        public GarpSent { instance = nz(instance); address = nz(address); device = nz(device); }
    }

    // ---- checks, real servers, IPVS --------------------------------------------------------------------

    /** One health-check result. {@code checker} is e.g. "HTTP_GET" or "track_script chk_nginx", {@code target}
     *  "198.51.100.13:80"; {@code attempt} counts consecutive tries (retry) — added in format 2 (1 when read from format 1). */
    record CheckResult(String checker, String target, boolean up, long latencyNs, String detail, int attempt) implements Event {
        public CheckResult { checker = nz(checker); target = nz(target); detail = nz(detail); }
    }

    /**
     * A run of {@code count} further probe results of one checker in the same class (up/down and detail class, see
     * {@link CheckCoalescer}) as the individual {@link CheckResult} that began the run (this entry's cause).
     * Written when the run ends (the class changes: before that new individual result) or at most every
     * {@code check-summary} interval while it lasts, so a steady failure costs one entry per interval, not one
     * per probe. {@code firstWallNs}/{@code lastWallNs} are the first and last summarised probes' times;
     * latencies: min, max, sum and {@code histogram} ("upper bound:count" per power-of-two bucket,
     * {@link LatencyHistogram}). {@code detail} is the run's detail (the first one of its class).
     */
    record CheckSummary(String checker, String target, boolean up, String detail, long count, long firstWallNs,
                        long lastWallNs, long latencyMinNs, long latencyMaxNs, long latencySumNs, String histogram) implements Event {
        public CheckSummary { checker = nz(checker); target = nz(target); detail = nz(detail); histogram = nz(histogram); }
    }

    /** A real_server of a virtual_server went up or down (after retries / delay_before_retry), with its weight
     *  and whether the virtual_server still has quorum. */
    record RealServerChanged(String virtualServer, String realServer, boolean up, int weight, boolean quorumUp) implements Event {
        public RealServerChanged { virtualServer = nz(virtualServer); realServer = nz(realServer); }
    }

    /** A change applied to the kernel IPVS table. {@code service} is e.g. "TCP 192.0.2.10:80 wrr",
     *  {@code destination} "198.51.100.13:80" (empty for service operations); {@code error} empty on success. */
    record IpvsChanged(IpvsOp op, String service, String destination, int weight, String forwarding, boolean ok, String error) implements Event {
        public IpvsChanged { service = nz(service); destination = nz(destination); forwarding = nz(forwarding); error = nz(error); }
    }

    /** A notify / notify_master / notify_backup / notify_fault / notify_up / notify_down script ran. */
    record NotifyRun(String script, String trigger, int exitCode, long durationNs, String output) implements Event {
        public NotifyRun { script = nz(script); trigger = nz(trigger); output = nz(output); }
    }

    /** Something an operator did (CLI / API): {@code action} e.g. "reload", "priority VI_1 50". */
    record OperatorAction(String who, String action, String detail) implements Event {
        public OperatorAction { who = nz(who); action = nz(action); detail = nz(detail); }
    }

    // ---- written by the journal itself -------------------------------------------------------------------

    /** Full projected state as of the preceding event (its seq); written periodically and at the start of every
     *  roll cycle so {@code stateAt(T)} and retention never need the journal's beginning. */
    record Snapshot(View view) implements Event {}

    /** Producers could not enqueue {@code count} events because the append buffer was full. */
    record Dropped(long count) implements Event {}

    /** An entry whose type this version does not know (written by a newer Vigil): kept, shown, not projected. */
    record Unknown(int tag, byte[] body) implements Event {}

    /** {@code UNKNOWN} is never journaled by a node: forensic views use it past a node's last evidence. */
    enum VrrpState { INIT, BACKUP, MASTER, FAULT, STOP, UNKNOWN }

    enum AnomalyKind { AUTH_FAILURE, TTL, CHECKSUM, VRID_MISMATCH, INTERVAL_MISMATCH, ADDRESS_LIST_MISMATCH,
        VERSION, LENGTH, OTHER_MASTER, OTHER }

    /** Table changes, then (appended: the journal stores ordinals) sync daemon start/stop ({@code service} = "master eth1 id 51"),
     *  connection timeouts set ({@code service} = "tcp 900 tcpfin 120 udp 300") and a flush of the whole table. */
    enum IpvsOp { SERVICE_ADD, SERVICE_EDIT, SERVICE_DELETE, DEST_ADD, DEST_EDIT, DEST_DELETE, SYNC_DAEMON_START,
        SYNC_DAEMON_STOP, TIMEOUTS_SET, FLUSH }

    /** True for entries the journal writes about itself; they share the sequence number of the event before. */
    default boolean isAnnotation() { return this instanceof Snapshot || this instanceof Dropped; }

    private static String nz(String s) { return s == null ? "" : s; }
}
