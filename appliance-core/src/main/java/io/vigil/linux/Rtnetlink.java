package io.vigil.linux;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * rtnetlink requests over a NETLINK_ROUTE socket, in the network namespace of the thread that opened it:
 * add/remove IPv4 addresses (VIPs) idempotently, list addresses and links, set a link up/down.
 * Not for notifications: see {@link RtnetlinkMonitor}.
 */
public final class Rtnetlink implements AutoCloseable {
    static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_DELADDR = 21,
            RTM_GETADDR = 22, RTM_NEWROUTE = 24, RTM_DELROUTE = 25;
    static final int RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_PREFSRC = 7, RTA_TABLE = 15;
    /** The routing protocol number keepalived stamps its routes with ("proto keepalived" in ip route). */
    public static final int RTPROT_KEEPALIVED = 18;
    static final int IFINFOMSG_LENGTH = 16, IFADDRMSG_LENGTH = 8;
    static final int IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_OPERSTATE = 16;
    static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_FLAGS = 8;

    /** What an idempotent change did: the note a caller journals. */
    public enum Change {
        ADDED, ALREADY_PRESENT, REMOVED, ALREADY_ABSENT;
        /** True when the kernel state was changed by this call. */
        public boolean changed() { return this == ADDED || this == REMOVED; }
    }

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static Rtnetlink open() throws LinuxException {
        return new Rtnetlink(NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));
    }

    /** Adds an IPv4 address (RTM_NEWADDR, NLM_F_CREATE|NLM_F_EXCL). EEXIST → {@link Change#ALREADY_PRESENT}. */
    public Change addAddress(Ipv4InterfaceAddress a) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder m = addressMessage(RTM_NEWADDR, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, a);
        try {
            socket.request(m, "add address " + a);
            return Change.ADDED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) return Change.ALREADY_PRESENT;
            throw e;
        }
    }

    /** Removes an IPv4 address (RTM_DELADDR). EADDRNOTAVAIL (not there) → {@link Change#ALREADY_ABSENT}. */
    public Change removeAddress(Ipv4InterfaceAddress a) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder m = addressMessage(RTM_DELADDR, 0, a);
        try {
            socket.request(m, "remove address " + a);
            return Change.REMOVED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EADDRNOTAVAIL) return Change.ALREADY_ABSENT;
            throw e;
        }
    }

    private static NetlinkMessageBuilder addressMessage(int type, int flags, Ipv4InterfaceAddress a) {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(type, flags)
                .u8(Libc.AF_INET).u8(a.prefixLength()).u8(0).u8(a.scope()).u32(a.ifindex())
                .attr(IFA_LOCAL, a.address().getAddress())
                .attr(IFA_ADDRESS, a.address().getAddress());
        if (a.broadcast() != null) m.attr(IFA_BROADCAST, a.broadcast().getAddress());
        if (a.label() != null) m.attrString(IFA_LABEL, a.label());
        return m;
    }

    /** An IPv4 route: {@code type} is the kernel's RTN_* (1 unicast, 6 blackhole, 7 unreachable, 8 prohibit). */
    public record Route(int type, byte[] destination, int prefixLength, byte[] gateway, int oif, byte[] prefSrc,
                        int table, Integer metric, int scope, int protocol) { }

    static final int RTM_NEWRULE = 32, RTM_DELRULE = 33, FRA_DST = 1, FRA_SRC = 2, FRA_IIFNAME = 3, FRA_PRIORITY = 6,
            FRA_FWMARK = 10, FRA_TABLE = 15, FRA_OIFNAME = 17, FRA_PROTOCOL = 21, FR_ACT_TO_TBL = 1;

    /** An IPv4 lookup rule ({@code ip rule add ... table N}); null fields are "all"/unset. */
    public record Rule(byte[] from, int fromLength, byte[] to, int toLength, String iif, String oif, Long fwmark, int table,
                       int preference, int protocol) { }

    /** Adds a rule (RTM_NEWRULE, NLM_F_CREATE|NLM_F_EXCL). EEXIST → {@link Change#ALREADY_PRESENT}. */
    public Change addRule(Rule r) throws LinuxException, ClosedChannelException {
        try {
            socket.request(ruleMessage(RTM_NEWRULE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, r), "add rule");
            return Change.ADDED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) return Change.ALREADY_PRESENT;
            throw e;
        }
    }

    /** Removes a rule (RTM_DELRULE). ENOENT (no such rule) → {@link Change#ALREADY_ABSENT}. */
    public Change removeRule(Rule r) throws LinuxException, ClosedChannelException {
        try {
            socket.request(ruleMessage(RTM_DELRULE, 0, r), "remove rule");
            return Change.REMOVED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT) return Change.ALREADY_ABSENT;
            throw e;
        }
    }

    private static NetlinkMessageBuilder ruleMessage(int type, int flags, Rule r) {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(type, flags)
                .u8(Libc.AF_INET).u8(r.to() == null ? 0 : r.toLength()).u8(r.from() == null ? 0 : r.fromLength()).u8(0)
                .u8(r.table() < 256 ? r.table() : 252).u8(0).u8(0).u8(FR_ACT_TO_TBL).u32(0)
                .attrU32(FRA_TABLE, r.table())
                .attrU32(FRA_PRIORITY, r.preference())
                .attrU8(FRA_PROTOCOL, r.protocol());
        if (r.from() != null) m.attr(FRA_SRC, r.from());
        if (r.to() != null) m.attr(FRA_DST, r.to());
        if (r.iif() != null) m.attrString(FRA_IIFNAME, r.iif());
        if (r.oif() != null) m.attrString(FRA_OIFNAME, r.oif());
        if (r.fwmark() != null) m.attrU32(FRA_FWMARK, r.fwmark().intValue());
        return m;
    }

    /** Adds a route (RTM_NEWROUTE, NLM_F_CREATE|NLM_F_EXCL). EEXIST → {@link Change#ALREADY_PRESENT}. */
    public Change addRoute(Route r) throws LinuxException, ClosedChannelException {
        try {
            socket.request(routeMessage(RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, r), "add route");
            return Change.ADDED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) return Change.ALREADY_PRESENT;
            throw e;
        }
    }

    /** Removes a route (RTM_DELROUTE). ESRCH (no such route) → {@link Change#ALREADY_ABSENT}. */
    public Change removeRoute(Route r) throws LinuxException, ClosedChannelException {
        try {
            socket.request(routeMessage(RTM_DELROUTE, 0, r), "remove route");
            return Change.REMOVED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.ESRCH) return Change.ALREADY_ABSENT;
            throw e;
        }
    }

    private static NetlinkMessageBuilder routeMessage(int type, int flags, Route r) {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(type, flags)
                .u8(Libc.AF_INET).u8(r.prefixLength()).u8(0).u8(0)
                .u8(r.table() < 256 ? r.table() : 252).u8(r.protocol()).u8(r.scope()).u8(r.type()).u32(0)
                .attr(RTA_DST, r.destination())
                .attrU32(RTA_TABLE, r.table());
        if (r.gateway() != null) m.attr(RTA_GATEWAY, r.gateway());
        if (r.oif() > 0) m.attrU32(RTA_OIF, r.oif());
        if (r.prefSrc() != null) m.attr(RTA_PREFSRC, r.prefSrc());
        if (r.metric() != null) m.attrU32(RTA_PRIORITY, r.metric());
        return m;
    }

    /** Every IPv4 address in the namespace. */
    public List<Ipv4InterfaceAddress> addresses() throws LinuxException, ClosedChannelException {
        List<Ipv4InterfaceAddress> out = new ArrayList<>();
        NetlinkMessageBuilder req = new NetlinkMessageBuilder(RTM_GETADDR, 0).u8(Libc.AF_INET).u8(0).u8(0).u8(0).u32(0);
        for (NetlinkMessage m : socket.dump(req, "list IPv4 addresses")) {
            if (m.type() == RTM_NEWADDR) parseAddress(m).ifPresent(out::add);
        }
        return out;
    }

    /** The IPv4 addresses on one interface. */
    public List<Ipv4InterfaceAddress> addresses(int ifindex) throws LinuxException, ClosedChannelException {
        return addresses().stream().filter(a -> a.ifindex() == ifindex).toList();
    }

    /**
     * The interface's primary IPv4 address (the first one without IFA_F_SECONDARY), which keepalived uses as the
     * advert source when no unicast_src_ip is configured.
     */
    public Optional<Ipv4InterfaceAddress> primaryAddress(int ifindex) throws LinuxException, ClosedChannelException {
        return addresses(ifindex).stream().filter(a -> (a.flags() & Ipv4InterfaceAddress.IFA_F_SECONDARY) == 0).findFirst();
    }

    public List<LinkInfo> links() throws LinuxException, ClosedChannelException {
        List<LinkInfo> out = new ArrayList<>();
        for (NetlinkMessage m : socket.dump(linkRequest(0), "list links")) {
            if (m.type() == RTM_NEWLINK) out.add(parseLink(m));
        }
        return out;
    }

    public Optional<LinkInfo> link(int ifindex) throws LinuxException, ClosedChannelException {
        try {
            for (NetlinkMessage m : socket.request(linkRequest(ifindex), "get link " + ifindex))
                if (m.type() == RTM_NEWLINK) return Optional.of(parseLink(m));
            return Optional.empty();
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
    }

    public Optional<LinkInfo> link(String name) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder req = linkRequest(0).attrString(IFLA_IFNAME, name);
        try {
            for (NetlinkMessage m : socket.request(req, "get link " + name))
                if (m.type() == RTM_NEWLINK) return Optional.of(parseLink(m));
            return Optional.empty();
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
    }

    /** The index of an interface by name; ENODEV with the name when there is none. */
    public int ifindex(String name) throws LinuxException, ClosedChannelException {
        return link(name).orElseThrow(() -> new LinuxException("interface " + name, Errno.ENODEV, "no such interface")).index();
    }

    static final int IFLA_LINK = 5, IFLA_LINKINFO = 18, IFLA_AF_SPEC = 26, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2,
            IFLA_MACVLAN_MODE = 1, IFLA_INET_CONF = 1, IFLA_INET6_ADDR_GEN_MODE = 8, IN6_ADDR_GEN_MODE_NONE = 1;
    /** MACVLAN_MODE_PRIVATE: no frames between macvlans of one base; keepalived's VMAC mode. */
    public static final int MACVLAN_MODE_PRIVATE = 1;
    /** IPV4_DEVCONF_* ids (linux/ip.h) of the per-interface IPv4 settings {@link #setInet4Conf} changes. */
    public static final int DEVCONF_RP_FILTER = 8, DEVCONF_ARPFILTER = 13, DEVCONF_ARP_IGNORE = 19,
            DEVCONF_PROMOTE_SECONDARIES = 20, DEVCONF_ACCEPT_LOCAL = 23;

    /**
     * Creates a macvlan link (ip link add NAME link BASE address MAC type macvlan mode MODE), down.
     * EEXIST → {@link Change#ALREADY_PRESENT}.
     */
    public Change addMacvlan(String name, int baseIfindex, MacAddress mac, int mode) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(RTM_NEWLINK, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
                .u8(Libc.AF_UNSPEC).u8(0).u16(0).u32(0).u32(0).u32(0)
                .beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "macvlan")
                .beginNested(IFLA_INFO_DATA).attrU32(IFLA_MACVLAN_MODE, mode).endNested().endNested()
                .attrU32(IFLA_LINK, baseIfindex)
                .attrString(IFLA_IFNAME, name)
                .attr(IFLA_ADDRESS, mac.bytes());
        try {
            socket.request(m, "add macvlan " + name);
            return Change.ADDED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.EEXIST) return Change.ALREADY_PRESENT;
            throw e;
        }
    }

    /** Deletes a link (ip link del). ENODEV (gone already) → {@link Change#ALREADY_ABSENT}. */
    public Change removeLink(int ifindex) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(RTM_DELLINK, 0).u8(Libc.AF_UNSPEC).u8(0).u16(0)
                .u32(ifindex).u32(0).u32(0);
        try {
            socket.request(m, "delete link " + ifindex);
            return Change.REMOVED;
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) return Change.ALREADY_ABSENT;
            throw e;
        }
    }

    /** Sets per-interface IPv4 settings (sysctl net.ipv4.conf.IF.*) by their IPV4_DEVCONF id, as keepalived does via libnl. */
    public void setInet4Conf(int ifindex, java.util.Map<Integer, Integer> values) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(RTM_NEWLINK, 0).u8(Libc.AF_UNSPEC).u8(0).u16(0)
                .u32(ifindex).u32(0).u32(0)
                .beginNested(IFLA_AF_SPEC).beginNested(Libc.AF_INET).beginNested(IFLA_INET_CONF);
        values.forEach(m::attrU32);
        m.endNested().endNested().endNested();
        socket.request(m, "set IPv4 settings of link " + ifindex);
    }

    /** One per-interface IPv4 setting by IPV4_DEVCONF id; empty when the link has no IPv4 settings (or is gone). */
    public java.util.OptionalInt inet4Conf(int ifindex, int devconf) throws LinuxException, ClosedChannelException {
        try {
            for (NetlinkMessage msg : socket.request(linkRequest(ifindex), "get link " + ifindex)) {
                if (msg.type() != RTM_NEWLINK) continue;
                NetlinkAttributes a = msg.attributes(IFINFOMSG_LENGTH);
                if (!a.has(IFLA_AF_SPEC)) continue;
                NetlinkAttributes af = a.nested(IFLA_AF_SPEC);
                if (!af.has(Libc.AF_INET)) continue;
                NetlinkAttributes inet = af.nested(Libc.AF_INET);
                if (!inet.has(IFLA_INET_CONF)) continue;
                ByteBuffer conf = inet.get(IFLA_INET_CONF);
                int at = (devconf - 1) * 4;
                if (at + 4 <= conf.remaining()) return java.util.OptionalInt.of(conf.getInt(conf.position() + at));
            }
            return java.util.OptionalInt.empty();
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENODEV) return java.util.OptionalInt.empty();
            throw e;
        }
    }

    /** No IPv6 link-local address made up from the MAC (ip link set X addrgenmode none), as keepalived's VMACs. */
    public void setAddrGenModeNone(int ifindex) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(RTM_NEWLINK, 0).u8(Libc.AF_UNSPEC).u8(0).u16(0)
                .u32(ifindex).u32(0).u32(0)
                .beginNested(IFLA_AF_SPEC).beginNested(Libc.AF_INET6).attrU8(IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE)
                .endNested().endNested();
        socket.request(m, "set addrgenmode none on link " + ifindex);
    }

    /** Sets IFF_UP on or off (ip link set X up|down). */
    public void setLinkUp(int ifindex, boolean up) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder m = new NetlinkMessageBuilder(RTM_NEWLINK, 0).u8(Libc.AF_UNSPEC).u8(0).u16(0)
                .u32(ifindex).u32(up ? LinkInfo.IFF_UP : 0).u32(LinkInfo.IFF_UP);
        socket.request(m, "set link " + ifindex + (up ? " up" : " down"));
    }

    private static NetlinkMessageBuilder linkRequest(int ifindex) {
        return new NetlinkMessageBuilder(RTM_GETLINK, 0).u8(Libc.AF_UNSPEC).u8(0).u16(0).u32(ifindex).u32(0).u32(0);
    }

    /** Decodes an RTM_NEWLINK/RTM_DELLINK message. */
    static LinkInfo parseLink(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        int index = p.getInt(4), flags = p.getInt(8);
        NetlinkAttributes a = m.attributes(IFINFOMSG_LENGTH);
        String name = a.has(IFLA_IFNAME) ? a.string(IFLA_IFNAME) : "";
        MacAddress mac = a.has(IFLA_ADDRESS) && a.get(IFLA_ADDRESS).remaining() == 6 ? MacAddress.of(a.bytes(IFLA_ADDRESS)) : null;
        LinkInfo.OperState st = a.has(IFLA_OPERSTATE) ? LinkInfo.OperState.of(a.u8(IFLA_OPERSTATE)) : LinkInfo.OperState.UNKNOWN;
        return new LinkInfo(index, name, flags, st, mac, a.u32(IFLA_MTU, 0), a.u32(IFLA_MASTER, 0));
    }

    /** Decodes an RTM_NEWADDR/RTM_DELADDR message; empty for non-IPv4. */
    static Optional<Ipv4InterfaceAddress> parseAddress(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        if (p.remaining() < IFADDRMSG_LENGTH || p.get(0) != Libc.AF_INET) return Optional.empty();
        int prefix = Byte.toUnsignedInt(p.get(1)), flags = Byte.toUnsignedInt(p.get(2)), scope = Byte.toUnsignedInt(p.get(3));
        int index = p.getInt(4);
        NetlinkAttributes a = m.attributes(IFADDRMSG_LENGTH);
        int attr = a.has(IFA_LOCAL) ? IFA_LOCAL : IFA_ADDRESS;
        if (!a.has(attr)) return Optional.empty();
        Inet4Address addr = a.inet4(attr);
        Inet4Address brd = a.has(IFA_BROADCAST) ? a.inet4(IFA_BROADCAST) : null;
        String label = a.has(IFA_LABEL) ? a.string(IFA_LABEL) : null;
        if (a.has(IFA_FLAGS)) flags = a.u32(IFA_FLAGS);
        return Optional.of(new Ipv4InterfaceAddress(index, addr, prefix, brd, label, scope, flags));
    }

    @Override public void close() {
        socket.close();
    }
}
