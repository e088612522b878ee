package io.vigil.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The arguments of global_defs' IPVS-wide statements read as keepalived 2.2.7's global_parser.c reads them, with
 * its problems worded as it words them. Shared by the keyword table (check-config's diagnostics) and
 * {@code io.vigil.ipvs.LvsGlobals} (what runs), so both see the same thing.
 */
public final class LvsArgs {
    private LvsArgs() {}

    /** {@code lvs_sync_daemon}: {@code syncId} -1 when no id was given; 0 for maxlen/port/ttl and a null group = kernel default. */
    public record SyncDaemon(String interfaceName, Optional<String> instance, int syncId, int maxLen, int port, int ttl,
                             InetAddress group) {}

    public record Parsed<T>(Optional<T> value, List<String> problems) {}

    /** IP_VS_IFNAME_MAXLEN: the kernel's interface name field, with its terminating NUL. */
    static final int IFNAME_MAX = 16;
    /** keepalived's LVS_MAX_TIMEOUT: 31 days. */
    public static final int MAX_TIMEOUT = 86400 * 31;

    /**
     * {@code INTERFACE [VRRP_INSTANCE] [inst NAME] [id N] [maxlen N] [port N] [ttl N] [group IP]}; the pre-2.0 form
     * {@code INTERFACE INSTANCE [SYNC_ID]} is accepted as keepalived does, with its note. An option without a value
     * or with a bad one is ignored with a problem.
     */
    public static Parsed<SyncDaemon> syncDaemon(List<String> args) {
        List<String> problems = new ArrayList<>();
        if (args.isEmpty()) return new Parsed<>(Optional.empty(), List.of("lvs_sync_daemon requires interface"));
        String ifname = args.getFirst();
        if (ifname.length() >= IFNAME_MAX) {
            return new Parsed<>(Optional.empty(), List.of("lvs_sync_daemon interface name '" + ifname + "' too long - ignoring"));
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
                    case "id" -> id = number(v, 0, 255, "lvs_sync_daemon id", id, " - defaulting to vrid", problems);
                    case "maxlen" -> maxlen = number(v, 1, 65535 - 20 - 8, "lvs_sync_daemon maxlen", maxlen, " - ignoring", problems);
                    case "port" -> port = number(v, 1, 65535, "lvs_sync_daemon port", port, " - ignoring", problems);
                    case "ttl" -> ttl = number(v, 1, 255, "lvs_sync_daemon ttl", ttl, " - ignoring", problems);
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
                id = number(k, 0, 255, "lvs_sync_daemon id", id, " - defaulting to vrid", problems);
                if (id != before) problems.add("please use keyword \"id\" before lvs_sync_daemon SYNCID");
                continue;
            }
            problems.add("unknown option " + k + " specified for lvs_sync_daemon");
        }
        return new Parsed<>(Optional.of(new SyncDaemon(ifname, Optional.ofNullable(instance), id, maxlen, port, ttl, group)),
                List.copyOf(problems));
    }

    /** {@code lvs_timeouts [tcp N] [tcpfin N] [udp N]}: tcp, tcpfin, udp seconds, 0 where not given. */
    public static Parsed<int[]> timeouts(List<String> args) {
        List<String> problems = new ArrayList<>();
        int[] t = new int[3];
        if (args.size() < 2) return new Parsed<>(Optional.of(t), List.of("lvs_timeouts requires at least one option"));
        for (int i = 0; i < args.size(); i++) {
            String k = args.get(i);
            int slot = switch (k) { case "tcp" -> 0; case "tcpfin" -> 1; case "udp" -> 2; default -> -1; };
            if (slot < 0) {
                problems.add("unknown option " + k + " specified for lvs_timeouts");
                continue;
            }
            if (i == args.size() - 1) {
                problems.add("no value specified for lvs_timeouts " + k + " - ignoring");
                continue;
            }
            t[slot] = number(args.get(++i), 0, MAX_TIMEOUT, "lvs_timeouts " + k, t[slot], " - ignoring", problems);
        }
        return new Parsed<>(Optional.of(t), List.copyOf(problems));
    }

    /** {@code lvs_flush_on_stop [VS]}: "FULL", "VS", or empty with a problem. */
    public static Parsed<String> flushOnStop(List<String> args) {
        if (args.isEmpty()) return new Parsed<>(Optional.of("FULL"), List.of());
        if (args.getFirst().equals("VS")) return new Parsed<>(Optional.of("VS"), List.of());
        return new Parsed<>(Optional.empty(), List.of("unknown lvs_flush_on_stop type " + args.getFirst()));
    }

    private static int number(String v, int min, int max, String what, int keep, String then, List<String> problems) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("invalid " + what + " (" + v + ")" + then);
        return keep;
    }

    private static InetAddress group(String v, InetAddress keep, List<String> problems) {
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(v); // a literal: no name lookups while reading a configuration
        } catch (IllegalArgumentException e) {
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
