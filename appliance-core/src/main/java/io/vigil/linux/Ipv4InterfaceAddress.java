package io.vigil.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address on an interface, as {@code ip addr} shows and keepalived's virtual_ipaddress lines say:
 * {@code 192.0.2.100/24 dev eth0 brd 192.0.2.255 scope global label eth0:vip}. {@code broadcast} and
 * {@code label} may be null (none given). {@code flags} are IFA_F_* as reported (0 when adding).
 */
public record Ipv4InterfaceAddress(int ifindex, Inet4Address address, int prefixLength, Inet4Address broadcast,
                                   String label, int scope, int flags) {
    public static final int RT_SCOPE_UNIVERSE = 0, RT_SCOPE_SITE = 200, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254,
            RT_SCOPE_NOWHERE = 255;
    public static final int IFA_F_SECONDARY = 0x01, IFA_F_NODAD = 0x02, IFA_F_PERMANENT = 0x80;

    public Ipv4InterfaceAddress {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix length " + prefixLength);
        if (label != null && label.length() > 15) throw new IllegalArgumentException("label longer than 15: " + label);
    }

    /** A global-scope address without broadcast or label from "A.B.C.D/LEN" (no "/LEN" means /32 as in keepalived). */
    public static Ipv4InterfaceAddress of(int ifindex, String cidr) {
        int slash = cidr.indexOf('/');
        Inet4Address a = inet4(slash < 0 ? cidr : cidr.substring(0, slash));
        int len = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        return new Ipv4InterfaceAddress(ifindex, a, len, null, null, RT_SCOPE_UNIVERSE, 0);
    }

    public Ipv4InterfaceAddress withLabel(String l) { return new Ipv4InterfaceAddress(ifindex, address, prefixLength, broadcast, l, scope, flags); }
    public Ipv4InterfaceAddress withBroadcast(Inet4Address b) { return new Ipv4InterfaceAddress(ifindex, address, prefixLength, b, label, scope, flags); }
    public Ipv4InterfaceAddress withScope(int s) { return new Ipv4InterfaceAddress(ifindex, address, prefixLength, broadcast, label, s, flags); }

    /** Parses a literal dotted quad (never a host name). */
    public static Inet4Address inet4(String dotted) {
        String[] p = dotted.split("\\.");
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(p[i]);
            if (v < 0 || v > 255) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            b[i] = (byte) v;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Same address on the same interface (what the kernel matches when deleting, besides prefix). */
    public boolean sameAs(Ipv4InterfaceAddress o) {
        return ifindex == o.ifindex && address.equals(o.address) && prefixLength == o.prefixLength;
    }

    @Override public String toString() {
        return address.getHostAddress() + "/" + prefixLength + " ifindex " + ifindex
                + (broadcast != null ? " brd " + broadcast.getHostAddress() : "")
                + " scope " + scope + (label != null ? " label " + label : "");
    }
}
