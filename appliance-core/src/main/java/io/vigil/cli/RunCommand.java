package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vigil.config.Diagnostic;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LoadResult;
import io.vigil.config.ReloadGuard;
import io.vigil.api.Views;
import io.vigil.config.Severity;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.node.CheckerNode;
import io.vigil.node.NodeConfig;
import io.vigil.node.NodeLog;
import io.vigil.node.NodeSetup;
import io.vigil.node.Signals;
import io.vigil.node.StartupTrace;
import io.vigil.node.VrrpNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/** {@code vigil run}: keepalived --vrrp for Vigil — runs the VRRP part of a keepalived.conf in the foreground. */
@Command(name = RunCommand.NAME, mixinStandardHelpOptions = true, addMethodSubcommands = false,
        description = {"Run a keepalived.conf in the foreground (as keepalived -n): its",
                "vrrp_instances, and its virtual_servers' health checks programming IPVS",
                "(-P: VRRP only). SIGHUP reloads the file; a bad file keeps the running",
                "configuration. SIGTERM/SIGINT stop gracefully: MASTERs send priority 0",
                "and remove their VIPs, notify_stop runs, exit 0.",
                "Exit: 0 stopped by signal, 1 start-up failed, 4 configuration",
                "unusable, 5 configuration errors. See docs/operations.md."})
public final class RunCommand implements Callable<Integer> {
    static final String NAME = "run";
    @Mixin ConfigSourceOptions source;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "node id in journal entries (default: router_id, else the host name)")
    String nodeId;

    @Option(names = "--journal", paramLabel = "DIR", description = "journal directory (default: ${DEFAULT-VALUE})")
    Path journalDir = Path.of(JournalConfig.DEFAULT_DIR_NAME);

    @Option(names = "--journal-retain-age", paramLabel = "DURATION", defaultValue = "P14D",
            description = "delete journal hours older than this (ISO-8601, default ${DEFAULT-VALUE}; PT0S: keep)")
    java.time.Duration retainAge;

    @Option(names = "--journal-retain-size", paramLabel = "SIZE", defaultValue = "2G",
            description = "delete the oldest journal hours while the journal is larger (e.g. 500M, 2G; 0: no limit; default ${DEFAULT-VALUE})."
                    + " The hour being written is never deleted.")
    String retainSize;

    @Option(names = "--journal-note", paramLabel = "TEXT",
            description = "journal TEXT as an operator-action right after node-started (repeatable; 'ACTION: DETAIL' names the action,"
                    + " else 'note'). The appliance's init says where the journal lives with it.")
    List<String> journalNotes = new ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "directory of PF4J check plugin zips (default: ${DEFAULT-VALUE})")
    Path pluginsDir = Path.of(System.getProperty("vigil.plugins", "/usr/lib/vigil/plugins"));

    @Option(names = {"-P", "--vrrp"}, description = "run only the VRRP part, no checks or IPVS (as keepalived -P)")
    boolean vrrpOnly;

    @Option(names = "--allow-empty-reload",
            description = "accept a reload that removes every vrrp_instance, every virtual_server or every VIP of an instance"
                    + " (refused by default; POST /api/v1/reload?force=true forces one reload)")
    boolean allowEmptyReload;

    /** A reload whose reading takes longer than this (a huge include, a FIFO appearing mid-read) is cancelled and rejected. */
    static final java.time.Duration RELOAD_READ_LIMIT = java.time.Duration.ofSeconds(20);

    /** The checker half (health checks → IPVS); replaced on reload. */
    private final AtomicReference<CheckerNode> checker = new AtomicReference<>();
    /** The configuration running now (the last one applied). */
    private final AtomicReference<KeepalivedConfig> running = new AtomicReference<>();
    private final Set<String> drained = ConcurrentHashMap.newKeySet();
    private Vertx vertx;
    @Mixin ApiOptions api;
    private volatile io.vigil.api.NodeApi nodeApi;
    private boolean stopping;
    private volatile io.vigil.node.LvsKeeper lvs;

    @Override public Integer call() throws Exception {
        StartupTrace.mark("options parsed");
        configureLog();
        if (!vrrpOnly) source.usePlugins(pluginsDir);
        CompletableFuture<Journal> opening = openJournal(bytes(retainSize));
        LoadResult r = source.load();
        StartupTrace.mark("config loaded");
        report(r);
        if (r.config().isEmpty()) return discard(opening, ConfigExit.FATAL);
        if (r.hasErrors()) return discard(opening, ConfigExit.CONFIG_ERRORS);
        NodeSetup setup;
        try {
            setup = NodeConfig.from(r.config().get(), Path.of(source.displayName()), NodeLog::warn);
        } catch (NodeConfig.Invalid e) {
            System.err.println(e.getMessage());
            return discard(opening, ConfigExit.CONFIG_ERRORS);
        }
        running.set(r.config().get());
        StartupTrace.mark("node config");
        String id = nodeId != null ? nodeId : setup.routerId() != null ? setup.routerId() : hostName();
        Journal opened;
        try {
            opened = opening.join();
        } catch (java.util.concurrent.CompletionException e) { // e.g. a damaged journal: never append after the damage
            if (e.getCause() instanceof io.vigil.journal.store.JournalException je) {
                System.err.println("vigil: " + je.getMessage());
                return 1;
            }
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        opened.nameNode(id);
        StartupTrace.mark("journal open");
        try (Journal journal = opened) {
            journal.append(Cause.NONE, journal.nodeStarted("vigil 0.1.0", ProcessHandle.current().pid()));
            for (String n : journalNotes) journal.append(Cause.NONE, note(n));
            StartupTrace.mark("node-started journaled");
            var lifecycle = io.vigil.node.LifecycleScripts.from(r.config().get().globalDefs());
            var lifecycleRunner = new io.vigil.check.api.ScriptRunner(setup.scriptUser(), setup.enableScriptSecurity());
            lifecycle.run("startup", lifecycleRunner, journal, Cause.NONE); // keepalived: before VRRP starts
            // IPVS as a whole (timeouts, flush, sync daemons) lives as long as the process; before VRRP, whose
            // transitions move the sync daemons, and before the checker programs any service (lvs_flush)
            lvs = new io.vigil.node.LvsKeeper(journal::append);
            // (the services are mapped only if lvs_flush_on_stop VS asks at stop: mapped here, they kept the first
            // advert of a 10,000-real-server node waiting, 1.20 against 0.93 s to BACKUP)
            KeepalivedConfig loaded = r.config().get();
            lvs.start(io.vigil.ipvs.LvsGlobals.from(loaded), () -> configuredServices(loaded), Cause.NONE);
            io.vigil.node.LvsKeeper keeper = lvs;
            VrrpNode node;
            try {
                node = VrrpNode.start(setup, journal, (instance, to, cause) ->
                        keeper.stateChanged(instance, to == io.vigil.vrrp.VrrpState.MASTER, cause));
                StartupTrace.mark("vrrp started");
            } catch (Exception e) {
                System.err.println("vigil: cannot start: " + e.getMessage());
                lvs.stop(Cause.NONE);
                journal.append(Cause.NONE, new Event.NodeStopped("start-up failed: " + e.getMessage()));
                return 1;
            }
            CountDownLatch stop = new CountDownLatch(1);
            AtomicReference<String> stopSignal = new AtomicReference<>("SIGTERM");
            ExecutorService control = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("vigil-control").daemon().factory());
            var ignored = Signals.install(() -> control.execute(() -> reload(node, journal, "SIGHUP", Cause.signal("SIGHUP"), false)), sig -> {
                stopSignal.compareAndSet("SIGTERM", sig);
                stop.countDown();
            });
            if (!ignored.isEmpty()) NodeLog.info("signals: " + String.join(", ", ignored)
                    + " had been ignored (nohup or a background job); handled as keepalived does");
            // VRRP runs and signals are handled already; the checker (plugins, planning, IPVS) starts after, on the
            // control thread, so a SIGHUP waits for it and a slow plugin or 10,000 real servers never delay an advert
            control.execute(() -> {
                sizeHeap(r.config().get());
                try {
                    startChecker(r, journal, node);
                } catch (RuntimeException e) {
                    NodeLog.error("checker: cannot start: " + e.getMessage() + " (VRRP goes on)");
                }
            });
            NodeLog.info("vigil started: " + setup.instances().size() + " vrrp_instance(s) from " + source.displayName()
                    + ", journal " + journalDir + ", node id " + id);
            // the API starts off the main path (Vert.x start-up takes a while on a busy host); VRRP and signals run already
            Thread apiStarter = Thread.ofPlatform().name("vigil-api-start").daemon().start(() -> {
                try {
                    var apiOptions = api.options();
                    if (apiOptions.isPresent()) {
                        var started = io.vigil.api.NodeApi.start(apiOptions.get(), id, r.config().get(), journal, node,
                                (force, cause) -> apiReload(control, node, journal, force, cause), this::drain,
                                () -> java.util.Optional.ofNullable(checker.get()).map(CheckerNode::checks));
                        synchronized (this) {
                            if (stopping) started.close();
                            else nodeApi = started;
                        }
                    }
                } catch (Exception e) {
                    // VRRP matters more than the API: run on without it (e.g. the port is taken), loudly
                    NodeLog.error("management API not started: " + e.getMessage());
                }
            });
            stop.await();
            NodeLog.info("stopping on " + stopSignal.get());
            synchronized (this) {
                stopping = true;
                if (nodeApi != null) nodeApi.close();
            }
            apiStarter.interrupt();
            control.shutdownNow();
            // a checker start or reload in progress finishes first (it is not interruptible midway), then stops
            if (!control.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) NodeLog.error("checker start/reload still running at stop");
            CheckerNode last = checker.getAndSet(null);
            if (last != null) last.stop(Cause.signal(stopSignal.get())); // keepalived's omega notifies, then closed
            if (vertx != null) vertx.close().await();
            node.stop(Cause.signal(stopSignal.get()));
            lvs.stop(Cause.signal(stopSignal.get())); // after the checker and VRRP: the last word on IPVS
            lifecycle.run("shutdown", lifecycleRunner, journal, Cause.signal(stopSignal.get())); // after VRRP stopped
            // the last entry of a clean run (the next start reads it as "clean"): waits for ring space, then for disk
            journal.appendOrWait(Cause.signal(stopSignal.get()), new Event.NodeStopped(stopSignal.get()), java.time.Duration.ofSeconds(2));
            if (!journal.flush(java.time.Duration.ofSeconds(3))) NodeLog.error("journal: stop entry not written within 3 s");
        }
        NodeLog.info("vigil stopped");
        NodeLog.flush();
        return 0;
    }

    /**
     * Opens the journal on a thread of its own while the main thread reads the configuration: Chronicle Queue's
     * first open (class initialisation, mapping, reading the tail) took ~0.2 s of the path to the first advert. The
     * node's name comes from the configuration ({@link Journal#nameNode}); nothing is appended before it is open, so
     * the journal's order is the one it always had: node-started first.
     */
    CompletableFuture<Journal> openJournal(long retainBytes) {
        var opening = new CompletableFuture<Journal>();
        // the config on this thread too: JournalConfig names Chronicle's classes, whose initialisation (~0.3 s, on the
        // warm-up thread) the main thread would otherwise wait for before it reads the configuration
        Thread.ofPlatform().name("vigil-journal-open").daemon().start(() -> {
            try {
                var cfg = JournalConfig.defaults(journalDir, nodeId != null ? nodeId : "vigil").withRetention(retainAge, retainBytes);
                opening.complete(Journal.open(cfg));
            } catch (Throwable t) {
                opening.completeExceptionally(t);
            }
        });
        return opening;
    }

    /** A start that ends before VRRP (a bad configuration): the journal opened meanwhile is closed, unwritten. */
    private static int discard(CompletableFuture<Journal> opening, int exit) {
        try {
            opening.join().close();
        } catch (RuntimeException ignored) {
            // it did not open: nothing to close, and the configuration's problem is the one reported
        }
        return exit;
    }

    /** Every kernel service the configuration's virtual servers stand for (for lvs_flush_on_stop VS). */
    private static List<io.vigil.ipvs.ServiceKey> configuredServices(KeepalivedConfig c) {
        return io.vigil.ipvs.IpvsConfigMapper.map(c).virtualServers().stream().flatMap(v -> v.keys().stream()).toList();
    }

    /** POST /api/v1/reload: the same reload as SIGHUP, queued behind any running one, and its outcome. */
    private Views.Reload apiReload(ExecutorService control, VrrpNode node, Journal journal, boolean force, Cause cause) {
        try {
            return control.submit(() -> reload(node, journal, "api", cause, force))
                    .get(RELOAD_READ_LIMIT.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the reload is still running after " + (RELOAD_READ_LIMIT.toSeconds() + 30)
                    + " s; its outcome will be journaled");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("reload failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * The one reload path (SIGHUP and the API), on the control thread: the file is read on a thread of its own with a
     * time limit, so a stuck read is cancelled and reported and never wedges later reloads; a file that does not load
     * cleanly, or that would stop every instance unless forced, is rejected, journaled and changes nothing.
     */
    private Views.Reload reload(VrrpNode node, Journal journal, String who, Cause cause, boolean force) {
        NodeLog.info("reloading " + source.displayName() + " (" + who + (force ? ", forced" : "") + ")");
        List<String> problems = new ArrayList<>();
        LoadResult r = readWithinLimit(problems);
        NodeSetup next = null;
        if (r != null) {
            report(r);
            if (r.config().isEmpty() || r.hasErrors()) {
                if (r.errors().isEmpty()) problems.add(source.displayName() + ": configuration unusable");
                r.errors().forEach(d -> problems.add(d.format()));
            } else {
                if (!force && !allowEmptyReload && running.get() != null)
                    ReloadGuard.check(running.get(), r.config().get(), source.displayName()).forEach(d -> problems.add(d.format()));
                if (problems.isEmpty()) {
                    try {
                        next = NodeConfig.from(r.config().get(), Path.of(source.displayName()), NodeLog::warn);
                    } catch (NodeConfig.Invalid e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
        if (next != null) {
            try {
                String summary = node.reload(next, cause);
                running.set(r.config().get());
                sizeHeap(r.config().get());
                KeepalivedConfig reloaded = r.config().get();
                if (lvs != null) lvs.reload(io.vigil.ipvs.LvsGlobals.from(reloaded), () -> configuredServices(reloaded), cause);
                CheckerNode current = checker.get();
                if (current != null && current.runs(r.config().get())) {
                    // as keepalived: unchanged checkers keep their state, counters and schedule; IPVS is left alone
                    NodeLog.info("checker: checks unchanged, kept running");
                } else {
                    // checks restart from the new file, unchanged ones where they were; IPVS is reconciled, never flushed
                    var carry = current == null ? java.util.Optional.<CheckerNode.Carry>empty() : java.util.Optional.of(current.carryOver());
                    stopChecker();
                    startChecker(r, journal, node, carry);
                }
                if (nodeApi != null) nodeApi.configChanged(r.config().get());
                return new Views.Reload(-1, true, summary, List.of());
            } catch (Exception e) {
                problems.add(String.valueOf(e.getMessage()));
            }
        }
        for (String p : problems) NodeLog.error(p);
        NodeLog.error("reload failed, keeping the running configuration: " + problems.getFirst()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        String detail = String.join("\n", problems);
        if (detail.length() > 4000) detail = detail.substring(0, 4000) + "...";
        journal.append(cause, new Event.OperatorAction(who, "reload-rejected", detail));
        return new Views.Reload(-1, false, "", problems);
    }

    /** Loads the file on a fresh daemon thread; null (with the problem) if that takes longer than {@link #RELOAD_READ_LIMIT}. */
    private LoadResult readWithinLimit(List<String> problems) {
        var result = new java.util.concurrent.CompletableFuture<LoadResult>();
        Thread reader = Thread.ofPlatform().name("vigil-config-read").daemon().start(() -> {
            try {
                result.complete(source.load());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(RELOAD_READ_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            reader.interrupt(); // the lexer stops at its next line; a read blocked in the kernel stays with its daemon thread
            problems.add(source.displayName() + ": reading the configuration took longer than " + RELOAD_READ_LIMIT.toSeconds()
                    + " s; reload cancelled");
        } catch (java.util.concurrent.ExecutionException e) {
            problems.add(source.displayName() + ": cannot load: " + e.getCause());
        } catch (InterruptedException e) {
            reader.interrupt();
            Thread.currentThread().interrupt();
            problems.add("reload interrupted");
        }
        return null;
    }

    /** ZGC's soft heap limit from the configuration's size (docs/operations.md, "Memory"); never stops the node. */
    private void sizeHeap(KeepalivedConfig config) {
        try {
            io.vigil.node.HeapSizing.apply(vrrpOnly ? io.vigil.node.HeapSizing.Load.NONE : io.vigil.node.HeapSizing.Load.of(config));
        } catch (RuntimeException e) {
            NodeLog.warn("heap: cannot set the soft limit: " + e.getMessage());
        }
    }

    private void startChecker(LoadResult r, Journal journal, VrrpNode node) {
        startChecker(r, journal, node, java.util.Optional.empty());
    }

    private void startChecker(LoadResult r, Journal journal, VrrpNode node, java.util.Optional<CheckerNode.Carry> carry) {
        KeepalivedConfig config = r.config().orElseThrow();
        if (vrrpOnly || !CheckerNode.needed(config)) return;
        // epoll where Netty's native transport loads (the checks open a connection per probe): fewer system calls than NIO
        if (vertx == null) vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
        source.awaitPluginRead(); // PF4J unpacks zips beside themselves: never two loads of one directory at once
        var registry = Files.isDirectory(pluginsDir) ? CheckRegistry.load(pluginsDir) : CheckRegistry.builtins();
        checker.set(CheckerNode.start(vertx, config, r.statements(), registry, journal, Set.copyOf(drained),
                (keyword, vs, rs, seconds, pluginFault) -> {
                    var a = nodeApi;
                    if (a == null) return;
                    a.metrics().observeCheck(keyword, vs, rs, seconds);
                    if (pluginFault) a.metrics().pluginFailed(keyword);
                },
                new CheckerNode.TrackerSink() {
                    @Override public void changed(String script, boolean ok, Cause cause) { node.trackerChanged(script, ok, cause); }
                    @Override public boolean writesNotifyFifo() { return true; } // the VRRP side is the notify_fifo's one writer
                    @Override public void notifyFifo(Path fifo, String line) { node.notifyFifoLine(fifo, line); }
                }, carry));
    }

    /** Operator drain from the API: remembered across reloads, applied by the checker to IPVS. */
    private void drain(String virtualServer, String realServer, boolean on, Cause cause) {
        if (on) drained.add(virtualServer + "|" + realServer);
        else drained.remove(virtualServer + "|" + realServer);
        CheckerNode c = checker.get();
        if (c != null) c.drain(virtualServer, realServer, on, cause);
    }

    private void stopChecker() {
        CheckerNode c = checker.getAndSet(null);
        if (c != null) c.close();
    }

    private static void report(LoadResult r) {
        for (Diagnostic d : r.diagnostics()) {
            if (d.severity() == Severity.ERROR) NodeLog.error(d.format());
            else if (d.severity() == Severity.WARNING) NodeLog.warn(d.format());
        }
    }

    /** "2G", "500M", "64K" or plain bytes. */
    /** {@code "storage: journal in RAM only"} → operator-action storage by "boot"; text without "ACTION: " is a "note". */
    static Event.OperatorAction note(String text) {
        int colon = text.indexOf(": ");
        boolean named = colon > 0 && text.substring(0, colon).matches("[a-z][a-z0-9-]*");
        return new Event.OperatorAction("boot", named ? text.substring(0, colon) : "note", named ? text.substring(colon + 2) : text);
    }

    static long bytes(String size) {
        String s = size.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1;
        };
        try {
            return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.TypeConversionException("bad size '" + size + "' (e.g. 500M, 2G)");
        }
    }

    private static String hostName() {
        try { return InetAddress.getLocalHost().getHostName(); } catch (Exception e) { return "vigil"; }
    }

    /** keepalived -l -D style: one timestamped line per event on stderr. Must run before the first logger exists. */
    static void configureLog() {
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
    }
}
