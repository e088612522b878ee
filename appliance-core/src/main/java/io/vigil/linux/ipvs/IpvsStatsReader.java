package io.vigil.linux.ipvs;

import io.vigil.ipvs.DestKey;
import io.vigil.ipvs.ServiceKey;
import io.vigil.linux.LinuxException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's IPVS counters for {@code /metrics} and the API (node_exporter's {@code node_ipvs_*}). A scrape asks for
 * every service and destination, so one netlink dump serves all lookups for {@code maxAge}. It has its own socket:
 * a scrape never queues behind the checker programming IPVS, and never touches the reconciler's state.
 * <p>
 * Thread-safe. A refresh blocks for one dump (milliseconds; tens of them at tens of thousands of destinations),
 * so call it off event loops. Where the kernel has no IPVS every lookup is empty and {@link #unavailable()} says why;
 * opening is retried at most once per {@code maxAge}, so a later {@code modprobe ip_vs} is picked up.
 */
public final class IpvsStatsReader implements AutoCloseable {

    /** A service's or destination's counters; for a service the connection gauges are summed over its destinations. */
    public record Counters(IpvsStats stats, long activeConns, long inactiveConns) {
        Counters plus(Counters o) {
            return new Counters(new IpvsStats(stats.conns() + o.stats.conns(), stats.inPackets() + o.stats.inPackets(),
                    stats.outPackets() + o.stats.outPackets(), stats.inBytes() + o.stats.inBytes(),
                    stats.outBytes() + o.stats.outBytes()), activeConns + o.activeConns, inactiveConns + o.inactiveConns);
        }
    }

    private record Index(Map<ServiceKey, Counters> services, Map<ServiceKey, Map<DestKey, Counters>> dests) {}

    private final long maxAgeNanos;
    private IpvsNetlink netlink;
    private Index index;
    private long readAt;
    private boolean everRead;
    private volatile String unavailable = "not read yet";

    public IpvsStatsReader(Duration maxAge) { this.maxAgeNanos = maxAge.toNanos(); }

    /** Why there are no kernel counters (as of the last refresh); empty while IPVS could be read. */
    public Optional<String> unavailable() {
        refresh();
        return Optional.ofNullable(unavailable);
    }

    /** A service's counters, summed over {@code keys} (a virtual_server_group has several); empty if none is in the kernel. */
    public Optional<Counters> service(List<ServiceKey> keys) {
        Index i = refresh();
        if (i == null) return Optional.empty();
        Counters sum = null;
        for (ServiceKey k : keys) {
            Counters c = i.services.get(k);
            if (c != null) sum = sum == null ? c : sum.plus(c);
        }
        return Optional.ofNullable(sum);
    }

    /** A destination's counters in the services {@code keys}, summed; empty if it is in none of them. */
    public Optional<Counters> dest(List<ServiceKey> keys, DestKey dest) {
        Index i = refresh();
        if (i == null) return Optional.empty();
        Counters sum = null;
        for (ServiceKey k : keys) {
            Counters c = i.dests.getOrDefault(k, Map.of()).get(dest);
            if (c != null) sum = sum == null ? c : sum.plus(c);
        }
        return Optional.ofNullable(sum);
    }

    private synchronized Index refresh() {
        long now = System.nanoTime();
        if (everRead && now - readAt < maxAgeNanos) return index;
        everRead = true;
        readAt = now;
        try {
            if (netlink == null) netlink = IpvsNetlink.open();
            index = index(netlink.snapshot());
            unavailable = null;
        } catch (IpvsUnavailableException e) {
            drop("no ip_vs in this kernel (" + e.getMessage() + ")");
        } catch (LinuxException | RuntimeException e) {
            drop("cannot read IPVS: " + e.getMessage());
        }
        return index;
    }

    private void drop(String why) {
        index = null;
        unavailable = why;
        if (netlink != null) netlink.close();
        netlink = null;
    }

    static Index index(IpvsSnapshot s) {
        Map<ServiceKey, Counters> services = new HashMap<>();
        Map<ServiceKey, Map<DestKey, Counters>> dests = new HashMap<>();
        for (IpvsSnapshot.Service svc : s.services()) {
            long active = 0, inactive = 0;
            Map<DestKey, Counters> ds = new HashMap<>();
            for (IpvsSnapshot.Dest d : svc.dests()) {
                active += d.activeConns();
                inactive += d.inactiveConns();
                ds.put(d.dest().key(), new Counters(d.stats(), d.activeConns(), d.inactiveConns()));
            }
            services.put(svc.service().key(), new Counters(svc.stats(), active, inactive));
            dests.put(svc.service().key(), ds);
        }
        return new Index(services, dests);
    }

    @Override public synchronized void close() {
        if (netlink != null) netlink.close();
        netlink = null;
        index = null;
    }
}
