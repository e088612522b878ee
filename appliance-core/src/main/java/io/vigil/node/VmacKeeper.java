package io.vigil.node;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.linux.LinkInfo;
import io.vigil.linux.MacAddress;
import io.vigil.linux.Rtnetlink;
import io.vigil.vrrp.VmacSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Makes and removes the use_vmac links as keepalived 2.2.7 does, through rtnetlink: a macvlan in private mode with
 * the VRRP virtual MAC on the instance's interface, brought up with arp_ignore=1, accept_local=1, rp_filter=0 and
 * promote_secondaries=1 on it, no IPv6 on it (addrgenmode none, disable_ipv6), and arp_ignore=1 + arp_filter=1 on
 * the base interface so that neither answers ARP for the other's addresses (the base's old values come back when
 * its last VMAC goes). What to make is decided by {@link VmacSpec#plan}; this class only applies it. Each link
 * change is journaled as route-changed ("link NAME type macvlan ...") with the instance as owner and its cause.
 * Called on the node's control thread (start, reload, stop), never on the VRRP thread.
 */
final class VmacKeeper implements AutoCloseable {
    private final Journal journal;
    private final Rtnetlink rtnl;
    /** Links made (or found as we would make them) and not yet removed, by name, with the instance owning each. */
    private final Map<String, VmacSpec> held = new LinkedHashMap<>();
    private final Map<String, String> owners = new HashMap<>();
    /** Base interface → its arp_ignore/arp_filter before its first VMAC, and how many of ours sit on it. */
    private final Map<String, BaseArp> bases = new HashMap<>();

    /** all.rp_filter as found when the first VMAC came (0: nothing changed), default's, and bases adjusted (index → old). */
    private int rpAll = -1, rpDefault;
    private final Map<String, int[]> rpBases = new HashMap<>();

    private record BaseArp(int ifindex, int arpIgnore, int arpFilter, boolean changed, int users) {
        BaseArp plusUsers(int d) { return new BaseArp(ifindex, arpIgnore, arpFilter, changed, users + d); }
    }

    VmacKeeper(Journal journal) throws Exception {
        this.journal = journal;
        this.rtnl = Rtnetlink.open();
    }

    /** The VMACs held now (what a plan starts from). */
    Collection<VmacSpec> held() { return List.copyOf(held.values()); }

    /**
     * Makes the VMACs of {@code want} that are missing and removes held ones no longer wanted ({@code owners}:
     * VMAC name → instance, for the journal). Returns the names removed, so the node can close their sockets.
     * Failures are journaled and logged; the instance then meets a missing interface, as with any other.
     */
    List<String> apply(List<VmacSpec> want, Map<String, String> ownerOf, Cause cause) {
        VmacSpec.Plan plan = VmacSpec.plan(held.values(), want);
        List<String> removed = new ArrayList<>();
        for (VmacSpec v : plan.remove()) { remove(v, cause); removed.add(v.name()); }
        for (VmacSpec v : plan.create()) create(v, ownerOf.getOrDefault(v.name(), ""), cause);
        if (!plan.isEmpty()) igmpRule();
        if (held.isEmpty()) rpRestore();
        return removed;
    }

    /** Removes every held VMAC (stop), restoring the base interfaces' ARP settings. */
    void removeAll(Cause cause) {
        if (held.isEmpty()) return;
        for (VmacSpec v : List.copyOf(held.values())) remove(v, cause);
        igmpRule();
        rpRestore();
    }

    static final String NFT_TABLE = "vigil_vmac";

    /**
     * keepalived's nftables rule for VMACs: IGMP leaving a macvlan is sent out of its base instead, so that joining
     * 224.0.0.18 on the VMAC never shows the virtual MAC to switches from a BACKUP (they would move the VIP's MAC to
     * it). Rewritten whole for the VMACs held (names are resolved to indexes when loaded), removed with the last one.
     * Own table (keepalived's is "keepalived"), through the nft command; without it a warning, and reports leave the VMAC.
     */
    private void igmpRule() {
        StringBuilder nft = new StringBuilder("table ip " + NFT_TABLE + " {}\ndelete table ip " + NFT_TABLE + "\n");
        if (!held.isEmpty()) {
            nft.append("table ip ").append(NFT_TABLE).append(" {\n map vmac_map {\n  type iface_index : iface_index\n  elements = { ");
            nft.append(String.join(", ", held.values().stream().map(v -> "\"" + v.name() + "\" : \"" + v.baseInterface() + "\"").toList()));
            nft.append(" }\n }\n chain out {\n  type filter hook output priority filter - 1; policy accept;\n")
                    .append("  ip protocol igmp meta oifkind \"macvlan\" dup to ip daddr device oif map @vmac_map drop\n }\n}\n");
        }
        // the one nft runner (NftFirewall's): same binary lookup, timeout and error text
        Optional<String> error = NftFirewall.nft(nft.toString());
        if (error.isEmpty()) NodeLog.info(held.isEmpty() ? "VMAC IGMP rule removed (nft table " + NFT_TABLE + ")"
                : "VMAC IGMP reports go out of the base interfaces (nft table " + NFT_TABLE + ")");
        else NodeLog.warn("VMAC IGMP rule not " + (held.isEmpty() ? "removed" : "installed") + " (" + error.get()
                + "): IGMP reports for 224.0.0.18 leave the VMACs with the virtual MAC");
    }

    private void create(VmacSpec v, String owner, Cause cause) {
        String text = v.describe();
        try {
            int base = rtnl.ifindex(v.baseInterface());
            rpFilter(v.baseInterface(), base);
            MacAddress mac = MacAddress.parse(v.mac());
            Optional<LinkInfo> there = rtnl.link(v.name());
            Rtnetlink.Change c;
            if (there.isPresent()) {
                // left by an earlier run (keepalived reuses it too); never take over a link that is not such a VMAC
                if (!mac.equals(there.get().mac()))
                    throw new IllegalStateException("interface " + v.name() + " exists with address " + there.get().mac());
                c = Rtnetlink.Change.ALREADY_PRESENT;
            } else {
                c = rtnl.addMacvlan(v.name(), base, mac, Rtnetlink.MACVLAN_MODE_PRIVATE);
            }
            int idx = rtnl.ifindex(v.name());
            held.put(v.name(), v);
            owners.put(v.name(), owner);
            rtnl.setInet4Conf(idx, Map.of(Rtnetlink.DEVCONF_ARP_IGNORE, 1, Rtnetlink.DEVCONF_ACCEPT_LOCAL, 1,
                    Rtnetlink.DEVCONF_RP_FILTER, 0, Rtnetlink.DEVCONF_PROMOTE_SECONDARIES, 1));
            rtnl.setAddrGenModeNone(idx);
            disableIpv6(v.name());
            baseArp(v.baseInterface(), base);
            rtnl.setLinkUp(idx, true);
            journal.append(cause, new Event.RouteChanged(owner, text, true, true, c.changed() ? "" : "already present"));
            NodeLog.info("(" + owner + ") " + (c.changed() ? "created VMAC " : "reusing VMAC ") + v.name() + " (" + text + ")");
        } catch (Exception e) {
            journal.append(cause, new Event.RouteChanged(owner, text, true, false, String.valueOf(e.getMessage())));
            NodeLog.error("(" + owner + ") cannot create VMAC " + v.name() + ": " + e.getMessage());
        }
    }

    private void remove(VmacSpec v, Cause cause) {
        String owner = owners.getOrDefault(v.name(), "");
        held.remove(v.name());
        owners.remove(v.name());
        String text = v.describe();
        try {
            OptionalInt idx = rtnl.link(v.name()).map(l -> OptionalInt.of(l.index())).orElse(OptionalInt.empty());
            Rtnetlink.Change c = idx.isPresent() ? rtnl.removeLink(idx.getAsInt()) : Rtnetlink.Change.ALREADY_ABSENT;
            journal.append(cause, new Event.RouteChanged(owner, text, false, true, c.changed() ? "" : "already absent"));
            NodeLog.info("(" + owner + ") removed VMAC " + v.name());
        } catch (Exception e) {
            journal.append(cause, new Event.RouteChanged(owner, text, false, false, String.valueOf(e.getMessage())));
            NodeLog.error("(" + owner + ") cannot remove VMAC " + v.name() + ": " + e.getMessage());
        }
        releaseBase(v.baseInterface());
    }

    /** The first VMAC on a base sets arp_ignore=1 and arp_filter=1 there unless both are already 1 (keepalived). */
    private void baseArp(String name, int ifindex) throws Exception {
        BaseArp b = bases.get(name);
        if (b != null) { bases.put(name, b.plusUsers(1)); return; }
        int ignore = rtnl.inet4Conf(ifindex, Rtnetlink.DEVCONF_ARP_IGNORE).orElse(0);
        int filter = rtnl.inet4Conf(ifindex, Rtnetlink.DEVCONF_ARPFILTER).orElse(0);
        boolean change = ignore != 1 || filter != 1;
        if (change) {
            rtnl.setInet4Conf(ifindex, Map.of(Rtnetlink.DEVCONF_ARP_IGNORE, 1, Rtnetlink.DEVCONF_ARPFILTER, 1));
            NodeLog.info(name + ": arp_ignore " + ignore + " -> 1, arp_filter " + filter + " -> 1 (base of a VMAC)");
        }
        bases.put(name, new BaseArp(ifindex, ignore, filter, change, 1));
    }

    /** The last VMAC on a base gone: its arp_ignore/arp_filter as they were. */
    private void releaseBase(String name) {
        BaseArp b = bases.get(name);
        if (b == null) return;
        if (b.users() > 1) { bases.put(name, b.plusUsers(-1)); return; }
        bases.remove(name);
        if (!b.changed()) return;
        try {
            rtnl.setInet4Conf(b.ifindex(), Map.of(Rtnetlink.DEVCONF_ARP_IGNORE, b.arpIgnore(), Rtnetlink.DEVCONF_ARPFILTER, b.arpFilter()));
            NodeLog.info(name + ": arp_ignore " + b.arpIgnore() + ", arp_filter " + b.arpFilter() + " restored");
        } catch (Exception e) {
            NodeLog.warn(name + ": cannot restore arp_ignore/arp_filter: " + e.getMessage());
        }
    }

    /**
     * keepalived.conf(5), use_vmac: with all.rp_filter set, a VMAC (which has no address) would drop every advert, so
     * the interfaces used (the VMACs' bases) get the greater of their own and all's, default.rp_filter too, and
     * all.rp_filter becomes 0; all is put back when the last VMAC goes (as keepalived 2.2.7 does, seen in a namespace).
     */
    private void rpFilter(String baseName, int base) throws Exception {
        if (rpAll < 0) {
            rpAll = readConf("all", "rp_filter");
            rpDefault = readConf("default", "rp_filter");
            if (rpAll > 0) {
                if (rpDefault < rpAll) writeConf("default", "rp_filter", rpAll);
                writeConf("all", "rp_filter", 0);
                NodeLog.info("rp_filter: all " + rpAll + " -> 0, default " + rpDefault + " -> " + Math.max(rpDefault, rpAll) + " (use_vmac)");
            }
        }
        if (rpAll <= 0 || rpBases.containsKey(baseName)) return;
        int own = rtnl.inet4Conf(base, Rtnetlink.DEVCONF_RP_FILTER).orElse(0);
        rpBases.put(baseName, new int[] {base, own});
        if (own < rpAll) {
            rtnl.setInet4Conf(base, Map.of(Rtnetlink.DEVCONF_RP_FILTER, rpAll));
            NodeLog.info(baseName + ": rp_filter " + own + " -> " + rpAll + " (all.rp_filter moved to it)");
        }
    }

    private void rpRestore() {
        if (rpAll <= 0) { rpAll = -1; return; }
        try {
            writeConf("all", "rp_filter", rpAll);
            writeConf("default", "rp_filter", rpDefault);
            for (Map.Entry<String, int[]> e : rpBases.entrySet())
                if (rtnl.link(e.getKey()).isPresent()) rtnl.setInet4Conf(e.getValue()[0], Map.of(Rtnetlink.DEVCONF_RP_FILTER, e.getValue()[1]));
            NodeLog.info("rp_filter: all " + rpAll + ", default " + rpDefault + " and the VMAC bases restored");
        } catch (Exception e) {
            NodeLog.warn("cannot restore rp_filter: " + e.getMessage());
        }
        rpAll = -1;
        rpBases.clear();
    }

    /** net.ipv4.conf.{all,default}.KEY: no ifindex, so no rtnetlink setting; the thread's namespace's /proc/sys. */
    private static int readConf(String which, String key) throws IOException {
        return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/conf", which, key)).trim());
    }

    private static void writeConf(String which, String key, int value) throws IOException {
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", which, key), Integer.toString(value));
    }

    /** IPv6 has no netlink setting for this; keepalived writes the sysctl file too. Absent without IPv6: nothing to do. */
    private static void disableIpv6(String ifname) {
        Path p = Path.of("/proc/sys/net/ipv6/conf", ifname, "disable_ipv6");
        try {
            if (Files.exists(p)) Files.writeString(p, "1");
        } catch (IOException e) {
            NodeLog.warn(ifname + ": cannot disable IPv6: " + e.getMessage());
        }
    }

    @Override public void close() { rtnl.close(); }
}
