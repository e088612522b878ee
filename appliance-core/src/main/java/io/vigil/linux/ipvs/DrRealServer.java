package io.vigil.linux.ipvs;

import io.vigil.linux.Ipv4InterfaceAddress;
import io.vigil.linux.LinkInfo;
import io.vigil.linux.LinuxException;
import io.vigil.linux.Rtnetlink;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares a real server for LVS-DR, as the seeds' lvs_realserver.sh does, idempotently and in the caller's
 * network namespace: each VIP as a /32 on lo (label lo:0, so it never answers ARP from lo's subnet), and
 * arp_ignore=1 / arp_announce=2 on "all" and "lo" so the host neither answers ARP for the VIP nor announces it
 * as a source. (The script's "route add -host VIP dev lo:0" is implied: the kernel adds the local route with
 * the address.) Sysctls live under /proc/sys/net/ipv4/conf, which is per network namespace.
 */
public final class DrRealServer {
    static final String LABEL = "lo:0";
    private static final String[] SYSCTL_IFS = {"all", "lo"};

    private final Path procConf;

    public DrRealServer() { this(Path.of("/proc/sys/net/ipv4/conf")); }

    DrRealServer(Path procConf) { this.procConf = procConf; }

    /** What `status` found. {@code ready}: every VIP is on lo and the four sysctls are set. */
    public record Status(List<Inet4Address> vipsPresent, List<Inet4Address> vipsMissing, int allArpIgnore, int allArpAnnounce,
                         int loArpIgnore, int loArpAnnounce, boolean loUp) {
        public boolean ready() {
            return vipsMissing.isEmpty() && allArpIgnore == 1 && allArpAnnounce == 2 && loArpIgnore == 1 && loArpAnnounce == 2 && loUp;
        }
    }

    /** Adds the VIPs and sets the sysctls; returns one line per thing done or found already done. */
    public List<String> up(List<Inet4Address> vips) throws IOException {
        List<String> done = new ArrayList<>();
        try (Rtnetlink rt = Rtnetlink.open()) {
            int lo = rt.ifindex("lo");
            if ((rt.link(lo).map(LinkInfo::flags).orElse(0) & LinkInfo.IFF_UP) == 0) {
                rt.setLinkUp(lo, true);
                done.add("lo set up");
            }
            for (Inet4Address vip : vips) {
                Ipv4InterfaceAddress a = vipOnLo(lo, vip);
                Rtnetlink.Change c = rt.addAddress(a);
                done.add((c.changed() ? "added " : "already present: ") + vip.getHostAddress() + "/32 on lo (" + LABEL + ")");
            }
        } catch (ClosedChannelException e) {
            throw new IOException("rtnetlink socket closed", e);
        }
        for (String i : SYSCTL_IFS) {
            done.add(setSysctl(i, "arp_ignore", 1));
            done.add(setSysctl(i, "arp_announce", 2));
        }
        return done;
    }

    /**
     * Removes the VIPs. The ARP sysctls go back to 0 (as the script's stop does) only when no other VIP stays on
     * lo, so taking one service down does not break another that still relies on them.
     */
    public List<String> down(List<Inet4Address> vips) throws IOException {
        List<String> done = new ArrayList<>();
        boolean othersLeft;
        try (Rtnetlink rt = Rtnetlink.open()) {
            int lo = rt.ifindex("lo");
            for (Inet4Address vip : vips) {
                Rtnetlink.Change c = rt.removeAddress(vipOnLo(lo, vip));
                done.add((c.changed() ? "removed " : "already absent: ") + vip.getHostAddress() + "/32 from lo");
            }
            List<Ipv4InterfaceAddress> rest = otherVips(rt.addresses(lo));
            othersLeft = !rest.isEmpty();
            if (othersLeft) {
                done.add("ARP sysctls left as they are: other VIPs remain on lo: "
                        + rest.stream().map(x -> x.address().getHostAddress()).toList());
            }
        } catch (ClosedChannelException e) {
            throw new IOException("rtnetlink socket closed", e);
        }
        if (!othersLeft) {
            for (String i : SYSCTL_IFS) {
                done.add(setSysctl(i, "arp_ignore", 0));
                done.add(setSysctl(i, "arp_announce", 0));
            }
        }
        return done;
    }

    public Status status(List<Inet4Address> vips) throws IOException {
        List<Inet4Address> present = new ArrayList<>(), missing = new ArrayList<>();
        boolean loUp;
        try (Rtnetlink rt = Rtnetlink.open()) {
            int lo = rt.ifindex("lo");
            loUp = (rt.link(lo).map(LinkInfo::flags).orElse(0) & LinkInfo.IFF_UP) != 0;
            List<Ipv4InterfaceAddress> on = rt.addresses(lo);
            for (Inet4Address v : vips) {
                boolean there = on.stream().anyMatch(a -> a.address().equals(v) && a.prefixLength() == 32);
                (there ? present : missing).add(v);
            }
        } catch (ClosedChannelException e) {
            throw new IOException("rtnetlink socket closed", e);
        }
        return new Status(present, missing, sysctl("all", "arp_ignore"), sysctl("all", "arp_announce"),
                sysctl("lo", "arp_ignore"), sysctl("lo", "arp_announce"), loUp);
    }

    /** /32 addresses on lo that are not loopback addresses: VIPs of this or another service. */
    static List<Ipv4InterfaceAddress> otherVips(List<Ipv4InterfaceAddress> onLo) {
        return onLo.stream().filter(a -> a.prefixLength() == 32 && !a.address().isLoopbackAddress()).toList();
    }

    private static Ipv4InterfaceAddress vipOnLo(int lo, Inet4Address vip) {
        return new Ipv4InterfaceAddress(lo, vip, 32, vip, LABEL, Ipv4InterfaceAddress.RT_SCOPE_UNIVERSE, 0);
    }

    int sysctl(String iface, String name) throws IOException {
        return Integer.parseInt(Files.readString(procConf.resolve(iface).resolve(name)).trim());
    }

    private String setSysctl(String iface, String name, int value) throws IOException {
        String key = "net.ipv4.conf." + iface + "." + name;
        int old = sysctl(iface, name);
        if (old == value) return "already " + key + " = " + value;
        try {
            Files.writeString(procConf.resolve(iface).resolve(name), value + "\n");
        } catch (IOException e) {
            throw new IOException("cannot set " + key + " (needs root; /proc/sys read-only in this container?): " + e.getMessage(), e);
        }
        return "set " + key + " = " + value + " (was " + old + ")";
    }

    public static List<Inet4Address> parseVips(List<String> vips) {
        List<Inet4Address> out = new ArrayList<>();
        for (String v : vips) out.add(Ipv4InterfaceAddress.inet4(v.endsWith("/32") ? v.substring(0, v.length() - 3) : v));
        return out;
    }
}
