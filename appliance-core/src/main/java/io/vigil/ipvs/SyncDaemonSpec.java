package io.vigil.ipvs;

import java.net.InetAddress;
import java.util.ArrayList;
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

    /** IP_VS_IFNAME_MAXLEN: the kernel's interface name field, with its terminating NUL. */
    static final int IFNAME_MAX = 16;

    /**
     * Parses {@code args} (after the keyword). The pre-2.0 form {@code INTERFACE INSTANCE [SYNC_ID]} is accepted
     * as keepalived does, with its note; an option without a value or with a bad one is ignored with a problem.
     */
    public static Parsed parse(List<String> args) {
        List<String> problems = new ArrayList<>();
        if (args.isEmpty()) return new Parsed(Optional.empty(), List.of("lvs_sync_daemon requires interface"));
        String ifname = args.getFirst();
        if (ifname.length() >= IFNAME_MAX) {
            return new Parsed(Optional.empty(), List.of("lvs_sync_daemon interface name '" + ifname + "' too long - ignoring"));
        }
        String instance = null;
        int id = -1, maxlen = 0, port = 0, ttl = 0;
        InetAddress group = null;
        for (int i = 1; i < args.size(); i++) {
            String k = args.get(i);
            boolean option = switch (k) { case "inst", "id", "maxlen", "port", "ttl", "group" -> true; default -> false; };
            if (option) {
                if (i == args.size() - 1) {
                    problems.add("no value specified for lvs_sync_daemon " + k + " - ignoring");
                    continue;
                }
                String v = args.get(++i);
                switch (k) {
                    case "inst" -> {
                        if (instance != null) problems.add("lvs_sync_daemon vrrp instance has already been specified as " + instance + " - ignoring");
                        else instance = v;
                    }
                    case "id" -> id = number(v, 0, 255, "id", id, problems);
                    case "maxlen" -> maxlen = number(v, 1, 65535 - 20 - 8, "maxlen", maxlen, problems);
                    case "port" -> port = number(v, 1, 65535, "port", port, problems);
                    case "ttl" -> ttl = number(v, 1, 255, "ttl", ttl, problems);
                    default -> group = group(v, group, problems);
                }
                continue;
            }
            if (i == 1) { // lvs_sync_daemon IF INSTANCE [SYNC_ID], the older form
                instance = k;
                continue;
            }
            if (i == 2) {
                int before = id;
                id = number(k, 0, 255, "id", id, problems);
                if (id != before) problems.add("please use keyword \"id\" before lvs_sync_daemon SYNCID");
                continue;
            }
            problems.add("unknown option " + k + " specified for lvs_sync_daemon");
        }
        return new Parsed(Optional.of(new SyncDaemonSpec(ifname, Optional.ofNullable(instance), id, maxlen, port, ttl, group)),
                List.copyOf(problems));
    }

    /** The same daemon with the id keepalived settles on: the configured one, else the instance's vrid, else 0. */
    public SyncDaemonSpec withDefaultId(int vrid) {
        return syncId >= 0 ? this : new SyncDaemonSpec(interfaceName, instance, instance.isPresent() ? vrid : 0, maxLen, port, ttl, group);
    }

    private static int number(String v, int min, int max, String what, int keep, List<String> problems) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("invalid lvs_sync_daemon " + what + " (" + v + ")" + (what.equals("id") ? " - defaulting to vrid" : " - ignoring"));
        return keep;
    }

    private static InetAddress group(String v, InetAddress keep, List<String> problems) {
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(v); // a literal: pure code never resolves names
        } catch (IllegalArgumentException e) {
            a = null;
        }
        if (a == null) {
            problems.add("invalid lvs_sync_daemon group (" + v + ") - ignoring");
            return keep;
        }
        if (!a.isMulticastAddress()) {
            problems.add("lvs_sync_daemon group address " + v + " is not multicast - ignoring");
            return keep;
        }
        return a;
    }
}
