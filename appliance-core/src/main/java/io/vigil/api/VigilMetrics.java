package io.vigil.api;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The node's Prometheus registry. Gauges and counters that the projection already holds are read at scrape
 * time ({@link NodeCollector}); distributions the projection does not keep (latencies, intervals) are
 * observed here by the edge that measures them. Observing is lock-free, so the VRRP thread may call it.
 */
public final class VigilMetrics {
    private final CollectorRegistry registry = new CollectorRegistry(true);

    private final Histogram checkLatency = Histogram.build("vigil_check_duration_seconds", "Health check round-trip time")
            .labelNames("type", "virtual_server", "real_server")
            .buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register(registry);
    private final Histogram advertInterval = Histogram.build("vigil_vrrp_advert_send_interval_seconds",
                    "Time between consecutive adverts sent by a MASTER (jitter shows scheduling delay)")
            .labelNames("iname")
            .buckets(0.01, 0.05, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0, 1.01, 1.05, 1.1, 1.5, 2, 3, 5).register(registry);
    private final Histogram advertLate = Histogram.build("vigil_vrrp_advert_late_seconds",
                    "How long after its timer's deadline a MASTER's advert left (sendto returned): the node's own share of advert jitter")
            .labelNames("iname")
            .buckets(0.000_1, 0.000_25, 0.000_5, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5).register(registry);
    private final Histogram advertWoke = Histogram.build("vigil_vrrp_advert_wake_late_seconds",
                    "How long after its timer's deadline the vrrp thread woke for a MASTER's advert: the scheduling share of vigil_vrrp_advert_late_seconds")
            .labelNames("iname")
            .buckets(0.000_1, 0.000_25, 0.000_5, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5).register(registry);
    private final Histogram journalAppend = Histogram.build("vigil_journal_append_seconds", "Journal append latency")
            .buckets(0.000_001, 0.000_005, 0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05).register(registry);
    private final Counter pluginFailures = Counter.build("vigil_plugin_failures_total",
                    "Check plugin invocations that threw or timed out instead of returning a result")
            .labelNames("plugin").register(registry);

    public VigilMetrics(NodeView node) {
        new NodeCollector(node).register(registry);
    }

    public void observeCheck(String type, String virtualServer, String realServer, double seconds) {
        checkLatency.labels(type, virtualServer, realServer).observe(seconds);
    }

    public void observeAdvertInterval(String instance, double seconds) {
        advertInterval.labels(instance).observe(seconds);
    }

    /**
     * Builds the per-instance advert series before the first advert: their first observation, on the vrrp thread,
     * would otherwise build them there (~2 ms once; at a takeover, while the VIP add waits for a core).
     */
    public void instances(java.util.List<String> names) {
        for (String n : names) { advertInterval.labels(n); advertLate.labels(n); advertWoke.labels(n); }
    }

    /** {@code woke}: the vrrp thread's wake-up after the deadline; {@code seconds}: sendto's return after it. */
    public void observeAdvertLate(String instance, double woke, double seconds) {
        advertWoke.labels(instance).observe(woke);
        advertLate.labels(instance).observe(seconds);
    }

    public void observeJournalAppend(double seconds) {
        journalAppend.observe(seconds);
    }

    public void pluginFailed(String plugin) {
        pluginFailures.labels(plugin).inc();
    }

    public CollectorRegistry registry() { return registry; }

    /** Prometheus text exposition format 0.0.4. */
    public String scrape() {
        var w = new StringWriter();
        try {
            TextFormat.write004(w, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
