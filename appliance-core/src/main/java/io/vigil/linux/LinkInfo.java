package io.vigil.linux;

/**
 * A network interface as rtnetlink reports it (RTM_NEWLINK): index, name, IFF_* flags, operational state,
 * hardware address (null for links without one, e.g. lo has 00:..:00), MTU and master (bridge) index (0 if none).
 */
public record LinkInfo(int index, String name, int flags, OperState operState, MacAddress mac, int mtu, int masterIndex) {
    public static final int IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40,
            IFF_MULTICAST = 0x1000, IFF_LOWER_UP = 0x10000;

    /** RFC 2863 operational state (IFLA_OPERSTATE). */
    public enum OperState { UNKNOWN, NOTPRESENT, DOWN, LOWERLAYERDOWN, TESTING, DORMANT, UP;
        static OperState of(int v) { return v >= 0 && v < values().length ? values()[v] : UNKNOWN; }
    }

    /** Administratively up ({@code ip link set X up}). */
    public boolean isAdminUp() { return (flags & IFF_UP) != 0; }

    /** Carrier present (IFF_LOWER_UP): a peer/cable is there. */
    public boolean isLowerUp() { return (flags & IFF_LOWER_UP) != 0; }

    /** What keepalived calls the interface being up: admin up and running (IFF_UP and IFF_RUNNING). */
    public boolean isUp() { return (flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING); }
}
