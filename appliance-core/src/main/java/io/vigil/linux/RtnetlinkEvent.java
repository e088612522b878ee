package io.vigil.linux;

/** What the kernel told a {@link RtnetlinkMonitor}: link and IPv4 address changes, or lost notifications. */
public sealed interface RtnetlinkEvent {
    /** RTM_NEWLINK: a link appeared or changed (flags, state, name...). Check {@link LinkInfo#isUp()}. */
    record LinkChanged(LinkInfo link) implements RtnetlinkEvent {}

    /** RTM_DELLINK: the interface is gone. */
    record LinkRemoved(LinkInfo link) implements RtnetlinkEvent {}

    /** RTM_NEWADDR for IPv4. */
    record AddressAdded(Ipv4InterfaceAddress address) implements RtnetlinkEvent {}

    /** RTM_DELADDR for IPv4: e.g. a VIP removed behind our back (ip addr del). */
    record AddressRemoved(Ipv4InterfaceAddress address) implements RtnetlinkEvent {}

    /** The receive buffer overflowed (ENOBUFS): some notifications were lost, re-read the state with {@link Rtnetlink}. */
    record Overrun() implements RtnetlinkEvent {}
}
