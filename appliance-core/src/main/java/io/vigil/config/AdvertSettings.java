package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One instance's keepalived advert and lower-priority knobs, resolved as keepalived 2.2.7 does: the instance's own
 * keyword, else the global_defs {@code vrrp_*} one, else the default (garp_lower_prio_* default to the global
 * vrrp_garp_master_delay/_repeat, after vrrp_min_garp). Bad values were reported with file:line when the
 * configuration was loaded; here they just leave the default.
 *
 * @param unicastTtl      empty = 255
 * @param multicastGroup  mcast_dst_ip, else vrrp_mcast_group4, else 224.0.0.18
 * @param peerTtls        per unicast_peer: address, min_ttl, max_ttl (only peers with either option)
 */
public record AdvertSettings(boolean higherPrioSendAdvert, boolean lowerPrioNoAdvert, int downTimerAdverts,
                             Optional<Integer> unicastTtl, String multicastGroup, List<PeerTtl> peerTtls,
                             Optional<String> notifyMasterRxLowerPri, boolean faultNoPeer,
                             Duration garpLowerPrioDelay, int garpLowerPrioRepeat) {
    public record PeerTtl(String address, int min, int max) {}

    public AdvertSettings { peerTtls = List.copyOf(peerTtls); }

    public static AdvertSettings of(KeepalivedConfig cfg, VrrpInstance vi) {
        Values v = new Values(new Diagnostics(0), new ArgLocations());
        List<ConfigNode> g = cfg.globalDefs().node().children(), own = vi.node().children();
        boolean higher = bool(v, own, "higher_prio_send_advert").or(() -> bool(v, g, "vrrp_higher_prio_send_advert")).orElse(false);
        boolean lower = bool(v, own, "lower_prio_no_advert").or(() -> bool(v, g, "vrrp_lower_prio_no_advert")).orElse(false);
        int down = last(own, "down_timer_adverts").flatMap(c -> v.int32(c, 1, 100, ""))
                .or(() -> last(g, "vrrp_down_timer_adverts").flatMap(c -> v.int32(c, 1, 100, ""))).orElse(3);
        boolean unicast = !vi.unicastPeers().isEmpty();
        Optional<Integer> ttl = unicast ? last(own, "unicast_ttl").flatMap(c -> v.int32(c, 0, 255, "")) : Optional.empty();
        String group = unicast ? "224.0.0.18" : last(own, "mcast_dst_ip").flatMap(c -> multicast(v, c))
                .or(() -> last(g, "vrrp_mcast_group4").flatMap(c -> multicast(v, c))).orElse("224.0.0.18");
        Duration globalDelay = cfg.globalDefs().vrrpGarpMasterDelay();
        int globalRepeat = cfg.globalDefs().vrrpGarpMasterRepeat();
        Duration lpDelay = last(own, "garp_lower_prio_delay").flatMap(c -> seconds(v, c))
                .or(() -> last(g, "vrrp_garp_lower_prio_delay").flatMap(c -> seconds(v, c))).orElse(globalDelay);
        int lpRepeat = last(own, "garp_lower_prio_repeat").flatMap(c -> v.int32(c, 0, Integer.MAX_VALUE, ""))
                .or(() -> last(g, "vrrp_garp_lower_prio_repeat").flatMap(c -> v.int32(c, 0, Integer.MAX_VALUE, "")))
                .orElse(globalRepeat);
        Optional<String> rxLower = last(own, "notify_master_rx_lower_pri").filter(c -> !c.args().isEmpty())
                .map(c -> c.args().getFirst());
        boolean faultNoPeer = last(own, "unicast_fault_no_peer").isPresent();
        return new AdvertSettings(higher, lower, down, ttl, group, peerTtls(v, vi), rxLower, faultNoPeer, lpDelay, lpRepeat);
    }

    /** {@code unicast_peer { ADDR [min_ttl N] [max_ttl N] }}: keepalived's defaults 0 and 255. */
    private static List<PeerTtl> peerTtls(Values v, VrrpInstance vi) {
        List<PeerTtl> out = new ArrayList<>();
        for (ConfigNode block : vi.node().childrenNamed("unicast_peer"))
            for (ConfigNode p : block.children()) {
                var a = p.args();
                if (a.isEmpty() || !Values.isIp(p.keyword())) continue;
                int min = 0, max = 255;
                for (int i = 0; i + 1 < a.size(); i += 2) {
                    Optional<Long> n = v.integer(p, a.get(i + 1), 0, 255, "");
                    if (n.isEmpty()) continue;
                    if (a.get(i).equals("min_ttl")) min = n.get().intValue();
                    else if (a.get(i).equals("max_ttl")) max = n.get().intValue();
                }
                out.add(new PeerTtl(p.keyword(), min, max));
            }
        return out;
    }

    static Optional<ConfigNode> last(List<ConfigNode> nodes, String keyword) {
        ConfigNode found = null;
        for (ConfigNode n : nodes) if (n.keyword().equals(keyword)) found = n;
        return Optional.ofNullable(found);
    }

    private static Optional<Boolean> bool(Values v, List<ConfigNode> nodes, String keyword) {
        return last(nodes, keyword).flatMap(v::bool);
    }

    /** keepalived reads these delays as whole seconds. */
    static Optional<Duration> seconds(Values v, ConfigNode c) {
        return v.integer(c, 0, 4_294, "ignored (keepalived reads whole seconds)").map(Duration::ofSeconds);
    }

    /** An IPv4 multicast address (224.0.0.0/4), as keepalived requires of mcast_dst_ip and vrrp_mcast_group4. */
    static Optional<String> multicast(Values v, ConfigNode c) {
        return v.string(c).filter(a -> Values.isIpv4(a) && isMulticast(a));
    }

    static boolean isMulticast(String ipv4) {
        int first = Integer.parseInt(ipv4.substring(0, ipv4.indexOf('.')));
        return first >= 224 && first <= 239;
    }
}
