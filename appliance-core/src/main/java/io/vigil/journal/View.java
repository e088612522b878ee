package io.vigil.journal;

import io.vigil.journal.Event.VrrpState;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the journal says the node's state was after event {@code seq}: VRRP instances, VIPs held, real servers,
 * the IPVS table and the last check results. Immutable; {@link #apply} is a pure fold used both for the live
 * view (the journal writer folds every event it writes) and for replay ({@link io.vigil.journal.store.JournalReader#stateAt}).
 *
 * <p>It is "what the events say", not a kernel probe: a VIP is held from its successful add to its
 * successful remove.
 */
public record View(long seq, long wallNs, String configHash,
                   SortedMap<String, Instance> instances,
                   SortedMap<String, Vip> vips,
                   SortedMap<String, RealServer> realServers,
                   SortedMap<String, Boolean> quorum,
                   SortedMap<String, IpvsService> ipvs,
                   SortedMap<String, Check> checks) {

    /** A vrrp_instance: state since the transition with seq {@code sinceSeq}; last MASTER seen. */
    public record Instance(String name, VrrpState state, int priority, String master, int masterPriority,
                           long sinceSeq, long sinceWallNs) {}

    /** A VIP this node holds (added successfully by event {@code sinceSeq}). */
    public record Vip(String address, String device, String instance, long sinceSeq) {}

    /** A real_server of a virtual_server; key in {@link #realServers} is "virtualServer|realServer". */
    public record RealServer(String virtualServer, String realServer, boolean up, int weight, long sinceSeq) {}

    /** A kernel IPVS service and its destinations (destination → entry). */
    public record IpvsService(String service, SortedMap<String, IpvsDest> destinations, long sinceSeq) {
        public IpvsService { destinations = frozen(destinations); }
    }

    /** A destination as of its last add/edit (event {@code sinceSeq}). */
    public record IpvsDest(String destination, int weight, String forwarding, long sinceSeq) {}

    /** Last result of one checker on one target; key in {@link #checks} is "checker|target". */
    public record Check(String checker, String target, boolean up, long latencyNs, String detail, int attempt,
                        long seq, long wallNs) {}

    public static final View EMPTY = new View(0, 0, "", empty(), empty(), empty(), empty(), empty(), empty());

    /** Copies every map: a View never changes after construction. */
    public View {
        configHash = configHash == null ? "" : configHash;
        instances = frozen(instances); vips = frozen(vips); realServers = frozen(realServers);
        quorum = frozen(quorum); ipvs = frozen(ipvs); checks = frozen(checks);
    }

    /** The pure fold: the state after {@code e} (this view is not changed). See {@link Projection} for the rules. */
    public View apply(Entry e) {
        if (e.event() instanceof Event.Snapshot snap) return snap.view();
        return Projection.of(this).apply(e).view();
    }

    private static <V> SortedMap<String, V> empty() { return Collections.emptySortedMap(); }
    private static <V> SortedMap<String, V> frozen(SortedMap<String, V> m) {
        if (m == null || m.isEmpty()) return empty();
        return Collections.unmodifiableSortedMap(new TreeMap<>(m));
    }
}
