package io.vigil.api;

import io.vigil.check.runtime.CheckStatusBoard;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.config.KeepalivedConfig;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.node.VrrpNode;
import io.vigil.vrrp.DropReason;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts the management API for {@code vigil run}: a {@link ConfiguredNodeView} over the keepalived.conf model,
 * the journal and the running {@link VrrpNode}, served on its own small Vert.x instance (one event loop), so
 * HTTP never shares a thread with VRRP.
 */
public final class NodeApi implements AutoCloseable {
    private final Vertx vertx;
    private final ManagementServer server;
    private final AtomicReference<KeepalivedConfig> config;

    private final KernelIpvsStats ipvs;

    private NodeApi(Vertx vertx, ManagementServer server, AtomicReference<KeepalivedConfig> config, KernelIpvsStats ipvs) {
        this.vertx = vertx;
        this.server = server;
        this.config = config;
        this.ipvs = ipvs;
    }

    /** Where drain/undrain go once journaled: the checker, which programs IPVS (ids as the check engine's). */
    public interface DrainHook {
        void drain(String virtualServer, String realServer, boolean on, Cause cause);

        DrainHook NONE = (vs, rs, on, cause) -> { };
    }

    /** The node's reload, the same as SIGHUP's: runs it and reports the outcome (the cause is the operator's entry). */
    public interface ReloadHook {
        Views.Reload reload(boolean force, Cause cause);
    }

    /**
     * @param reload runs the same reload as SIGHUP and waits for its outcome; the API journals the operator's request first
     * @param drain  applies a drain to IPVS
     */
    public static NodeApi start(ManagementOptions options, String nodeName, KeepalivedConfig config, Journal journal,
                                VrrpNode node, ReloadHook reload, DrainHook drain) throws Exception {
        return start(options, nodeName, config, journal, node, reload, drain, Optional::empty);
    }

    /** @param liveChecks the running checker's states (empty while none runs), for {@code /api/v1/checks} */
    public static NodeApi start(ManagementOptions options, String nodeName, KeepalivedConfig config, Journal journal,
                                VrrpNode node, ReloadHook reload, DrainHook drain,
                                java.util.function.Supplier<Optional<List<io.vigil.check.runtime.CheckStatusBoard.Status>>> liveChecks)
            throws Exception {
        var ref = new AtomicReference<>(config);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
        // one kernel dump serves a whole scrape (every service and destination); Prometheus scrapes every 15 s or so
        var ipvs = new KernelIpvsStats(Duration.ofSeconds(1));
        try {
            var runtime = new VrrpNodeRuntime(node, journal, ref, reload, drain, ipvs, liveChecks);
            var view = new ConfiguredNodeView(nodeName, ref::get, new JournalAccess(journal), runtime);
            var metrics = new VigilMetrics(view);
            metrics.instances(config.vrrpInstances().stream().map(io.vigil.config.VrrpInstance::name).toList());
            node.advertListener(new VrrpNode.AdvertListener() {
                @Override public void sent(String instance, long nanos) { metrics.observeAdvertInterval(instance, nanos / 1e9); }
                @Override public void late(String instance, long woke, long nanos) { metrics.observeAdvertLate(instance, woke / 1e9, nanos / 1e9); }
            });
            var server = ManagementServer.start(vertx, view, metrics, options).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            return new NodeApi(vertx, server, ref, ipvs);
        } catch (Exception e) {
            vertx.close();
            ipvs.close();
            throw new IllegalStateException("management API on " + options.host() + ":" + options.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    public String url() { return server.url(); }

    public VigilMetrics metrics() { return server.metrics(); }

    /** After a successful reload: names and configured values come from the new model. */
    public void configChanged(KeepalivedConfig next) {
        config.set(next);
        server.metrics().instances(next.vrrpInstances().stream().map(io.vigil.config.VrrpInstance::name).toList());
    }

    @Override public void close() {
        try {
            server.stop().toCompletionStage().toCompletableFuture().get(3, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // stopping anyway
        }
        vertx.close();
        ipvs.close();
    }

    /** The running node's side of the view: engine counters, operator actions (journaled first). */
    static final class VrrpNodeRuntime implements ConfiguredNodeView.Runtime {
        private static final Duration APPEND_WAIT = Duration.ofSeconds(2);
        private final VrrpNode node;
        private final Journal journal;
        private final AtomicReference<KeepalivedConfig> config;
        private final ReloadHook reload;
        private final DrainHook drainHook;
        private final Set<String> maintenance = ConcurrentHashMap.newKeySet();
        private final Set<String> drained = ConcurrentHashMap.newKeySet();
        private volatile Map<String, VrrpNode.Counters> counters = Map.of();
        private volatile long countersAt;

        private final KernelIpvsStats ipvs;
        private final java.util.function.Supplier<Optional<List<io.vigil.check.runtime.CheckStatusBoard.Status>>> liveChecks;

        @Override public Optional<List<io.vigil.check.runtime.CheckStatusBoard.Status>> liveChecks() { return liveChecks.get(); }

        VrrpNodeRuntime(VrrpNode node, Journal journal, AtomicReference<KeepalivedConfig> config, ReloadHook reload,
                        DrainHook drainHook, KernelIpvsStats ipvs,
                        java.util.function.Supplier<Optional<List<io.vigil.check.runtime.CheckStatusBoard.Status>>> liveChecks) {
            this.liveChecks = liveChecks;
            this.drainHook = drainHook;
            this.ipvs = ipvs;
            this.node = node;
            this.journal = journal;
            this.config = config;
            this.reload = reload;
        }

        /** One copy from the vrrp thread per request burst (a scrape asks for every instance). */
        private Map<String, VrrpNode.Counters> counters() {
            long now = System.nanoTime();
            if (now - countersAt > 200_000_000L) {
                try {
                    counters = node.counters();
                    countersAt = now;
                } catch (Exception e) {
                    // vrrp thread stopping: show the last copy
                }
            }
            return counters;
        }

        @Override public Views.VrrpStats vrrpStats(String instance) {
            VrrpNode.Counters c = counters().get(instance);
            if (c == null) return Views.VrrpStats.ZERO;
            Map<DropReason, Long> d = c.drops();
            return new Views.VrrpStats(c.advertsReceived(), c.advertsSent(), c.becameMaster(), c.releasedMaster(),
                    d.getOrDefault(DropReason.LENGTH_MISMATCH, 0L) + d.getOrDefault(DropReason.TRUNCATED, 0L),
                    d.getOrDefault(DropReason.ADVERT_INTERVAL_MISMATCH, 0L), d.getOrDefault(DropReason.BAD_TTL, 0L),
                    d.getOrDefault(DropReason.INVALID_TYPE, 0L), d.getOrDefault(DropReason.ADDRESS_LIST_MISMATCH, 0L),
                    d.getOrDefault(DropReason.INVALID_AUTH_TYPE, 0L), d.getOrDefault(DropReason.AUTH_TYPE_MISMATCH, 0L),
                    d.getOrDefault(DropReason.AUTH_FAILURE, 0L), c.priorityZeroReceived(), c.priorityZeroSent());
        }

        @Override public Map<String, Long> vrrpDrops(String instance) {
            VrrpNode.Counters c = counters().get(instance);
            if (c == null) return Map.of();
            Map<String, Long> out = new java.util.TreeMap<>();
            c.drops().forEach((r, n) -> out.put(r.label(), n));
            return out;
        }

        @Override public Map<String, Map<String, Long>> receiveDrops() {
            Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
            try {
                node.interfaceDrops().forEach((i, m) -> {
                    Map<String, Long> r = new java.util.TreeMap<>();
                    m.forEach((k, n) -> r.put(k.label(), n));
                    out.put(i, r);
                });
            } catch (Exception e) {
                // vrrp thread stopping: nothing to show
            }
            return out;
        }

        @Override public boolean maintenance(String instance) { return maintenance.contains(instance); }

        @Override public boolean drained(String vs, String rs) { return drained.contains(vs + "|" + rs); }

        @Override public long drain(String vs, String rs, boolean on) {
            long seq = operator(on ? "drain" : "undrain", vs + " " + rs);
            if (on) drained.add(vs + "|" + rs);
            else drained.remove(vs + "|" + rs);
            config.get().virtualServers().stream().filter(v -> ConfiguredNodeView.virtualServerId(v).equals(vs)).findFirst()
                    .ifPresent(v -> drainHook.drain(io.vigil.ipvs.IpvsConfigMapper.name(v), rs, on,
                            seq >= 0 ? Cause.event(seq) : Cause.operator("api", "management API")));
            return seq;
        }

        @Override public long maintenance(String instance, boolean on) {
            var vi = config.get().vrrpInstance(instance).orElseThrow(() -> new NodeView.NotFound("no vrrp_instance " + instance));
            long seq = operator(on ? "maintenance-on" : "maintenance-off", instance + " priority " + (on ? 1 : vi.priority()));
            try {
                node.setPriority(instance, on ? 1 : vi.priority(), seq >= 0 ? Cause.event(seq) : Cause.operator("api", "management API"));
            } catch (Exception e) {
                throw new IllegalStateException("cannot change the priority of " + instance + ": " + e.getMessage());
            }
            if (on) maintenance.add(instance);
            else maintenance.remove(instance);
            return seq;
        }

        @Override public Views.Reload reload(boolean force) {
            long seq = operator("reload", force ? "force" : "");
            Views.Reload r = reload.reload(force, Cause.event(seq));
            return new Views.Reload(seq, r.applied(), r.summary(), r.errors());
        }

        private long operator(String action, String detail) {
            // The reply carries the seq: it must be in the journal before anyone sees it (never lost, never reused).
            long seq;
            try {
                seq = journal.appendDurable(Cause.operator("api", "management API"), new Event.OperatorAction("api", action, detail), APPEND_WAIT);
            } catch (io.vigil.journal.store.JournalException e) {
                throw new IllegalStateException(e.getMessage() + "; nothing changed");
            }
            if (seq < 0) throw new IllegalStateException("journal not accepting events; nothing changed");
            return seq;
        }

        @Override public Optional<String> ipvsUnavailable() { return ipvs.unavailable(); }

        @Override public Optional<Views.IpvsStats> ipvsStats(KeepalivedConfig cfg, io.vigil.config.VirtualServer vs, String rs) {
            return ipvs.of(cfg, vs, rs);
        }
    }
}
