package io.vigil.linux.ipvs;

/** Constants of the IPVS generic netlink family (linux/ip_vs.h). */
final class IpvsGenl {
    static final String FAMILY = "IPVS";
    static final int VERSION = 1;

    static final int CMD_NEW_SERVICE = 1, CMD_SET_SERVICE = 2, CMD_DEL_SERVICE = 3, CMD_GET_SERVICE = 4,
            CMD_NEW_DEST = 5, CMD_SET_DEST = 6, CMD_DEL_DEST = 7, CMD_GET_DEST = 8, CMD_NEW_DAEMON = 9,
            CMD_DEL_DAEMON = 10, CMD_GET_DAEMON = 11, CMD_SET_CONFIG = 12, CMD_GET_CONFIG = 13, CMD_GET_INFO = 15,
            CMD_ZERO = 16, CMD_FLUSH = 17;

    static final int CMD_ATTR_SERVICE = 1, CMD_ATTR_DEST = 2, CMD_ATTR_DAEMON = 3, CMD_ATTR_TIMEOUT_TCP = 4,
            CMD_ATTR_TIMEOUT_TCP_FIN = 5, CMD_ATTR_TIMEOUT_UDP = 6;

    /** IPVS_DAEMON_ATTR_*: state is IP_VS_STATE_MASTER (1) or _BACKUP (2); port is big-endian, maxlen host order. */
    static final int DAEMON_ATTR_STATE = 1, DAEMON_ATTR_MCAST_IFN = 2, DAEMON_ATTR_SYNC_ID = 3, DAEMON_ATTR_SYNC_MAXLEN = 4,
            DAEMON_ATTR_MCAST_GROUP = 5, DAEMON_ATTR_MCAST_GROUP6 = 6, DAEMON_ATTR_MCAST_PORT = 7, DAEMON_ATTR_MCAST_TTL = 8;

    static final int STATE_MASTER = 1, STATE_BACKUP = 2;

    static final int SVC_ATTR_AF = 1, SVC_ATTR_PROTOCOL = 2, SVC_ATTR_ADDR = 3, SVC_ATTR_PORT = 4,
            SVC_ATTR_FWMARK = 5, SVC_ATTR_SCHED_NAME = 6, SVC_ATTR_FLAGS = 7, SVC_ATTR_TIMEOUT = 8,
            SVC_ATTR_NETMASK = 9, SVC_ATTR_STATS = 10, SVC_ATTR_PE_NAME = 11, SVC_ATTR_STATS64 = 12;

    static final int DEST_ATTR_ADDR = 1, DEST_ATTR_PORT = 2, DEST_ATTR_FWD_METHOD = 3, DEST_ATTR_WEIGHT = 4,
            DEST_ATTR_U_THRESH = 5, DEST_ATTR_L_THRESH = 6, DEST_ATTR_ACTIVE_CONNS = 7, DEST_ATTR_INACT_CONNS = 8,
            DEST_ATTR_PERSIST_CONNS = 9, DEST_ATTR_STATS = 10, DEST_ATTR_ADDR_FAMILY = 11, DEST_ATTR_STATS64 = 12;

    static final int STATS_ATTR_CONNS = 1, STATS_ATTR_INPKTS = 2, STATS_ATTR_OUTPKTS = 3, STATS_ATTR_INBYTES = 4,
            STATS_ATTR_OUTBYTES = 5;

    static final int INFO_ATTR_VERSION = 1, INFO_ATTR_CONN_TAB_SIZE = 2;

    private IpvsGenl() {}
}
