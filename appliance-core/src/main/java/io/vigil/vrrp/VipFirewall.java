package io.vigil.vrrp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The nftables rules keepalived 2.2.7 installs for no_accept instances (vrrp_nftables.c), as {@code nft -f}
 * scripts: table {@code ip TABLE} with set {@code vips} (ipv4_addr) and chains {@code in} (hook input) and
 * {@code out} (hook output) at priority {@code priority}, dropping traffic to and from the set. The table is made
 * when the first address goes in (after deleting a table of that name left by an earlier run, as keepalived does),
 * an address is in the set while an instance holds it as a VIP, and the table is deleted at stop. Pure: the node
 * runs the scripts and journals them. Not thread-safe (the node calls it from one thread).
 */
public final class VipFirewall {
    private final String table;
    private final int priority;
    private final boolean counters;
    private boolean created;
    /** address → instances holding it (two instances may share a VIP; it leaves the set with the last). */
    private final Map<Ipv4Address, Set<String>> holders = new TreeMap<>();

    public VipFirewall(String table, int priority, boolean counters) {
        this.table = table;
        this.priority = priority;
        this.counters = counters;
    }

    public String table() { return table; }

    /** Addresses in the set now. */
    public List<Ipv4Address> elements() { return List.copyOf(holders.keySet()); }

    /** The script that puts {@code instance}'s addresses in the set (making the table first); empty when nothing changes. */
    public Optional<String> add(String instance, Collection<Ipv4Address> addresses) {
        List<Ipv4Address> fresh = new ArrayList<>();
        for (Ipv4Address a : new LinkedHashSet<>(addresses)) {
            Set<String> h = holders.computeIfAbsent(a, k -> new LinkedHashSet<>());
            if (h.isEmpty()) fresh.add(a);
            h.add(instance);
        }
        if (fresh.isEmpty()) return Optional.empty();
        StringBuilder s = new StringBuilder();
        if (!created) {
            s.append(createScript());
            created = true;
        }
        s.append("add element ip ").append(table).append(" vips { ").append(join(fresh)).append(" }\n");
        return Optional.of(s.toString());
    }

    /** The script that takes {@code instance}'s addresses out of the set (those no other instance holds). */
    public Optional<String> remove(String instance, Collection<Ipv4Address> addresses) {
        List<Ipv4Address> gone = new ArrayList<>();
        for (Ipv4Address a : new LinkedHashSet<>(addresses)) {
            Set<String> h = holders.get(a);
            if (h == null || !h.remove(instance)) continue;
            if (h.isEmpty()) {
                holders.remove(a);
                gone.add(a);
            }
        }
        if (gone.isEmpty() || !created) return Optional.empty();
        return Optional.of("delete element ip " + table + " vips { " + join(gone) + " }\n");
    }

    /** At stop: the table goes (keepalived's nft_cleanup); empty if it was never made. */
    public Optional<String> delete() {
        holders.clear();
        if (!created) return Optional.empty();
        created = false;
        return Optional.of("delete table ip " + table + "\n");
    }

    /**
     * {@code add table} then {@code delete table} removes a table left by an earlier run without failing when there
     * is none (nft 1.0.6 has no {@code destroy}); the whole script is one nft transaction.
     */
    String createScript() {
        String drop = counters ? " counter drop" : " drop";
        return "add table ip " + table + "\n"
                + "delete table ip " + table + "\n"
                + "table ip " + table + " {\n"
                + "\tset vips {\n\t\ttype ipv4_addr\n\t}\n"
                + "\tchain out {\n\t\ttype filter hook output priority " + priority + "; policy accept;\n"
                + "\t\tip saddr @vips" + drop + "\n\t}\n"
                + "\tchain in {\n\t\ttype filter hook input priority " + priority + "; policy accept;\n"
                + "\t\tip daddr @vips" + drop + "\n\t}\n"
                + "}\n";
    }

    private static String join(List<Ipv4Address> as) {
        StringBuilder b = new StringBuilder();
        for (Ipv4Address a : as) b.append(b.isEmpty() ? "" : ", ").append(a);
        return b.toString();
    }
}
