package io.vigil.linux;

import java.nio.channels.ClosedChannelException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic netlink on a {@link NetlinkSocket} opened with {@link NetlinkSocket#NETLINK_GENERIC}: resolving a
 * family name (e.g. "IPVS") to its dynamic id with CTRL_CMD_GETFAMILY, and building messages with the 4-byte
 * {@code genlmsghdr} (cmd, version, reserved).
 */
public final class GenericNetlink {
    public static final int HEADER_LENGTH = 4;
    public static final int GENL_ID_CTRL = 0x10;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2, CTRL_ATTR_VERSION = 3,
            CTRL_ATTR_HDRSIZE = 4, CTRL_ATTR_MAXATTR = 5, CTRL_ATTR_MCAST_GROUPS = 7;
    public static final int CTRL_ATTR_MCAST_GRP_NAME = 1, CTRL_ATTR_MCAST_GRP_ID = 2;

    /** A resolved family: its id (the nlmsg type to use), version, header size, max attribute and multicast groups. */
    public record Family(int id, String name, int version, int headerSize, int maxAttribute, Map<String, Integer> multicastGroups) {
        public Family {
            multicastGroups = Map.copyOf(multicastGroups);
        }
    }

    private GenericNetlink() {}

    /** A message for family {@code familyId}: nlmsghdr type = id, then genlmsghdr {cmd, version, 0}. */
    public static NetlinkMessageBuilder message(int familyId, int command, int version, int flags) {
        return new NetlinkMessageBuilder(familyId, flags).u8(command).u8(version).u16(0);
    }

    /** The genlmsghdr command of a received generic netlink message. */
    public static int command(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        return p.remaining() > 0 ? Byte.toUnsignedInt(p.get(0)) : -1;
    }

    /**
     * Resolves a family by name. A family the kernel does not have (module not loaded, e.g. IPVS without
     * ip_vs) fails with ENOENT and says so.
     */
    public static Family resolve(NetlinkSocket socket, String name) throws LinuxException, ClosedChannelException {
        NetlinkMessageBuilder req = message(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0).attrString(CTRL_ATTR_FAMILY_NAME, name);
        List<NetlinkMessage> replies;
        try {
            replies = socket.request(req, "generic netlink CTRL_CMD_GETFAMILY \"" + name + "\"");
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT)
                throw new LinuxException("generic netlink family \"" + name + "\"", Errno.ENOENT,
                        "not in this kernel (module not loaded?)");
            throw e;
        }
        for (NetlinkMessage m : replies) {
            if (m.type() != GENL_ID_CTRL) continue;
            NetlinkAttributes a = m.attributes(HEADER_LENGTH);
            Map<String, Integer> groups = new LinkedHashMap<>();
            if (a.has(CTRL_ATTR_MCAST_GROUPS)) {
                for (NetlinkAttributes.Attribute g : a.nested(CTRL_ATTR_MCAST_GROUPS).list()) {
                    NetlinkAttributes ga = NetlinkAttributes.parse(g.value());
                    if (ga.has(CTRL_ATTR_MCAST_GRP_NAME) && ga.has(CTRL_ATTR_MCAST_GRP_ID))
                        groups.put(ga.string(CTRL_ATTR_MCAST_GRP_NAME), ga.u32(CTRL_ATTR_MCAST_GRP_ID));
                }
            }
            return new Family(a.u16(CTRL_ATTR_FAMILY_ID), a.string(CTRL_ATTR_FAMILY_NAME), a.u32(CTRL_ATTR_VERSION, 0),
                    a.u32(CTRL_ATTR_HDRSIZE, 0), a.u32(CTRL_ATTR_MAXATTR, 0), groups);
        }
        throw new LinuxException("generic netlink CTRL_CMD_GETFAMILY \"" + name + "\"", Errno.ENOENT, "no family in the reply");
    }
}
