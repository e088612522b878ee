package io.vigil.vrrp;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A private copy of the instances run through a takeover and a stop: every instance starts, hears one advert of a
 * higher-priority peer (encoded and decoded as on the wire), its master_down timer expires (BACKUP → MASTER with
 * its first adverts, VIPs, GARPs and notifies, the cause citing that advert), it sends as MASTER, then stops
 * (priority 0). The node runs this once at start-up, off the VRRP thread, with effects going nowhere: a backup
 * never ran the MASTER path, and its first run (classes loaded, call sites linked, code interpreted) cost 5–11 ms
 * between master_down expiry and the first advert on a JVM. Pure: times are the caller's.
 */
public final class VrrpRehearsal {
    private VrrpRehearsal() { }

    /** The batches a router with {@code specs} produces from start through a takeover to a stop; trackers read as up. */
    public static List<VrrpRouter.Batch> takeover(List<VrrpInstanceSpec> specs, List<SyncGroupSpec> groups, long now) {
        VrrpRouter r = new VrrpRouter();
        List<VrrpRouter.Batch> out = new ArrayList<>();
        for (VrrpInstanceSpec s : specs) {
            r.knowLink(s.interfaceName(), true);
            r.knowLink(s.baseInterface(), true);
            for (TrackerSpec t : s.trackers()) {
                if (t.kind() == TrackerSpec.Kind.INTERFACE) r.knowLink(t.name(), true);
                else r.know(t.kind(), t.name(), !t.reverse(), 0);
            }
        }
        r.apply(r.plan(specs, groups), now, VrrpRouter.Origin.RUN, 0, out::add);
        for (VrrpInstanceSpec s : specs) {
            ReceivedAdvert.Decoded heard = peerAdvert(s, now);
            if (heard != null) r.step(new VrrpRouter.Input.Datagram(now, s.interfaceName(), heard, -1), out::add);
        }
        long t = now;
        for (int i = 0; i < 6; i++) { // master_down expiry, then adverts (and GARP timers) as MASTER
            OptionalLong d = r.nextDeadline();
            if (d.isEmpty()) break;
            t = Math.max(t, d.getAsLong());
            r.step(new VrrpRouter.Input.Tick(t), out::add);
        }
        r.step(new VrrpRouter.Input.Shutdown(t, io.vigil.journal.Cause.signal("SIGTERM")), out::add);
        return out;
    }

    /**
     * The first advert a peer of {@code s} at priority 255 (its first unicast peer, else the next address) sends,
     * decoded as the receive path decodes it; null if that peer sent none.
     */
    static ReceivedAdvert.Decoded peerAdvert(VrrpInstanceSpec s, long now) {
        Ipv4Address self = s.sourceAddress();
        if (self == null) return null;
        Ipv4Address peer = s.unicast() ? s.unicastPeers().getFirst() : new Ipv4Address(self.bits() ^ 1);
        VrrpRouter r = new VrrpRouter();
        r.knowLink(s.interfaceName(), true);
        r.knowLink(s.baseInterface(), true);
        VrrpInstanceSpec p = s.withPriority(255).withSourceAddress(peer).withTrackers(List.of());
        List<VrrpRouter.Batch> batches = new ArrayList<>();
        r.apply(r.plan(List.of(p), List.of()), now, VrrpRouter.Origin.RUN, 0, batches::add);
        for (int i = 0; i < 3; i++) {
            for (VrrpRouter.Batch b : batches)
                for (VrrpEffect e : b.effects())
                    if (e instanceof VrrpEffect.SendAdvert a && a.priority() == 255)
                        return ReceivedAdvert.decodeMessage(a.message(), peer, a.destination(), a.ttl());
            batches.clear();
            OptionalLong d = r.nextDeadline();
            if (d.isEmpty()) break;
            r.step(new VrrpRouter.Input.Tick(Math.max(now, d.getAsLong())), batches::add);
        }
        return null;
    }
}
