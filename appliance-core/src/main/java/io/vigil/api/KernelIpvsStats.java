package io.vigil.api;

import io.vigil.config.KeepalivedConfig;
import io.vigil.config.VirtualServer;
import io.vigil.ipvs.IpvsConfigMapper;
import io.vigil.ipvs.ServiceKey;
import io.vigil.linux.ipvs.IpvsStatsReader;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's IPVS counters under the keepalived.conf names the API and {@code /metrics} use: a virtual_server
 * line is its service (or the sum over its virtual_server_group's members), a real server its destination there.
 * Reads go through one {@link IpvsStatsReader} dump per {@code maxAge}, so a scrape of every real server costs
 * one netlink dump. Blocking: call from worker threads.
 */
public final class KernelIpvsStats implements AutoCloseable {
    private final IpvsStatsReader reader;

    public KernelIpvsStats(Duration maxAge) { this.reader = new IpvsStatsReader(maxAge); }

    /** Empty while the kernel's IPVS can be read; otherwise why not. */
    public Optional<String> unavailable() { return reader.unavailable(); }

    /** Counters of {@code vs} ({@code rs} empty) or of its real server {@code rs} ("192.0.2.21:80", "[2001:db8::1]:80"). */
    public Optional<Views.IpvsStats> of(KeepalivedConfig config, VirtualServer vs, String rs) {
        List<ServiceKey> keys;
        try {
            keys = IpvsConfigMapper.serviceKeys(config, vs);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not programmable (the checker logged why), so nothing to count
        }
        var c = rs.isEmpty() ? reader.service(keys) : reader.dest(keys, IpvsConfigMapper.realServerId("", rs).dest());
        return c.map(KernelIpvsStats::view);
    }

    static Views.IpvsStats view(IpvsStatsReader.Counters c) {
        var s = c.stats();
        return new Views.IpvsStats(s.conns(), s.inPackets(), s.outPackets(), s.inBytes(), s.outBytes(),
                c.activeConns(), c.inactiveConns());
    }

    @Override public void close() { reader.close(); }
}
