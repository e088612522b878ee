package io.vigil.ipvs;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which IPVS sync daemons should run, and the kernel commands that get there from what runs — keepalived's
 * rules (vrrp.c, vrrp_scheduler.c, check_daemon.c): with a VRRP instance, the backup daemon runs from start-up
 * and whenever the instance is not MASTER (BACKUP, FAULT, INIT), the master daemon while it is MASTER; becoming
 * MASTER stops the backup daemon, then starts the master one, and leaving MASTER the reverse. Without an
 * instance both run. Changed settings restart a running daemon; nothing runs after a stop.
 */
public final class SyncDaemonPlanner {
    public enum Role { MASTER, BACKUP }

    /** One kernel command: start ({@code IPVS_CMD_NEW_DAEMON}) or stop ({@code IPVS_CMD_DEL_DAEMON}) a daemon. */
    public record Command(boolean start, Role role, SyncDaemonSpec spec) {
        public String describe() {
            return (start ? "start" : "stop") + " " + role.name().toLowerCase() + " sync daemon" + (start ? " on " + spec.describe() : "");
        }
    }

    /** The daemons that should run for {@code spec} when the instance it follows is ({@code master}) or is not MASTER. */
    public static Map<Role, SyncDaemonSpec> desired(Optional<SyncDaemonSpec> spec, boolean master) {
        Map<Role, SyncDaemonSpec> d = new EnumMap<>(Role.class);
        spec.ifPresent(s -> {
            if (s.instance().isEmpty() || master) d.put(Role.MASTER, s);
            if (s.instance().isEmpty() || !master) d.put(Role.BACKUP, s);
        });
        return d;
    }

    /** Stops first (what is left, or runs with other settings), then starts: make the old role go before the new one comes. */
    public static List<Command> diff(Map<Role, SyncDaemonSpec> running, Map<Role, SyncDaemonSpec> desired) {
        List<Command> out = new ArrayList<>();
        for (Role r : Role.values()) {
            SyncDaemonSpec now = running.get(r);
            if (now != null && !now.equals(desired.get(r))) out.add(new Command(false, r, now));
        }
        for (Role r : Role.values()) {
            SyncDaemonSpec want = desired.get(r);
            if (want != null && !want.equals(running.get(r))) out.add(new Command(true, r, want));
        }
        return out;
    }

    private SyncDaemonPlanner() {}
}
