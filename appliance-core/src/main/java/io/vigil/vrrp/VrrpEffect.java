package io.vigil.vrrp;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the node must do after a step, in order. Every effect names its instance so one journal/IO loop can serve
 * all instances.
 */
public sealed interface VrrpEffect {
    String instance();

    /**
     * Send {@code message} (a complete VRRP message, checksum filled for {@code source}→{@code destination}) with
     * IP TTL {@code ttl} (255 but for unicast_ttl), TOS 0xc0, protocol 112, from {@code source} to
     * {@code destination} (the multicast group, 224.0.0.18 unless configured, or one unicast peer).
     */
    record SendAdvert(String instance, Ipv4Address source, Ipv4Address destination, int priority, byte[] message, int ttl) implements VrrpEffect {
        public SendAdvert { message = message.clone(); }
        public SendAdvert(String instance, Ipv4Address source, Ipv4Address destination, int priority, byte[] message) {
            this(instance, source, destination, priority, message, VrrpAdvertFlyweight.REQUIRED_TTL);
        }
        @Override public byte[] message() { return message.clone(); }
        /** Puts the message at {@code dst}'s position (advancing it): the send path's copy, allocates nothing. */
        public void putMessage(java.nio.ByteBuffer dst) { dst.put(message); }
    }
    /** Add the addresses (virtual_ipaddress + virtual_ipaddress_excluded); device null means {@code interfaceName}. */
    record AddAddresses(String instance, String interfaceName, List<VirtualAddress> addresses) implements VrrpEffect {
        public AddAddresses { addresses = List.copyOf(addresses); }
    }
    record RemoveAddresses(String instance, String interfaceName, List<VirtualAddress> addresses) implements VrrpEffect {
        public RemoveAddresses { addresses = List.copyOf(addresses); }
    }
    /** Send {@code repeat} gratuitous ARPs for each address on {@code interfaceName}. */
    record SendGarp(String instance, String interfaceName, List<Ipv4Address> addresses, int repeat, GarpReason reason) implements VrrpEffect {
        public SendGarp { addresses = List.copyOf(addresses); }
    }
    /**
     * Run {@code command} (keepalived notify syntax: a path, or a quoted "path args") with {@code extraArgs}
     * appended; for the generic {@code notify} those are TYPE NAME STATE PRIORITY.
     */
    record RunNotify(String instance, VrrpState state, String command, List<String> extraArgs) implements VrrpEffect {
        public RunNotify { extraArgs = List.copyOf(extraArgs); }
    }
    record StateChanged(String instance, VrrpState from, VrrpState to, Cause cause) implements VrrpEffect {}
    /**
     * A MASTER heard {@code from} advertise a lower {@code priority} than its own {@code ownPriority} (keepalived's
     * MASTER_RX_LOWER_PRI event: the notify FIFO line, and {@code command} = notify_master_rx_lower_pri run as
     * written, null if none). Comes before the answer advert and GARPs it causes.
     */
    record LowerPriorityHeard(String instance, Ipv4Address from, int priority, int ownPriority, String command) implements VrrpEffect {}
    record PriorityChanged(String instance, int from, int to, Cause cause) implements VrrpEffect {}
    record AdvertDropped(String instance, DropReason reason, Ipv4Address source) implements VrrpEffect {}
    /**
     * The next time to deliver a {@link VrrpInput.Tick}. Emitted last in every step that leaves a timer running;
     * a step without one means no timer is needed (any earlier request is void).
     */
    record TimerRequest(String instance, long deadline) implements VrrpEffect {}

    // ---- notes added by VrrpRouter (never by an instance): rate-limited reports the node journals and logs

    /** A drop worth reporting (first of its kind, then at most one per instance every 10 s); {@code totals} so far. */
    record DropReport(String instance, String interfaceName, DropReason reason, Ipv4Address source, long count,
                      Map<DropReason, Long> totals) implements VrrpEffect {
        public DropReport { totals = enumCopy(totals); }
    }
    /** Datagrams no instance could be charged with on {@code interfaceName}; {@code instance()} is empty. */
    record InterfaceDropReport(String interfaceName, DropReason reason, Ipv4Address source,
                               Map<DropReason, Long> totals) implements VrrpEffect {
        public InterfaceDropReport { totals = enumCopy(totals); }
        @Override public String instance() { return ""; }
    }
    /** A BACKUP heard a new master (address or priority), or {@code sample}: the same one, a minute on. */
    record MasterSeen(String instance, String interfaceName, Ipv4Address from, int priority, Cause.Relation relation,
                      boolean sample) implements VrrpEffect {}
    /** Another router advertised while we are MASTER: {@code since} adverts since the last note, the latest heard at {@code heardAt}. */
    record OtherMaster(String instance, String interfaceName, Ipv4Address from, int priority, int ownPriority,
                       Cause.Relation relation, long since, long heardAt) implements VrrpEffect {}
    /** An unmodifiable copy in DropReason order (it is printed). */
    private static Map<DropReason, Long> enumCopy(Map<DropReason, Long> m) {
        EnumMap<DropReason, Long> e = new EnumMap<>(DropReason.class);
        e.putAll(m);
        return Collections.unmodifiableMap(e);
    }

    /** A sync group's overall state changed ({@code instance()} is the group). */
    record GroupChanged(String instance, VrrpState state, List<String> members) implements VrrpEffect {
        public GroupChanged { members = List.copyOf(members); }
    }
}
