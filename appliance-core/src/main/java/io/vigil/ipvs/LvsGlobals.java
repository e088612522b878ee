package io.vigil.ipvs;

import io.vigil.check.api.ConfigNode;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.LvsArgs;
import io.vigil.config.VrrpInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The global_defs settings of the kernel's IPVS as a whole, read as keepalived 2.2.7 reads them:
 * {@code lvs_timeouts [tcp N] [tcpfin N] [udp N]} (0 = leave that one; set at start, the kernel's values put back
 * at stop), {@code lvs_flush} (flush the whole table at start-up, not on reload), {@code lvs_flush_on_stop [VS]}
 * (also spelt {@code lvs_flush_onstop}), and the sync daemon ({@code lvs_sync_daemon}, or a vrrp_instance's
 * deprecated {@code lvs_sync_daemon_interface}).
 */
public record LvsGlobals(int tcpTimeout, int tcpFinTimeout, int udpTimeout, boolean flushAtStart, FlushOnStop flushOnStop,
                         Optional<SyncDaemonSpec> syncDaemon, List<String> problems) {
    // problems: what only the whole file shows (an lvs_sync_daemon instance it lacks); a statement's own bad parts
    // are the loader's diagnostics (LvsArgs), reported by check-config and at run already
    public LvsGlobals {
        problems = List.copyOf(problems);
    }

    /**
     * What happens to the table at stop. NONE: Vigil leaves its services in the kernel (keepalived would delete the
     * virtual servers it configured, one by one); FULL: the whole table is flushed; VS: the configured services
     * are deleted, without deleting their destinations one by one.
     */
    public enum FlushOnStop { NONE, FULL, VS }

    public boolean setsTimeouts() { return tcpTimeout > 0 || tcpFinTimeout > 0 || udpTimeout > 0; }

    public static LvsGlobals from(KeepalivedConfig c) {
        ConfigNode g = c.globalDefs().node();
        List<String> problems = new ArrayList<>();
        int[] t = new int[3];
        g.child("lvs_timeouts").ifPresent(n -> {
            LvsArgs.Parsed<int[]> p = LvsArgs.timeouts(n.args()); // its problems are the loader's diagnostics already
            System.arraycopy(p.value().orElse(t), 0, t, 0, 3);
        });
        boolean flush = g.child("lvs_flush").isPresent();
        FlushOnStop onStop = FlushOnStop.NONE;
        for (String k : List.of("lvs_flush_onstop", "lvs_flush_on_stop")) {
            Optional<ConfigNode> n = g.child(k);
            if (n.isEmpty()) continue;
            LvsArgs.Parsed<String> p = LvsArgs.flushOnStop(n.get().args());
            if (p.value().isPresent()) onStop = FlushOnStop.valueOf(p.value().get());
        }
        return new LvsGlobals(t[0], t[1], t[2], flush, onStop, syncDaemon(c, g, problems), problems);
    }

    /** The daemon keepalived would run: global lvs_sync_daemon first, else the first instance's lvs_sync_daemon_interface. */
    private static Optional<SyncDaemonSpec> syncDaemon(KeepalivedConfig c, ConfigNode g, List<String> problems) {
        Optional<ConfigNode> n = g.child("lvs_sync_daemon");
        if (n.isPresent()) {
            SyncDaemonSpec.Parsed p = SyncDaemonSpec.parse(n.get().args());
            if (p.spec().isEmpty()) return Optional.empty();
            SyncDaemonSpec s = p.spec().get();
            if (s.instance().isEmpty()) return Optional.of(s.withDefaultId(0));
            Optional<VrrpInstance> vi = c.vrrpInstance(s.instance().get());
            if (vi.isEmpty()) {
                problems.add("unable to find vrrp instance " + s.instance().get() + " for lvs_sync_daemon - no sync daemon");
                return Optional.empty();
            }
            return Optional.of(s.withDefaultId(vi.get().virtualRouterId()));
        }
        for (VrrpInstance vi : c.vrrpInstances()) {
            if (vi.lvsSyncDaemonInterface().isEmpty()) continue;
            // keepalived: the deprecated form names the instance it sits in; no vrrp name, so the sync id is 0
            return Optional.of(new SyncDaemonSpec(vi.lvsSyncDaemonInterface().get(), Optional.of(vi.name()), 0, 0, 0, 0, null));
        }
        return Optional.empty();
    }
}
