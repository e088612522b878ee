package io.vigil.ipvs;

import java.net.InetAddress;
import java.util.Objects;

/** What identifies a destination (real server) inside one virtual service. */
public record DestKey(InetAddress address, int port) {
    public DestKey {
        Objects.requireNonNull(address);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    @Override public String toString() { return ServiceKey.hostPort(address, port); }
}
