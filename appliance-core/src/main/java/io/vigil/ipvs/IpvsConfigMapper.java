package io.vigil.ipvs;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.RealServer;
import io.vigil.config.SorryServer;
import io.vigil.config.VirtualServer;
import io.vigil.config.VirtualServerAddress;
import io.vigil.config.VirtualServerGroup;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure: the parsed keepalived.conf model → {@link VirtualServerSpec}s for the {@link IpvsPlanner}. Virtual
 * server names are the check engine's ids ("192.0.2.10:80", "fwmark 7", "group WEB") so its real-server states
 * key {@link RealServerId}s directly. A virtual server that cannot be programmed is left out with a
 * file:line:col error; the others still are.
 */
public final class IpvsConfigMapper {
    /** keepalived's default persistence when persistence_timeout has no value. */
    static final int DEFAULT_PERSISTENCE = 360;
    private static final List<String> FLAG_WORDS =
            List.of("flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback", "ops");

    public record Mapping(List<VirtualServerSpec> virtualServers, List<String> errors) {
        public Mapping {
            virtualServers = List.copyOf(virtualServers);
            errors = List.copyOf(errors);
        }
    }

    private IpvsConfigMapper() {}

    public static Mapping map(KeepalivedConfig config) {
        List<VirtualServerSpec> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (VirtualServer vs : config.virtualServers()) {
            try {
                out.add(map(config, vs));
            } catch (IllegalArgumentException e) {
                errors.add(vs.where() + ": virtual_server " + vs.address() + ": " + e.getMessage());
            }
        }
        return new Mapping(out, errors);
    }

    /** The check engine's virtual server id for this virtual_server line. */
    public static String name(VirtualServer vs) {
        return String.join(" ", vs.node().args()).replaceFirst("^(\\S+) (\\d+)$", "$1:$2");
    }

    /** The state key for the check engine's (virtualServer id, realServer "addr:port" / "[v6]:port") pair. */
    public static RealServerId realServerId(String virtualServer, String realServer) {
        int colon = realServer.lastIndexOf(':');
        String host = realServer.substring(0, colon).replace("[", "").replace("]", "");
        return new RealServerId(virtualServer, new DestKey(ip(host), Integer.parseInt(realServer.substring(colon + 1))));
    }

    /**
     * The kernel services one virtual_server line stands for (one, or each member of its virtual_server_group).
     * @throws IllegalArgumentException as {@link #map(KeepalivedConfig)} reports it
     */
    public static List<ServiceKey> serviceKeys(KeepalivedConfig config, VirtualServer vs) {
        Protocol protocol = Protocol.parse(vs.protocol().name());
        boolean v6 = vs.realServers().stream().anyMatch(RealServer::ipv6);
        return switch (vs.address()) {
            case VirtualServerAddress.IpPort p -> List.of(new ServiceKey.Addr(protocol, ip(p.ip()), p.port()));
            case VirtualServerAddress.Fwmark f -> List.of(new ServiceKey.Fwmark(f.mark(), v6 ? ServiceKey.AF_INET6 : ServiceKey.AF_INET));
            case VirtualServerAddress.Group g -> groupKeys(config.virtualServerGroup(g.name())
                    .orElseThrow(() -> new IllegalArgumentException("no virtual_server_group " + g.name())), protocol, v6);
        };
    }

    static VirtualServerSpec map(KeepalivedConfig config, VirtualServer vs) {
        ForwardMethod kind = ForwardMethod.parse(vs.lbKind().name());
        List<ServiceKey> keys = serviceKeys(config, vs);
        int flags = 0;
        for (String w : FLAG_WORDS) if (vs.node().child(w).isPresent()) flags |= ServiceFlags.parse(w);
        int timeout = vs.persistenceTimeout().map(Duration::toSeconds).map(Math::toIntExact).orElse(0);
        Integer granularity = vs.persistenceGranularity().map(g -> granularity(g, keys.getFirst().family())).orElse(null);
        List<RealServerSpec> rss = new ArrayList<>();
        for (RealServer rs : vs.realServers()) {
            int upper = intChild(rs.node(), "uthreshold"), lower = intChild(rs.node(), "lthreshold");
            rss.add(new RealServerSpec(ip(rs.ip()), rs.port(), rs.weight(), ForwardMethod.parse(rs.lbKind().name()),
                    rs.inhibitOnFailure() || vs.inhibitOnFailure(), upper, lower, vs.alpha() && !rs.checkers().isEmpty()));
        }
        // sorry_server_lvs_method, else the virtual server's method (keepalived)
        ForwardMethod sorryKind = vs.sorryServerLbKind().map(k -> ForwardMethod.parse(k.name())).orElse(kind);
        RealServerSpec sorry = vs.sorryServer().map(s -> sorry(s, sorryKind)).orElse(null);
        SourceLocation w = vs.where();
        return new VirtualServerSpec(name(vs), w.file() + ":" + w.line(), keys, vs.lbAlgo(), flags, timeout, granularity, kind,
                vs.quorum(), vs.hysteresis(), sorry, vs.sorryServerInhibit(), rss,
                vs.node().child("persistence_engine").filter(n -> !n.args().isEmpty()).map(n -> n.args().getFirst()).orElse(""));
    }

    private static RealServerSpec sorry(SorryServer s, ForwardMethod kind) {
        return new RealServerSpec(ip(s.ip()), s.port(), 1, kind, false, 0, 0, false);
    }

    /** Every entry of a virtual_server_group: addresses, ranges (a.b.c.d-e, a.b.c.d/len) and fwmarks. */
    static List<ServiceKey> groupKeys(VirtualServerGroup g, Protocol protocol, boolean v6) {
        List<ServiceKey> keys = new ArrayList<>();
        for (VirtualServerGroup.Member m : g.members()) {
            if (m.fwmark().isPresent()) {
                keys.add(new ServiceKey.Fwmark(m.fwmark().get(), v6 ? ServiceKey.AF_INET6 : ServiceKey.AF_INET));
                continue;
            }
            for (InetAddress a : expand(m.address().orElseThrow())) keys.add(new ServiceKey.Addr(protocol, a, m.port()));
        }
        if (keys.isEmpty()) throw new IllegalArgumentException("virtual_server_group " + g.name() + " is empty");
        return keys;
    }

    /** 192.0.2.1-10 (last IPv4 octet or last IPv6 group range, inclusive), 192.0.2.8/29 (to the end of the block), or one address. */
    static List<InetAddress> expand(String spec) {
        List<InetAddress> out = new ArrayList<>();
        int dash = spec.lastIndexOf('-'), slash = spec.indexOf('/');
        if (dash > 0) {
            InetAddress first = ip(spec.substring(0, dash));
            byte[] b = first.getAddress();
            boolean v6 = first instanceof Inet6Address;
            int start = v6 ? (b[14] & 255) << 8 | b[15] & 255 : b[3] & 255;
            int end = v6 ? Integer.parseInt(spec.substring(dash + 1), 16) : Integer.parseInt(spec.substring(dash + 1));
            if (end < start || end > (v6 ? 0xffff : 255)) throw new IllegalArgumentException("bad address range " + spec);
            for (int i = start; i <= end; i++) {
                if (v6) { b[14] = (byte) (i >> 8); b[15] = (byte) i; } else b[3] = (byte) i;
                out.add(byAddress(b));
            }
        } else if (slash > 0) {
            InetAddress first = ip(spec.substring(0, slash));
            int len = Integer.parseInt(spec.substring(slash + 1));
            byte[] b = first.getAddress();
            if (b.length != 4 || len < 24 || len > 32) throw new IllegalArgumentException("address block " + spec + " (IPv4 /24../32 only)");
            int host = 32 - len, base = b[3] & 255, last = (base | ((1 << host) - 1));
            for (int i = base; i <= last; i++) { b[3] = (byte) i; out.add(byAddress(b)); }
        } else {
            out.add(ip(spec));
        }
        return out;
    }

    static int granularity(String g, int family) {
        if (family == ServiceKey.AF_INET6) {
            int len = Integer.parseInt(g.startsWith("/") ? g.substring(1) : g);
            if (len < 1 || len > 128) throw new IllegalArgumentException("persistence_granularity " + g + ": IPv6 wants 1..128");
            return len;
        }
        if (g.matches("/?\\d{1,2}")) {
            int len = Integer.parseInt(g.replace("/", ""));
            if (len > 32) throw new IllegalArgumentException("persistence_granularity " + g);
            return len == 0 ? 0 : -1 << (32 - len);
        }
        byte[] b = ip(g).getAddress();
        if (b.length != 4) throw new IllegalArgumentException("persistence_granularity " + g + " is not an IPv4 netmask");
        return (b[0] & 255) << 24 | (b[1] & 255) << 16 | (b[2] & 255) << 8 | b[3] & 255;
    }

    private static int intChild(ConfigNode n, String key) {
        Optional<String> v = n.value(key);
        if (v.isEmpty()) return 0;
        try {
            int i = Integer.parseInt(v.get());
            if (i < 0) throw new IllegalArgumentException(key + " must not be negative");
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(n.child(key).get().where() + ": " + key + " '" + v.get() + "' is not a number");
        }
    }

    /** A literal address (never a name lookup). */
    static InetAddress ip(String s) {
        if (!s.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("not an IP address: " + s);
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + s);
        }
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b.clone());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
