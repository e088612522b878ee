package io.vigil.ipvs;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/** What identifies an IPVS virtual service: protocol + address + port, or a firewall mark. */
public sealed interface ServiceKey permits ServiceKey.Addr, ServiceKey.Fwmark {

    int AF_INET = 2;
    int AF_INET6 = 10;

    /** AF_INET or AF_INET6. */
    int family();

    /** {@code TCP 192.0.2.10:80}, {@code FWM 5} — as ipvsadm -Ln prints it. */
    String toString();

    static String hostPort(InetAddress a, int port) {
        return a instanceof Inet6Address ? "[" + text(a) + "]:" + port : a.getHostAddress() + ":" + port;
    }

    /** Address text; IPv6 compressed as RFC 5952 (and ipvsadm) print it: 2001:db8::10. */
    static String text(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a.getHostAddress();
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 255) << 8 | b[2 * i + 1] & 255;
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) { sb.append("::"); i += bestLen - 1; continue; }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    record Addr(Protocol protocol, InetAddress address, int port) implements ServiceKey {
        public Addr {
            Objects.requireNonNull(protocol);
            Objects.requireNonNull(address);
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        }

        @Override public int family() { return address instanceof Inet6Address ? AF_INET6 : AF_INET; }

        @Override public String toString() { return protocol + " " + hostPort(address, port); }
    }

    record Fwmark(int mark, int family) implements ServiceKey {
        public Fwmark {
            if (mark <= 0) throw new IllegalArgumentException("fwmark must be positive: " + mark);
            if (family != AF_INET && family != AF_INET6) throw new IllegalArgumentException("bad family " + family);
        }

        public static Fwmark v4(int mark) { return new Fwmark(mark, AF_INET); }

        @Override public String toString() { return "FWM " + mark + (family == AF_INET6 ? " IPv6" : ""); }
    }
}
