package io.vigil.check;

import io.vigil.check.api.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What to check and how, resolved from keepalived.conf: the check engine's configuration. */
public record HealthModel(List<VirtualServerSpec> virtualServers, List<TrackerSpec> trackers) {
    public HealthModel {
        virtualServers = List.copyOf(virtualServers);
        trackers = List.copyOf(trackers);
    }

    /**
     * One checker block of a real server.
     *
     * @param name  unique, human readable: {@code HTTP_GET#0 10.0.0.13:80 (vs 10.0.0.10:80)}
     * @param retry keepalived {@code retry}/{@code nb_get_retry}: failed probes tolerated (while up) before DOWN
     */
    public record CheckerSpec(String name, String keyword, String address, int port, Duration delayLoop,
                              Duration connectTimeout, int retry, Duration delayBeforeRetry, Duration warmup,
                              Optional<String> bindTo, SourceLocation where) {}

    /** A real_server; alive iff every checker is up (a server without checkers is always alive). */
    public record RealServerSpec(String id, String address, int port, int weight, boolean inhibitOnFailure,
                                 boolean alpha, List<CheckerSpec> checkers) {
        public RealServerSpec { checkers = List.copyOf(checkers); }
    }

    /** A virtual_server with its quorum settings (keepalived defaults: quorum 1, hysteresis 0). */
    public record VirtualServerSpec(String id, int quorum, int hysteresis, List<RealServerSpec> realServers) {
        public VirtualServerSpec { realServers = List.copyOf(realServers); }
    }

    /**
     * A vrrp_script tracker.
     *
     * @param keyword {@code vrrp_script} for a script, or the checker block it contains (NGINX_CHECK, ...)
     * @param weight  -253..253; 0 means a failure puts tracking instances into FAULT
     * @param reverse keepalived {@code weight N reverse}: the weight applies when the script fails
     */
    public record TrackerSpec(String name, String keyword, String address, int port, Duration interval,
                              Duration timeout, int weight, boolean reverse, int rise, int fall, boolean initFail,
                              SourceLocation where) {}
}
