package io.vigil.node;

import io.vigil.ipvs.LvsGlobals;
import io.vigil.ipvs.ServiceKey;
import io.vigil.ipvs.SyncDaemonPlanner;
import io.vigil.ipvs.SyncDaemonPlanner.Command;
import io.vigil.ipvs.SyncDaemonPlanner.Role;
import io.vigil.ipvs.SyncDaemonSpec;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.linux.Errno;
import io.vigil.linux.LinuxException;
import io.vigil.linux.ipvs.IpvsNetlink;
import io.vigil.linux.ipvs.IpvsUnavailableException;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The kernel's IPVS as a whole, for the life of the process (the checker comes and goes on reloads): connection
 * timeouts, the flush at start and at stop, and the connection sync daemons following their VRRP instance
 * ({@link SyncDaemonPlanner} decides, this applies). Kernel calls run on a thread of their own, never on the vrrp
 * thread; each change is journaled with its cause (for a daemon, the VRRP transition entry). IPVS is opened only
 * when something asks for it, so a host without IPVS and without these settings hears nothing.
 */
public final class LvsKeeper implements AutoCloseable {
    /** Where the changes go: the journal ({@code journal::append}). */
    public interface Sink { void append(Cause cause, Event event); }

    private final Sink journal;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("vigil-lvs").daemon().factory());

    // ---- owned by thread
    private IpvsNetlink ipvs;
    private boolean unavailableSaid;
    private LvsGlobals globals = new LvsGlobals(0, 0, 0, false, LvsGlobals.FlushOnStop.NONE, Optional.empty(), List.of());
    /** The configuration's services, mapped only if {@code lvs_flush_on_stop VS} needs them (10,000 real servers: ~0.2 s). */
    private Supplier<List<ServiceKey>> configured = List::of;
    /** The kernel's timeouts before we set ours (put back at stop, or when a reload drops lvs_timeouts); null = untouched. */
    private IpvsNetlink.Timeouts original;
    private final Map<String, Boolean> master = new HashMap<>();
    private final Map<Role, SyncDaemonSpec> running = new EnumMap<>(Role.class);

    public LvsKeeper(Sink journal) { this.journal = journal; }

    /**
     * Start-up, before the checker programs any service: {@code lvs_flush}, leftover sync daemons of an earlier run
     * stopped, timeouts set, the daemons started (backup until the instance is MASTER). Waits until done.
     * {@code services}: the configuration's services, asked for at stop by {@code lvs_flush_on_stop VS} alone.
     */
    public void start(LvsGlobals g, Supplier<List<ServiceKey>> services, Cause cause) {
        await(() -> {
            g.problems().forEach(p -> NodeLog.warn("global_defs: " + p));
            if (g.flushAtStart() && open() != null) {
                try {
                    ipvs.flush();
                    journal.append(cause, new Event.IpvsChanged(Event.IpvsOp.FLUSH, "", "", 0, "lvs_flush", true, ""));
                } catch (LinuxException e) {
                    failed(cause, Event.IpvsOp.FLUSH, "", e);
                }
            }
            if (g.syncDaemon().isPresent() && open() != null) { // as keepalived after an abnormal end: none of ours is left
                for (Role r : Role.values()) {
                    try {
                        ipvs.stopDaemon(r == Role.MASTER);
                    } catch (LinuxException e) {
                        // none was running: the usual case
                    }
                }
            }
            apply(g, services, cause);
        });
    }

    /** A reload: new timeouts (or the kernel's back), daemons restarted if their settings changed; no flush. */
    public void reload(LvsGlobals g, Supplier<List<ServiceKey>> services, Cause cause) {
        thread.execute(() -> {
            g.problems().forEach(p -> NodeLog.warn("global_defs: " + p));
            apply(g, services, cause);
        });
    }

    /** A VRRP transition (called on the vrrp thread: hands off). */
    public void stateChanged(String instance, boolean isMaster, Cause cause) {
        thread.execute(() -> {
            master.put(instance, isMaster);
            if (globals.syncDaemon().flatMap(SyncDaemonSpec::instance).filter(instance::equals).isPresent()) daemons(cause);
        });
    }

    /** Stop: daemons stopped, {@code lvs_flush_on_stop} applied, the kernel's timeouts put back. Waits until done. */
    public void stop(Cause cause) {
        await(() -> {
            globals = new LvsGlobals(0, 0, 0, false, globals.flushOnStop(), Optional.empty(), List.of());
            daemons(cause);
            switch (globals.flushOnStop()) {
                case FULL -> {
                    if (open() != null) {
                        try {
                            ipvs.flush();
                            journal.append(cause, new Event.IpvsChanged(Event.IpvsOp.FLUSH, "", "", 0, "lvs_flush_on_stop", true, ""));
                        } catch (LinuxException e) {
                            failed(cause, Event.IpvsOp.FLUSH, "", e);
                        }
                    }
                }
                case VS -> {
                    if (open() != null) {
                        for (ServiceKey k : configured.get()) {
                            try {
                                ipvs.deleteService(k);
                                journal.append(cause, new Event.IpvsChanged(Event.IpvsOp.SERVICE_DELETE, k.toString(), "", 0, "", true, ""));
                            } catch (LinuxException e) {
                                if (e.errno() != Errno.ESRCH) failed(cause, Event.IpvsOp.SERVICE_DELETE, k.toString(), e);
                            }
                        }
                    }
                }
                case NONE -> { }
            }
            timeouts(globals, cause);
        });
        close();
    }

    private void apply(LvsGlobals g, Supplier<List<ServiceKey>> services, Cause cause) {
        globals = g;
        configured = services;
        timeouts(g, cause);
        daemons(cause);
    }

    private void timeouts(LvsGlobals g, Cause cause) {
        if (!g.setsTimeouts() && original == null) return; // never touched: nothing to set or put back
        if (open() == null) return;
        try {
            if (original == null) original = ipvs.timeouts();
            IpvsNetlink.Timeouts t = g.setsTimeouts() ? new IpvsNetlink.Timeouts(g.tcpTimeout(), g.tcpFinTimeout(), g.udpTimeout()) : original;
            IpvsNetlink.Timeouts now = ipvs.timeouts();
            IpvsNetlink.Timeouts want = new IpvsNetlink.Timeouts(t.tcp() > 0 ? t.tcp() : now.tcp(), t.tcpFin() > 0 ? t.tcpFin() : now.tcpFin(),
                    t.udp() > 0 ? t.udp() : now.udp());
            if (want.equals(now)) return;
            ipvs.setTimeouts(t);
            String text = "tcp " + want.tcp() + " tcpfin " + want.tcpFin() + " udp " + want.udp();
            journal.append(cause, new Event.IpvsChanged(Event.IpvsOp.TIMEOUTS_SET, text, "", 0,
                    g.setsTimeouts() ? "lvs_timeouts" : "kernel's values put back", true, ""));
            if (!g.setsTimeouts()) original = null;
        } catch (LinuxException e) {
            failed(cause, Event.IpvsOp.TIMEOUTS_SET, "", e);
        }
    }

    /** Brings the running daemons to what the planner wants for the current VRRP state. */
    private void daemons(Cause cause) {
        boolean isMaster = globals.syncDaemon().flatMap(SyncDaemonSpec::instance).map(i -> master.getOrDefault(i, false)).orElse(false);
        List<Command> commands = SyncDaemonPlanner.diff(running, SyncDaemonPlanner.desired(globals.syncDaemon(), isMaster));
        if (commands.isEmpty() || open() == null) return;
        for (Command c : commands) {
            String what = c.role().name().toLowerCase() + " " + c.spec().describe();
            Event.IpvsOp op = c.start() ? Event.IpvsOp.SYNC_DAEMON_START : Event.IpvsOp.SYNC_DAEMON_STOP;
            try {
                if (c.start()) {
                    SyncDaemonSpec s = c.spec();
                    ipvs.startDaemon(c.role() == Role.MASTER, s.interfaceName(), s.syncId(), s.maxLen(), s.port(), s.ttl(), s.group());
                    running.put(c.role(), s);
                } else {
                    running.remove(c.role());
                    ipvs.stopDaemon(c.role() == Role.MASTER);
                }
                journal.append(cause, new Event.IpvsChanged(op, what, "", 0, "", true, ""));
                NodeLog.info("IPVS: " + c.describe());
            } catch (LinuxException e) {
                failed(cause, op, what, e);
            }
        }
    }

    private void failed(Cause cause, Event.IpvsOp op, String what, LinuxException e) {
        NodeLog.warn("IPVS: " + op.name().toLowerCase().replace('_', ' ') + " " + what + " failed: " + e.getMessage());
        journal.append(cause, new Event.IpvsChanged(op, what, "", 0, "", false, String.valueOf(e.getMessage())));
    }

    private IpvsNetlink open() {
        if (ipvs != null) return ipvs;
        try {
            ipvs = IpvsNetlink.open();
        } catch (IpvsUnavailableException e) {
            if (!unavailableSaid) NodeLog.warn(e.getMessage() + " — lvs_timeouts, lvs_flush and lvs_sync_daemon are not applied");
            unavailableSaid = true;
        } catch (LinuxException e) {
            if (!unavailableSaid) NodeLog.warn("cannot open IPVS: " + e.getMessage());
            unavailableSaid = true;
        }
        return ipvs;
    }

    private void await(Runnable r) {
        try {
            thread.submit(r).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            NodeLog.warn("IPVS: " + e);
        }
    }

    @Override public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ipvs != null) ipvs.close();
        ipvs = null;
    }
}
