package io.vigil.ipvs;

import io.vigil.config.LvsArgs;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * keepalived's {@code lvs_sync_daemon INTERFACE [VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group IP]}
 * (global_defs) or the deprecated {@code lvs_sync_daemon_interface INTERFACE} of a vrrp_instance: the kernel's
 * IPVS connection sync daemon, run as master while {@code instance} is MASTER and as backup otherwise; without
 * an instance both run for the whole life of the checker. 0 for maxlen/port/ttl and a null group mean the
 * kernel's defaults (1472 − headers, 8848, 1, 224.0.0.81).
 *
 * @param syncId the sync id (0–255): the {@code id} option, else the instance's virtual_router_id, else 0
 */
public record SyncDaemonSpec(String interfaceName, Optional<String> instance, int syncId, int maxLen, int port, int ttl,
                             InetAddress group) {
    public SyncDaemonSpec {
        instance = instance == null ? Optional.empty() : instance;
    }

    /** Settings as a journal / log text: {@code eth1 id 51 port 8848}. */
    public String describe() {
        StringBuilder b = new StringBuilder(interfaceName).append(" id ").append(syncId);
        if (maxLen > 0) b.append(" maxlen ").append(maxLen);
        if (port > 0) b.append(" port ").append(port);
        if (ttl > 0) b.append(" ttl ").append(ttl);
        if (group != null) b.append(" group ").append(group.getHostAddress());
        return b.toString();
    }

    /** The statement's arguments read as keepalived reads them; {@code syncId} -1 when no id was given. */
    public record Parsed(Optional<SyncDaemonSpec> spec, List<String> problems) {}

    /** Reads {@code args} (after the keyword) with {@link LvsArgs#syncDaemon}, the reader check-config uses too. */
    public static Parsed parse(List<String> args) {
        LvsArgs.Parsed<LvsArgs.SyncDaemon> p = LvsArgs.syncDaemon(args);
        return new Parsed(p.value().map(a -> new SyncDaemonSpec(a.interfaceName(), a.instance(), a.syncId(), a.maxLen(),
                a.port(), a.ttl(), a.group())), p.problems());
    }

    /** The same daemon with the id keepalived settles on: the configured one, else the instance's vrid, else 0. */
    public SyncDaemonSpec withDefaultId(int vrid) {
        return syncId >= 0 ? this : new SyncDaemonSpec(interfaceName, instance, instance.isPresent() ? vrid : 0, maxLen, port, ttl, group);
    }
}
