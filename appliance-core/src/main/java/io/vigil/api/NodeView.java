package io.vigil.api;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the management server and the metrics see of a running node: a read view over the live journal
 * projection plus the operator's control actions. The node implements it; the API never reaches into engines.
 *
 * <p>Reads may be called from any thread. Unknown names raise {@link NotFound}; a control action the node
 * refuses raises {@link IllegalStateException} (reported as 409).
 */
public interface NodeView {

    String nodeName();

    List<Views.Instance> instances();

    List<Views.VirtualServer> virtualServers();

    List<Views.Check> checks();

    /** vrrp_script trackers (keepalived_script_status); empty when none are configured. */
    default List<Views.Script> scripts() { return List.of(); }

    /** The journal projection as it stood at {@code at} (journal stateAt), in its one JSON shape (JournalJson.state). */
    JsonObject stateAt(Instant at);

    /** Journal events with {@code from <= time < to}, of the given types (all when empty), oldest first. */
    List<Views.Event> events(Instant from, Instant to, Set<String> types, int limit);

    /**
     * Journal entries with {@code from <= time < to} as JSON lines for download. The journal-backed view writes
     * the {@code vigil journal export} format, so a download can be fed to {@code vigil journal import}.
     */
    default void export(Instant from, Instant to, Set<String> types, Consumer<String> line) {
        for (var e : events(from, to, types, Integer.MAX_VALUE)) line.accept(e.json().encode());
    }

    /**
     * Delivers every event with a sequence number greater than {@code afterSeq}, in order, then each new one
     * as it is appended, until the returned handle is closed. Called on a thread of the node's choosing.
     */
    AutoCloseable subscribe(long afterSeq, Consumer<Views.Event> sink);

    /** Sequence number of the newest event (0 when the journal is empty). */
    long lastSeq();

    Views.JournalInfo journalInfo();

    // ---- control actions: each appends an operator-caused event and returns its sequence number ----

    long drain(String virtualServer, String realServer, boolean drained);

    long maintenance(String instance, boolean on);

    /** Runs the reload and waits for its outcome; {@code force} lets it remove every instance or VIP. */
    Views.Reload reload(boolean force);

    /** Dropped adverts of each instance by reason ({@code DropReason.label()}: "truncated", "bad_checksum", ...). */
    default Map<String, Map<String, Long>> vrrpDrops() { return Map.of(); }

    /** Datagrams dropped before any instance could be charged with them, by interface and reason. */
    default Map<String, Map<String, Long>> receiveDrops() { return Map.of(); }

    /** IPVS availability: empty when the kernel programs IPVS, otherwise why not (e.g. "no ip_vs in kernel"). */
    default Optional<String> ipvsUnavailable() { return Optional.empty(); }

    /** Unknown instance / virtual server / real server name. */
    final class NotFound extends RuntimeException {
        public NotFound(String what) { super(what); }
    }
}
