package io.vigil.vrrp;

import java.util.List;

/**
 * What the node must do after a step, in order. Every effect names its instance so one journal/IO loop can serve
 * all instances.
 */
public sealed interface VrrpEffect {
    String instance();

    /**
     * Send {@code message} (a complete VRRP message, checksum filled for {@code source}→{@code destination}) with
     * IP TTL 255, TOS 0xc0, protocol 112, from {@code source} to {@code destination} (224.0.0.18 or one unicast peer).
     */
    record SendAdvert(String instance, Ipv4Address source, Ipv4Address destination, int priority, byte[] message) implements VrrpEffect {
        public SendAdvert { message = message.clone(); }
        @Override public byte[] message() { return message.clone(); }
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
    record PriorityChanged(String instance, int from, int to, Cause cause) implements VrrpEffect {}
    record AdvertDropped(String instance, DropReason reason, Ipv4Address source) implements VrrpEffect {}
    /**
     * The next time to deliver a {@link VrrpInput.Tick}. Emitted last in every step that leaves a timer running;
     * a step without one means no timer is needed (any earlier request is void).
     */
    record TimerRequest(String instance, long deadline) implements VrrpEffect {}
}
