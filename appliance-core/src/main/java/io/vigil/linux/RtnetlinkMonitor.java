package io.vigil.linux;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A NETLINK_ROUTE socket subscribed to RTNLGRP_LINK and RTNLGRP_IPV4_IFADDR, so the node learns of interface
 * up/down and of addresses added or removed by anyone (re-adding a VIP removed behind its back). Receive on one
 * thread; {@link #wakeup()} and {@link #close()} from any.
 */
public final class RtnetlinkMonitor implements AutoCloseable {
    public static final int RTNLGRP_LINK = 1, RTNLGRP_IPV4_IFADDR = 5;

    private final NetlinkSocket socket;

    private RtnetlinkMonitor(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Subscribes in the calling thread's network namespace. */
    public static RtnetlinkMonitor open() throws LinuxException {
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE);
        try {
            s.setReceiveBuffer(1 << 20);
            s.joinGroup(RTNLGRP_LINK);
            s.joinGroup(RTNLGRP_IPV4_IFADDR);
            return new RtnetlinkMonitor(s);
        } catch (LinuxException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The events of the next notification datagram, waiting up to {@code timeout}; empty on timeout or wakeup.
     * Lost notifications come back as one {@link RtnetlinkEvent.Overrun}.
     */
    public List<RtnetlinkEvent> poll(Duration timeout) throws LinuxException, ClosedChannelException {
        List<NetlinkMessage> msgs;
        try {
            msgs = socket.receive(timeout);
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOBUFS) return List.of(new RtnetlinkEvent.Overrun());
            throw e;
        }
        List<RtnetlinkEvent> out = new ArrayList<>(msgs.size());
        for (NetlinkMessage m : msgs) {
            switch (m.type()) {
                case Rtnetlink.RTM_NEWLINK -> out.add(new RtnetlinkEvent.LinkChanged(Rtnetlink.parseLink(m)));
                case Rtnetlink.RTM_DELLINK -> out.add(new RtnetlinkEvent.LinkRemoved(Rtnetlink.parseLink(m)));
                case Rtnetlink.RTM_NEWADDR -> Rtnetlink.parseAddress(m).ifPresent(a -> out.add(new RtnetlinkEvent.AddressAdded(a)));
                case Rtnetlink.RTM_DELADDR -> Rtnetlink.parseAddress(m).ifPresent(a -> out.add(new RtnetlinkEvent.AddressRemoved(a)));
                case NetlinkMessage.NLMSG_OVERRUN -> out.add(new RtnetlinkEvent.Overrun());
                default -> { }
            }
        }
        return out;
    }

    public void wakeup() { socket.wakeup(); }

    @Override public void close() { socket.close(); }
}
