package io.vigil.linux.ipvs;

import io.vigil.ipvs.DestKey;
import io.vigil.ipvs.ForwardMethod;
import io.vigil.ipvs.IpvsChange;
import io.vigil.ipvs.IpvsDest;
import io.vigil.ipvs.IpvsService;
import io.vigil.ipvs.Protocol;
import io.vigil.ipvs.ServiceKey;
import io.vigil.linux.Errno;
import io.vigil.linux.GenericNetlink;
import io.vigil.linux.LinuxException;
import io.vigil.linux.NetlinkAttributes;
import io.vigil.linux.NetlinkMessage;
import io.vigil.linux.NetlinkMessageBuilder;
import io.vigil.linux.NetlinkSocket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.vigil.linux.ipvs.IpvsGenl.*;

/**
 * The kernel's IPVS table over the "IPVS" generic netlink family (what ipvsadm does through libnl, without
 * ipvsadm): list with counters, add/edit/delete services and destinations. One instance per network namespace
 * (the namespace of the opening thread); not thread-safe beyond what {@link NetlinkSocket} serialises.
 */
public final class IpvsNetlink implements AutoCloseable {
    private final NetlinkSocket socket;
    private final int familyId;

    private IpvsNetlink(NetlinkSocket socket, int familyId) {
        this.socket = socket;
        this.familyId = familyId;
    }

    /** Opens a generic netlink socket and resolves the IPVS family; {@link IpvsUnavailableException} if the kernel has none. */
    public static IpvsNetlink open() throws LinuxException {
        NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC);
        try {
            GenericNetlink.Family f = GenericNetlink.resolve(s, FAMILY);
            return new IpvsNetlink(s, f.id());
        } catch (LinuxException e) {
            s.close();
            if (e.errno() == Errno.ENOENT) throw new IpvsUnavailableException();
            throw e;
        } catch (ClosedChannelException e) {
            s.close();
            throw new LinuxException("IPVS", Errno.EBADF, "socket closed");
        }
    }

    /** IPVS version (e.g. 0x010201 = 1.2.1) and connection hash table size. */
    public record Info(int version, int connTableSize) {
        public String versionText() { return (version >> 16 & 255) + "." + (version >> 8 & 255) + "." + (version & 255); }
    }

    public Info info() throws LinuxException {
        List<NetlinkMessage> r = request(GenericNetlink.message(familyId, CMD_GET_INFO, VERSION, 0), CMD_GET_INFO, "IPVS get info");
        NetlinkAttributes a = r.getFirst().attributes(GenericNetlink.HEADER_LENGTH);
        return new Info(a.u32(INFO_ATTR_VERSION), a.u32(INFO_ATTR_CONN_TAB_SIZE));
    }

    // ------------------------------------------------------------------ listing

    /** Every service with its destinations and counters. */
    public IpvsSnapshot snapshot() throws LinuxException {
        List<IpvsSnapshot.Service> out = new ArrayList<>();
        for (ServiceRow row : listServices()) out.add(new IpvsSnapshot.Service(row.service, row.stats, listDests(row.service.key())));
        return new IpvsSnapshot(out);
    }

    private record ServiceRow(IpvsService service, IpvsStats stats) {}

    private List<ServiceRow> listServices() throws LinuxException {
        List<NetlinkMessage> msgs = dump(GenericNetlink.message(familyId, CMD_GET_SERVICE, VERSION, 0), CMD_GET_SERVICE, "IPVS list services");
        List<ServiceRow> out = new ArrayList<>(msgs.size());
        for (NetlinkMessage m : msgs) {
            NetlinkAttributes top = m.attributes(GenericNetlink.HEADER_LENGTH);
            if (!top.has(CMD_ATTR_SERVICE)) continue;
            NetlinkAttributes a = top.nested(CMD_ATTR_SERVICE);
            out.add(new ServiceRow(parseService(a), stats(a, SVC_ATTR_STATS64, SVC_ATTR_STATS)));
        }
        return out;
    }

    /** Destinations of one service, with connection counts and counters. ESRCH-based IpvsException if it does not exist. */
    public List<IpvsSnapshot.Dest> listDests(ServiceKey key) throws LinuxException {
        NetlinkMessageBuilder m = GenericNetlink.message(familyId, CMD_GET_DEST, VERSION, 0);
        serviceId(m, key);
        List<NetlinkMessage> msgs = dump(m, CMD_GET_DEST, "IPVS list destinations of " + key);
        List<IpvsSnapshot.Dest> out = new ArrayList<>(msgs.size());
        for (NetlinkMessage msg : msgs) {
            NetlinkAttributes top = msg.attributes(GenericNetlink.HEADER_LENGTH);
            if (!top.has(CMD_ATTR_DEST)) continue;
            NetlinkAttributes a = top.nested(CMD_ATTR_DEST);
            int af = a.has(DEST_ATTR_ADDR_FAMILY) ? a.u16(DEST_ATTR_ADDR_FAMILY) : key.family();
            IpvsDest d = new IpvsDest(new DestKey(address(af, a.bytes(DEST_ATTR_ADDR)), a.u16Be(DEST_ATTR_PORT)),
                    ForwardMethod.ofConnFlags(a.u32(DEST_ATTR_FWD_METHOD)), a.u32(DEST_ATTR_WEIGHT),
                    a.u32(DEST_ATTR_U_THRESH, 0), a.u32(DEST_ATTR_L_THRESH, 0));
            out.add(new IpvsSnapshot.Dest(d, a.u32(DEST_ATTR_ACTIVE_CONNS, 0), a.u32(DEST_ATTR_INACT_CONNS, 0),
                    a.u32(DEST_ATTR_PERSIST_CONNS, 0), stats(a, DEST_ATTR_STATS64, DEST_ATTR_STATS)));
        }
        return out;
    }

    private static IpvsService parseService(NetlinkAttributes a) {
        int af = a.u16(SVC_ATTR_AF);
        ServiceKey key;
        if (a.has(SVC_ATTR_FWMARK) && a.u32(SVC_ATTR_FWMARK) != 0) {
            key = new ServiceKey.Fwmark(a.u32(SVC_ATTR_FWMARK), af);
        } else {
            key = new ServiceKey.Addr(Protocol.ofNumber(a.u16(SVC_ATTR_PROTOCOL)), address(af, a.bytes(SVC_ATTR_ADDR)),
                    a.u16Be(SVC_ATTR_PORT));
        }
        ByteBuffer flags = a.get(SVC_ATTR_FLAGS);
        int netmask = af == ServiceKey.AF_INET6 ? a.u32(SVC_ATTR_NETMASK) : a.u32Be(SVC_ATTR_NETMASK);
        return new IpvsService(key, a.string(SVC_ATTR_SCHED_NAME), flags.getInt(0), a.u32(SVC_ATTR_TIMEOUT), netmask,
                a.has(SVC_ATTR_PE_NAME) ? a.string(SVC_ATTR_PE_NAME) : "");
    }

    private static IpvsStats stats(NetlinkAttributes a, int stats64, int stats32) {
        if (a.has(stats64)) {
            NetlinkAttributes s = a.nested(stats64);
            return new IpvsStats(s.u64(STATS_ATTR_CONNS), s.u64(STATS_ATTR_INPKTS), s.u64(STATS_ATTR_OUTPKTS),
                    s.u64(STATS_ATTR_INBYTES), s.u64(STATS_ATTR_OUTBYTES));
        }
        if (a.has(stats32)) {
            NetlinkAttributes s = a.nested(stats32);
            return new IpvsStats(Integer.toUnsignedLong(s.u32(STATS_ATTR_CONNS)), Integer.toUnsignedLong(s.u32(STATS_ATTR_INPKTS)),
                    Integer.toUnsignedLong(s.u32(STATS_ATTR_OUTPKTS)), s.u64(STATS_ATTR_INBYTES), s.u64(STATS_ATTR_OUTBYTES));
        }
        return IpvsStats.ZERO;
    }

    private static InetAddress address(int af, byte[] raw) {
        try {
            return InetAddress.getByAddress(Arrays.copyOf(raw, af == ServiceKey.AF_INET6 ? 16 : 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ changes

    public void addService(IpvsService s) throws LinuxException {
        change(CMD_NEW_SERVICE, s, null, null, "add service " + s.key() + " " + s.describe());
    }

    public void editService(IpvsService s) throws LinuxException {
        change(CMD_SET_SERVICE, s, null, null, "edit service " + s.key() + " " + s.describe());
    }

    public void deleteService(ServiceKey key) throws LinuxException {
        request(deleteMessage(key, null), CMD_DEL_SERVICE, "delete service " + key);
    }

    public void addDest(ServiceKey svc, IpvsDest d) throws LinuxException {
        change(CMD_NEW_DEST, null, svc, d, "add destination " + d.key() + " to " + svc);
    }

    public void editDest(ServiceKey svc, IpvsDest d) throws LinuxException {
        change(CMD_SET_DEST, null, svc, d, "edit destination " + d.key() + " of " + svc);
    }

    public void deleteDest(ServiceKey svc, DestKey d) throws LinuxException {
        request(deleteMessage(svc, d), CMD_DEL_DEST, "delete destination " + d + " from " + svc);
    }

    /** Removes every service and destination (ipvsadm -C). Vigil itself never flushes: it reconciles. */
    public void flush() throws LinuxException {
        request(GenericNetlink.message(familyId, CMD_FLUSH, VERSION, 0), CMD_FLUSH, "IPVS flush");
    }

    /** Zeroes every counter (ipvsadm -Z). */
    public void zero() throws LinuxException {
        request(GenericNetlink.message(familyId, CMD_ZERO, VERSION, 0), CMD_ZERO, "IPVS zero counters");
    }

    // ------------------------------------------------------------------ sync daemons, timeouts

    /** A running connection sync daemon as the kernel reports it (IPVS_CMD_GET_DAEMON). */
    public record Daemon(boolean master, String interfaceName, int syncId, int maxLen, int port, int ttl, InetAddress group) {}

    /**
     * Starts the kernel's master or backup sync daemon (ipvsadm --start-daemon): {@code maxLen}, {@code port},
     * {@code ttl} 0 and {@code group} null leave the kernel's defaults.
     */
    public void startDaemon(boolean master, String ifname, int syncId, int maxLen, int port, int ttl, InetAddress group)
            throws LinuxException {
        NetlinkMessageBuilder m = GenericNetlink.message(familyId, CMD_NEW_DAEMON, VERSION, 0);
        m.beginNested(CMD_ATTR_DAEMON);
        m.attrU32(DAEMON_ATTR_STATE, master ? STATE_MASTER : STATE_BACKUP);
        m.attrString(DAEMON_ATTR_MCAST_IFN, ifname);
        m.attrU32(DAEMON_ATTR_SYNC_ID, syncId);
        if (maxLen > 0) m.attrU16(DAEMON_ATTR_SYNC_MAXLEN, maxLen);
        if (port > 0) m.attrU16Be(DAEMON_ATTR_MCAST_PORT, port);
        if (ttl > 0) m.attrU8(DAEMON_ATTR_MCAST_TTL, ttl);
        if (group instanceof Inet6Address) m.attr(DAEMON_ATTR_MCAST_GROUP6, group.getAddress());
        else if (group != null) m.attr(DAEMON_ATTR_MCAST_GROUP, group.getAddress());
        m.endNested();
        request(m, CMD_NEW_DAEMON, "start " + (master ? "master" : "backup") + " sync daemon on " + ifname + " id " + syncId);
    }

    /** Stops the master or backup sync daemon (ipvsadm --stop-daemon). */
    public void stopDaemon(boolean master) throws LinuxException {
        NetlinkMessageBuilder m = GenericNetlink.message(familyId, CMD_DEL_DAEMON, VERSION, 0);
        m.beginNested(CMD_ATTR_DAEMON);
        m.attrU32(DAEMON_ATTR_STATE, master ? STATE_MASTER : STATE_BACKUP);
        m.endNested();
        request(m, CMD_DEL_DAEMON, "stop " + (master ? "master" : "backup") + " sync daemon");
    }

    /** The running sync daemons (ipvsadm --list-daemon). */
    public List<Daemon> daemons() throws LinuxException {
        List<Daemon> out = new ArrayList<>();
        for (NetlinkMessage msg : dump(GenericNetlink.message(familyId, CMD_GET_DAEMON, VERSION, 0), CMD_GET_DAEMON, "IPVS list sync daemons")) {
            NetlinkAttributes top = msg.attributes(GenericNetlink.HEADER_LENGTH);
            if (!top.has(CMD_ATTR_DAEMON)) continue;
            NetlinkAttributes a = top.nested(CMD_ATTR_DAEMON);
            InetAddress group = a.has(DAEMON_ATTR_MCAST_GROUP6) ? address(ServiceKey.AF_INET6, a.bytes(DAEMON_ATTR_MCAST_GROUP6))
                    : a.has(DAEMON_ATTR_MCAST_GROUP) ? address(ServiceKey.AF_INET, a.bytes(DAEMON_ATTR_MCAST_GROUP)) : null;
            out.add(new Daemon(a.u32(DAEMON_ATTR_STATE) == STATE_MASTER, a.string(DAEMON_ATTR_MCAST_IFN), a.u32(DAEMON_ATTR_SYNC_ID),
                    a.has(DAEMON_ATTR_SYNC_MAXLEN) ? a.u16(DAEMON_ATTR_SYNC_MAXLEN) : 0,
                    a.has(DAEMON_ATTR_MCAST_PORT) ? a.u16Be(DAEMON_ATTR_MCAST_PORT) : 0,
                    a.has(DAEMON_ATTR_MCAST_TTL) ? a.u8(DAEMON_ATTR_MCAST_TTL) : 0, group));
        }
        return out;
    }

    /** Connection timeouts in seconds (ipvsadm --set / -L --timeout): TCP established, TCP FIN_WAIT, UDP. */
    public record Timeouts(int tcp, int tcpFin, int udp) {}

    public Timeouts timeouts() throws LinuxException {
        List<NetlinkMessage> r = request(GenericNetlink.message(familyId, CMD_GET_CONFIG, VERSION, 0), CMD_GET_CONFIG, "IPVS get timeouts");
        NetlinkAttributes a = r.getFirst().attributes(GenericNetlink.HEADER_LENGTH);
        return new Timeouts(a.u32(CMD_ATTR_TIMEOUT_TCP, 0), a.u32(CMD_ATTR_TIMEOUT_TCP_FIN, 0), a.u32(CMD_ATTR_TIMEOUT_UDP, 0));
    }

    /** Sets the connection timeouts; a 0 leaves that one as it is (the kernel ignores zeros). */
    public void setTimeouts(Timeouts t) throws LinuxException {
        NetlinkMessageBuilder m = GenericNetlink.message(familyId, CMD_SET_CONFIG, VERSION, 0);
        m.attrU32(CMD_ATTR_TIMEOUT_TCP, t.tcp());
        m.attrU32(CMD_ATTR_TIMEOUT_TCP_FIN, t.tcpFin());
        m.attrU32(CMD_ATTR_TIMEOUT_UDP, t.udp());
        request(m, CMD_SET_CONFIG, "IPVS set timeouts tcp " + t.tcp() + " tcpfin " + t.tcpFin() + " udp " + t.udp());
    }

    /** Applies one diff step. */
    public void apply(IpvsChange c) throws LinuxException {
        switch (c) {
            case IpvsChange.AddService a -> addService(a.spec());
            case IpvsChange.EditService e -> editService(e.after());
            case IpvsChange.DeleteService d -> deleteService(d.service());
            case IpvsChange.AddDest a -> addDest(a.service(), a.dest());
            case IpvsChange.EditDest e -> editDest(e.service(), e.after());
            case IpvsChange.DeleteDest d -> deleteDest(d.service(), d.dest());
        }
    }

    private void change(int cmd, IpvsService s, ServiceKey svc, IpvsDest d, String what) throws LinuxException {
        request(changeMessage(cmd, s, svc, d), cmd, what);
    }

    private NetlinkMessageBuilder changeMessage(int cmd, IpvsService s, ServiceKey svc, IpvsDest d) {
        NetlinkMessageBuilder m = GenericNetlink.message(familyId, cmd, VERSION, 0);
        if (s != null) {
            m.beginNested(CMD_ATTR_SERVICE);
            serviceIdAttrs(m, s.key());
            m.attrString(SVC_ATTR_SCHED_NAME, s.scheduler());
            m.attr(SVC_ATTR_FLAGS, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(s.flags()).putInt(-1).array());
            m.attrU32(SVC_ATTR_TIMEOUT, s.timeout());
            if (s.key().family() == ServiceKey.AF_INET6) m.attrU32(SVC_ATTR_NETMASK, s.netmask());
            else m.attrU32Be(SVC_ATTR_NETMASK, s.netmask());
            // an edit without an engine removes it (ip_vs_edit_service); the kernel loads ip_vs_pe_NAME on demand
            if (!s.peName().isEmpty()) m.attrString(SVC_ATTR_PE_NAME, s.peName());
            m.endNested();
        } else {
            serviceId(m, svc);
            m.beginNested(CMD_ATTR_DEST);
            destId(m, d.key());
            m.attrU32(DEST_ATTR_FWD_METHOD, d.forward().connFlags());
            m.attrU32(DEST_ATTR_WEIGHT, d.weight());
            m.attrU32(DEST_ATTR_U_THRESH, d.upperThreshold());
            m.attrU32(DEST_ATTR_L_THRESH, d.lowerThreshold());
            m.endNested();
        }
        return m;
    }

    private NetlinkMessageBuilder deleteMessage(ServiceKey svc, DestKey d) {
        NetlinkMessageBuilder m = GenericNetlink.message(familyId, d == null ? CMD_DEL_SERVICE : CMD_DEL_DEST, VERSION, 0);
        serviceId(m, svc);
        if (d != null) {
            m.beginNested(CMD_ATTR_DEST);
            destId(m, d);
            m.endNested();
        }
        return m;
    }

    /** A change that the kernel refused, in {@link #applyAll}. */
    public record Refused(IpvsChange change, LinuxException error) {}

    /** Changes sent per round before the barrier (bounded so even all-refused answers fit the receive buffer). */
    private static final int WINDOW = 256;

    /**
     * Applies many changes fast: each is sent without asking for an ACK (the kernel runs it inside the send and
     * answers only on error), then a GET_INFO barrier is sent and answers are read up to its reply, so every
     * refusal arrives before it and is matched by sequence number. Returns the refused changes; the rest were
     * applied, in order.
     */
    public List<Refused> applyAll(List<IpvsChange> changes) throws LinuxException {
        List<Refused> refused = new ArrayList<>();
        try {
            for (int from = 0; from < changes.size(); from += WINDOW) {
                List<IpvsChange> window = changes.subList(from, Math.min(changes.size(), from + WINDOW));
                java.util.Map<Integer, IpvsChange> bySeq = new java.util.HashMap<>();
                for (IpvsChange c : window) bySeq.put(socket.send(message(c)), c);
                int barrier = socket.send(GenericNetlink.message(familyId, CMD_GET_INFO, VERSION, 0));
                long deadline = System.nanoTime() + 10_000_000_000L;
                boolean done = false;
                while (!done) {
                    if (System.nanoTime() > deadline) throw new LinuxException("IPVS batch apply", Errno.ETIMEDOUT, "no answer to the barrier");
                    for (NetlinkMessage m : socket.receive(java.time.Duration.ofSeconds(1))) {
                        if (m.sequence() == barrier) {
                            done = true;
                            continue;
                        }
                        IpvsChange c = bySeq.get(m.sequence());
                        if (c != null && m.type() == NetlinkMessage.NLMSG_ERROR && m.error() != 0) {
                            int cmd = command(c);
                            String what = c.describe();
                            refused.add(new Refused(c, translate(new LinuxException(what, -m.error(), m.extAckMessage()), cmd, what)));
                        }
                    }
                }
            }
        } catch (ClosedChannelException e) {
            throw new LinuxException("IPVS batch apply", Errno.EBADF, "IPVS socket closed");
        }
        return refused;
    }

    private NetlinkMessageBuilder message(IpvsChange c) {
        return switch (c) {
            case IpvsChange.AddService a -> changeMessage(CMD_NEW_SERVICE, a.spec(), null, null);
            case IpvsChange.EditService e -> changeMessage(CMD_SET_SERVICE, e.after(), null, null);
            case IpvsChange.DeleteService d -> deleteMessage(d.service(), null);
            case IpvsChange.AddDest a -> changeMessage(CMD_NEW_DEST, null, a.service(), a.dest());
            case IpvsChange.EditDest e -> changeMessage(CMD_SET_DEST, null, e.service(), e.after());
            case IpvsChange.DeleteDest d -> deleteMessage(d.service(), d.dest());
        };
    }

    private static int command(IpvsChange c) {
        return switch (c) {
            case IpvsChange.AddService a -> CMD_NEW_SERVICE;
            case IpvsChange.EditService e -> CMD_SET_SERVICE;
            case IpvsChange.DeleteService d -> CMD_DEL_SERVICE;
            case IpvsChange.AddDest a -> CMD_NEW_DEST;
            case IpvsChange.EditDest e -> CMD_SET_DEST;
            case IpvsChange.DeleteDest d -> CMD_DEL_DEST;
        };
    }

    private static void serviceId(NetlinkMessageBuilder m, ServiceKey key) {
        m.beginNested(CMD_ATTR_SERVICE);
        serviceIdAttrs(m, key);
        m.endNested();
    }

    private static void serviceIdAttrs(NetlinkMessageBuilder m, ServiceKey key) {
        m.attrU16(SVC_ATTR_AF, key.family());
        switch (key) {
            case ServiceKey.Fwmark f -> m.attrU32(SVC_ATTR_FWMARK, f.mark());
            case ServiceKey.Addr a -> {
                m.attrU16(SVC_ATTR_PROTOCOL, a.protocol().number());
                m.attr(SVC_ATTR_ADDR, Arrays.copyOf(a.address().getAddress(), 16)); // union nf_inet_addr
                m.attrU16Be(SVC_ATTR_PORT, a.port());
            }
        }
    }

    private static void destId(NetlinkMessageBuilder m, DestKey d) {
        m.attr(DEST_ATTR_ADDR, Arrays.copyOf(d.address().getAddress(), 16));
        m.attrU16Be(DEST_ATTR_PORT, d.port());
        m.attrU16(DEST_ATTR_ADDR_FAMILY, d.address() instanceof Inet6Address ? ServiceKey.AF_INET6 : ServiceKey.AF_INET);
    }

    private List<NetlinkMessage> request(NetlinkMessageBuilder m, int cmd, String what) throws LinuxException {
        try {
            return socket.request(m, what);
        } catch (LinuxException e) {
            throw translate(e, cmd, what);
        } catch (ClosedChannelException e) {
            throw new LinuxException(what, Errno.EBADF, "IPVS socket closed");
        }
    }

    private List<NetlinkMessage> dump(NetlinkMessageBuilder m, int cmd, String what) throws LinuxException {
        try {
            return socket.dump(m, what);
        } catch (LinuxException e) {
            throw translate(e, cmd, what);
        } catch (ClosedChannelException e) {
            throw new LinuxException(what, Errno.EBADF, "IPVS socket closed");
        }
    }

    private static LinuxException translate(LinuxException e, int cmd, String what) {
        if (e.isPermissionDenied() || e.errno() == Errno.ETIMEDOUT) return e;
        String meaning = IpvsException.meaning(cmd, e.errno(), null);
        return meaning == null ? e : new IpvsException(what, e.errno(), meaning);
    }

    @Override public void close() {
        socket.close();
    }
}
