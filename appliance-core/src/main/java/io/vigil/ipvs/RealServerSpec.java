package io.vigil.ipvs;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A configured real_server (or sorry_server).
 *
 * @param forward          per-real-server lb_kind, or null for the virtual server's
 * @param inhibitOnFailure keep it in IPVS with weight 0 while it is down instead of removing it
 * @param startsDown       alpha mode: down until a check passes (used when no state is known yet)
 */
public record RealServerSpec(InetAddress address, int port, int weight, ForwardMethod forward, boolean inhibitOnFailure,
                             int upperThreshold, int lowerThreshold, boolean startsDown) {
    public RealServerSpec {
        Objects.requireNonNull(address);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    public static RealServerSpec of(InetAddress address, int port, int weight) {
        return new RealServerSpec(address, port, weight, null, false, 0, 0, false);
    }

    public RealServerSpec inhibited() {
        return new RealServerSpec(address, port, weight, forward, true, upperThreshold, lowerThreshold, startsDown);
    }

    public RealServerSpec alpha() {
        return new RealServerSpec(address, port, weight, forward, inhibitOnFailure, upperThreshold, lowerThreshold, true);
    }

    public RealServerSpec forward(ForwardMethod f) {
        return new RealServerSpec(address, port, weight, f, inhibitOnFailure, upperThreshold, lowerThreshold, startsDown);
    }

    public DestKey key() { return new DestKey(address, port); }
}
