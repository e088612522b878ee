package io.vigil.vrrp;

import java.util.List;

/**
 * keepalived's knobs on how an instance advertises and answers adverts, beyond the RFC (defaults = the RFC and
 * keepalived's defaults).
 *
 * @param higherPrioSendAdvert  {@code higher_prio_send_advert}: a MASTER hearing a higher priority sends one advert of
 *                              its own before it goes BACKUP (so a peer that cannot hear us learns of us)
 * @param lowerPrioNoAdvert     {@code lower_prio_no_advert}: a MASTER hearing a lower priority does not answer at once
 *                              (it keeps its advert_int rhythm)
 * @param downTimerAdverts      {@code down_timer_adverts}: Master_Down_Interval = this many advert intervals + Skew_Time
 *                              (RFC: 3), 1..100
 * @param unicastTtl            {@code unicast_ttl}: IP TTL of the adverts sent to unicast peers (multicast: always 255)
 * @param multicastGroup        {@code mcast_dst_ip} / global {@code vrrp_mcast_group4}: where multicast adverts go and
 *                              which group is joined; adverts to another group are dropped
 * @param peerTtls              per-peer {@code min_ttl}/{@code max_ttl} of {@code unicast_peer}, checked (as keepalived)
 *                              only with {@code check_unicast_src}; a peer not listed accepts 0..255
 * @param notifyMasterRxLowerPri {@code notify_master_rx_lower_pri}: run (as written) each time a MASTER hears a lower
 *                              priority, null for none
 * @param faultNoPeer           {@code unicast_fault_no_peer}: with no unicast peer the instance stays in FAULT instead
 *                              of falling back to multicast
 */
public record AdvertOptions(boolean higherPrioSendAdvert, boolean lowerPrioNoAdvert, int downTimerAdverts,
                            int unicastTtl, Ipv4Address multicastGroup, List<PeerTtl> peerTtls,
                            String notifyMasterRxLowerPri, boolean faultNoPeer) {
    public static final int RFC_DOWN_TIMER_ADVERTS = 3;
    public static final AdvertOptions DEFAULT = new AdvertOptions(false, false, RFC_DOWN_TIMER_ADVERTS,
            VrrpAdvertFlyweight.REQUIRED_TTL, Ipv4Address.VRRP_GROUP, List.of(), null, false);

    /** The TTL range a unicast peer's adverts must arrive with. */
    public record PeerTtl(Ipv4Address peer, int min, int max) {
        public PeerTtl {
            if (min < 0 || max > 255) throw new IllegalArgumentException("unicast_peer " + peer + ": TTL range " + min + ".." + max + " not in 0..255");
        }
    }

    public AdvertOptions {
        if (downTimerAdverts < 1 || downTimerAdverts > 100) throw new IllegalArgumentException("down_timer_adverts " + downTimerAdverts + " not in 1..100");
        if (unicastTtl < 0 || unicastTtl > 255) throw new IllegalArgumentException("unicast_ttl " + unicastTtl + " not in 0..255");
        if (!multicastGroup.isMulticast()) throw new IllegalArgumentException("multicast group " + multicastGroup + " is not multicast");
        peerTtls = List.copyOf(peerTtls);
    }

    /** False when {@code ttl} is outside the range configured for {@code peer}. */
    boolean ttlAllowed(int peerBits, int ttl) {
        for (PeerTtl p : peerTtls) if (p.peer().bits() == peerBits) return ttl >= p.min() && ttl <= p.max();
        return true;
    }

    public AdvertOptions withHigherPrioSendAdvert(boolean v) { return new AdvertOptions(v, lowerPrioNoAdvert, downTimerAdverts, unicastTtl, multicastGroup, peerTtls, notifyMasterRxLowerPri, faultNoPeer); }
    public AdvertOptions withLowerPrioNoAdvert(boolean v) { return new AdvertOptions(higherPrioSendAdvert, v, downTimerAdverts, unicastTtl, multicastGroup, peerTtls, notifyMasterRxLowerPri, faultNoPeer); }
    public AdvertOptions withDownTimerAdverts(int v) { return new AdvertOptions(higherPrioSendAdvert, lowerPrioNoAdvert, v, unicastTtl, multicastGroup, peerTtls, notifyMasterRxLowerPri, faultNoPeer); }
    public AdvertOptions withUnicastTtl(int v) { return new AdvertOptions(higherPrioSendAdvert, lowerPrioNoAdvert, downTimerAdverts, v, multicastGroup, peerTtls, notifyMasterRxLowerPri, faultNoPeer); }
    public AdvertOptions withMulticastGroup(Ipv4Address v) { return new AdvertOptions(higherPrioSendAdvert, lowerPrioNoAdvert, downTimerAdverts, unicastTtl, v, peerTtls, notifyMasterRxLowerPri, faultNoPeer); }
    public AdvertOptions withPeerTtls(List<PeerTtl> v) { return new AdvertOptions(higherPrioSendAdvert, lowerPrioNoAdvert, downTimerAdverts, unicastTtl, multicastGroup, v, notifyMasterRxLowerPri, faultNoPeer); }
    public AdvertOptions withNotifyMasterRxLowerPri(String v) { return new AdvertOptions(higherPrioSendAdvert, lowerPrioNoAdvert, downTimerAdverts, unicastTtl, multicastGroup, peerTtls, v, faultNoPeer); }
    public AdvertOptions withFaultNoPeer(boolean v) { return new AdvertOptions(higherPrioSendAdvert, lowerPrioNoAdvert, downTimerAdverts, unicastTtl, multicastGroup, peerTtls, notifyMasterRxLowerPri, v); }
}
