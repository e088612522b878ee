package io.vigil.ipvs;

import java.util.List;
import java.util.Objects;

/**
 * A configured virtual_server: one IPVS service per key (a virtual_server_group expands to several keys, all
 * sharing the real servers).
 *
 * @param name               stable identity used for real-server state and quorum state ("192.0.2.10 80",
 *                           "fwmark 5", "group WEB")
 * @param origin             where it is configured, for causes ("keepalived.conf:12")
 * @param flags              {@link ServiceFlags} scheduler flags and ONEPACKET (ops); PERSISTENT is derived
 * @param persistenceTimeout seconds, 0 for no persistence
 * @param granularity        persistence netmask (IPv4 big-endian int / IPv6 prefix length), or null for /32 or /128
 * @param quorum             minimum alive weight for the pool (keepalived default 1)
 * @param hysteresis         quorum hysteresis (default 0)
 * @param sorryServer        used instead of the real servers while quorum is lost; null for none
 * @param persistenceEngine  {@code persistence_engine} (e.g. "sip"), empty for none
 */
public record VirtualServerSpec(String name, String origin, List<ServiceKey> keys, String scheduler, int flags,
                                int persistenceTimeout, Integer granularity, ForwardMethod lbKind, int quorum,
                                int hysteresis, RealServerSpec sorryServer, boolean sorryServerInhibit,
                                List<RealServerSpec> realServers, String persistenceEngine) {
    public VirtualServerSpec {
        persistenceEngine = persistenceEngine == null ? "" : persistenceEngine;
        Objects.requireNonNull(name);
        keys = List.copyOf(keys);
        if (keys.isEmpty()) throw new IllegalArgumentException("virtual server " + name + " has no address");
        scheduler = Schedulers.parse(scheduler);
        Objects.requireNonNull(lbKind);
        if (persistenceTimeout < 0) throw new IllegalArgumentException("negative persistence_timeout");
        realServers = List.copyOf(realServers);
    }

    /** Without a persistence engine. */
    public VirtualServerSpec(String name, String origin, List<ServiceKey> keys, String scheduler, int flags,
                             int persistenceTimeout, Integer granularity, ForwardMethod lbKind, int quorum,
                             int hysteresis, RealServerSpec sorryServer, boolean sorryServerInhibit,
                             List<RealServerSpec> realServers) {
        this(name, origin, keys, scheduler, flags, persistenceTimeout, granularity, lbKind, quorum, hysteresis, sorryServer,
                sorryServerInhibit, realServers, "");
    }

    /** A single-address virtual server with keepalived's defaults: quorum 1, no hysteresis, persistence or sorry server. */
    public static VirtualServerSpec simple(String name, ServiceKey key, String scheduler, ForwardMethod kind,
                                           List<RealServerSpec> realServers) {
        return new VirtualServerSpec(name, name, List.of(key), scheduler, 0, 0, null, kind, 1, 0, null, false, realServers);
    }

    public IpvsService serviceFor(ServiceKey key) {
        int f = flags & ~ServiceFlags.PERSISTENT;
        if (persistenceTimeout > 0) f |= ServiceFlags.PERSISTENT;
        int mask = granularity != null ? granularity : IpvsService.defaultNetmask(key);
        return new IpvsService(key, scheduler, f, persistenceTimeout, mask, persistenceEngine);
    }
}
