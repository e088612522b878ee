package io.vigil.node;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.linux.Errno;
import io.vigil.linux.GarpSender;
import io.vigil.linux.Ipv4InterfaceAddress;
import io.vigil.linux.Libc;
import io.vigil.linux.LinkInfo;
import io.vigil.linux.LinuxException;
import io.vigil.linux.MacAddress;
import io.vigil.linux.Rtnetlink;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.VirtualAddress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * Applies the address effects of the VRRP engines (VIPs via rtnetlink, gratuitous ARPs via AF_PACKET) on its own
 * thread, so the VRRP thread never waits for the kernel. It also remembers which VIPs it holds: when one is
 * removed behind our back (ip addr del) while its instance is MASTER, it puts it back, as keepalived does.
 * Every change is journaled with the cause the VRRP thread handed over (the transition's sequence number).
 */
public final class AddressKeeper implements AutoCloseable {
    private final Journal journal;
    private final Rtnetlink rtnl;
    private final GarpSender garp;
    private final Duration garpInterval;
    /** The io thread's queue: a stand-by ends as soon as real work is in it. */
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final ExecutorService io = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, queue,
            Thread.ofPlatform().name("vrrp-io").daemon().factory());
    /** The end of the stand-by queued or running (System.nanoTime() scale); 0 when none. */
    private final AtomicLong standingBy = new AtomicLong();
    /** Stand-bys started (tests). */
    private final AtomicLong standBys = new AtomicLong();

    /** How many stand-bys were started. */
    long standBys() { return standBys.get(); }
    /** VIPs we added and still hold: key "ifindex address/len" → instance. Touched only on the io thread. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    private record Held(String instance, Ipv4InterfaceAddress address, String device) { }

    /**
     * Links as the kernel last described them, by name, kept by the link monitor ({@link #linkSeen}): the gratuitous
     * ARPs of a takeover take the MAC from here at once, as keepalived keeps its interfaces from netlink, instead of
     * asking the kernel first (0.4-0.7 ms measured on the takeover's path). A miss asks the kernel.
     */
    private final Map<String, LinkInfo> links = new ConcurrentHashMap<>();

    public AddressKeeper(Journal journal, Rtnetlink rtnl, GarpSender garp, Duration garpInterval) {
        this.journal = journal;
        this.rtnl = rtnl;
        this.garp = garp;
        this.garpInterval = garpInterval;
        // adding the VIP is on the takeover's critical path: just below the vrrp thread, above everything else
        io.execute(() -> RealtimeScheduling.tryRaise(Math.max(1, RealtimeScheduling.PRIORITY - 1)));
    }

    /**
     * Keeps the io thread running until {@code untilNanos} or until work arrives, whichever comes first: called by the
     * vrrp thread just before a BACKUP's master-down deadline, so that a takeover's VIP add starts at once instead of
     * after waking a parked thread (1.2-1.5 ms measured on this VM at 1 s adverts; keepalived adds on the thread that
     * sent the advert). Spins (Thread.onSpinWait), so it is called only where a takeover may follow within a few ms:
     * never in steady state, where adverts keep pushing the deadline back. One at a time.
     */
    public void standBy(long untilNanos) {
        if (!standingBy.compareAndSet(0, untilNanos)) return;
        standBys.incrementAndGet();
        try {
            io.execute(() -> {
                try {
                    while (queue.isEmpty() && !io.isShutdown() && System.nanoTime() - untilNanos < 0) Thread.onSpinWait();
                } finally {
                    standingBy.set(0);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            standingBy.set(0);
        }
    }

    /** The kernel announced {@code l} (new, changed, renamed): its MAC and index are what the next GARP uses. */
    public void linkSeen(LinkInfo l) {
        links.values().removeIf(o -> o.index() == l.index() && !o.name().equals(l.name()));
        links.put(l.name(), l);
    }

    public void linkGone(LinkInfo l) {
        links.remove(l.name());
        links.values().removeIf(o -> o.index() == l.index());
    }

    /** Link messages were lost (netlink overrun): ask the kernel again. */
    public void linksUnknown() { links.clear(); }

    /** {@code device} from the monitor's view, else from the kernel (kept unless the monitor has told a newer one). */
    private LinkInfo link(String device) throws LinuxException, java.nio.channels.ClosedChannelException {
        LinkInfo l = links.get(device);
        if (l != null) return l;
        l = rtnl.link(device).orElse(null);
        if (l == null) return null;
        LinkInfo newer = links.putIfAbsent(device, l);
        return newer != null ? newer : l;
    }

    /** Runs {@code task} on the io thread, after the address work queued before it (routes follow their VIPs). */
    public void after(Runnable task) { io.execute(task); }

    public void add(String instance, String defaultDevice, List<VirtualAddress> vips, Cause cause) {
        io.execute(() -> {
            for (VirtualAddress v : vips) change(instance, defaultDevice, v, true, cause);
        });
    }

    public void remove(String instance, String defaultDevice, List<VirtualAddress> vips, Cause cause) {
        io.execute(() -> {
            for (VirtualAddress v : vips) change(instance, defaultDevice, v, false, cause);
        });
    }

    private void change(String instance, String defaultDevice, VirtualAddress v, boolean add, Cause cause) {
        String dev = v.device() != null ? v.device() : defaultDevice;
        String text = text(v);
        try {
            Ipv4InterfaceAddress a = toKernel(v, Libc.ifNameToIndex(dev));
            String key = key(a);
            if (add) held.put(key, new Held(instance, a, dev)); else held.remove(key);
            Rtnetlink.Change c = add ? rtnl.addAddress(a) : rtnl.removeAddress(a);
            journal.append(cause, new Event.VipChanged(instance, text, dev, add, true,
                    c.changed() ? "" : c.name().toLowerCase().replace('_', ' ')));
            if (c.changed()) NodeLog.info(changedText(instance, add, text, dev, v));
        } catch (Exception e) {
            journal.append(cause, new Event.VipChanged(instance, text, dev, add, false, String.valueOf(e.getMessage())));
            NodeLog.error("(" + instance + ") cannot " + (add ? "add " : "remove ") + text + " on " + dev + ": " + e.getMessage());
        }
    }

    /**
     * Runs the VIP add path on the io thread with requests the kernel refuses (an interface index that does not
     * exist: ENODEV before anything is looked at), so nothing changes and nobody is notified; the first takeover's
     * add then runs loaded, linked code rather than paying for it between the advert and the VIP. Completes with
     * whether every request was refused as expected.
     */
    public CompletableFuture<Boolean> rehearseAdd(List<VirtualAddress> vips, String defaultDevice, int times) {
        return rehearse(vips, defaultDevice, times, (v, dev) -> {
            Libc.ifNameToIndex(dev);
            Ipv4InterfaceAddress a = toKernel(v, NO_SUCH_IFINDEX);
            // what change() does before its request, linked here (string concatenations, Held)
            if (key(a).isEmpty() || text(v).isEmpty() || new Held("", a, dev).address() == null) return false;
            try {
                rtnl.addAddress(a);
                return false; // accepted: cannot happen with no such interface
            } catch (LinuxException e) {
                return e.errno() == Errno.ENODEV;
            }
        });
    }

    /** One rehearsed step for one address on its device: true if the kernel refused it as expected. */
    private interface Rehearsal {
        boolean refused(VirtualAddress v, String dev) throws Exception;
    }

    /** {@code step} {@code times} over {@code vips} on the io thread; completes with whether every step was refused. */
    private CompletableFuture<Boolean> rehearse(List<VirtualAddress> vips, String defaultDevice, int times, Rehearsal step) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        io.execute(() -> {
            boolean refused = true;
            for (int i = 0; i < times; i++) {
                for (VirtualAddress v : vips) {
                    try {
                        refused &= step.refused(v, v.device() != null ? v.device() : defaultDevice);
                    } catch (Exception | Error e) {
                        refused = false;
                    }
                }
            }
            done.complete(refused);
        });
        return done;
    }

    /** The log line of a changed VIP (its concatenation linked by the rehearsal: ~1 ms when first run on a takeover). */
    private static String changedText(String instance, boolean add, String text, String dev, VirtualAddress v) {
        return "(" + instance + ") " + (add ? "added " : "removed ") + text + " on " + dev + labelText(v);
    }

    /**
     * Runs the gratuitous ARP path after a takeover's add on the io thread, as {@link #rehearseAdd} does for the add:
     * the interface (from the monitor's view or the kernel), the add's log line and a frame for each address, sent to
     * an interface index no interface has (the kernel refuses it: ENXIO), so nothing reaches the wire. Measured at 1 s
     * adverts, the first real GARP left 3.5-5.8 ms after the takeover's advert without it (keepalived: 0.2 ms).
     * Completes with whether every send was refused as expected.
     */
    public CompletableFuture<Boolean> rehearseGarp(List<VirtualAddress> vips, String defaultDevice, int times) {
        return rehearse(vips, defaultDevice, times, (v, dev) -> {
            if (changedText("rehearsal", true, text(v), dev, v).isEmpty()) return false;
            LinkInfo link = link(dev);
            MacAddress mac = link == null ? null : link.mac();
            if (mac == null) return true; // no such interface yet, or no ARP on it: nothing to rehearse
            try {
                garp.send(NO_SUCH_IFINDEX, mac, inet(v.address()));
                return false; // sent: cannot happen with no such interface
            } catch (LinuxException e) {
                return e.errno() == Errno.ENXIO || e.errno() == Errno.ENODEV;
            }
        });
    }

    /** An interface index no interface has (indexes are positive ints allocated upwards). */
    private static final int NO_SUCH_IFINDEX = Integer.MAX_VALUE;

    /** {@code repeat} gratuitous ARPs for each address, {@code garpInterval} apart (keepalived's vrrp_garp_interval). */
    public void garp(String instance, String device, List<Ipv4Address> addresses, int repeat, Cause cause) {
        io.execute(() -> {
            try {
                LinkInfo link = link(device);
                if (link == null) throw new IllegalStateException("no interface " + device);
                MacAddress mac = link.mac();
                if (mac == null) return; // no ARP on this link type
                for (int i = 0; i < repeat; i++) {
                    for (Ipv4Address a : addresses) garp.send(link.index(), mac, inet(a));
                    if (i + 1 < repeat && !garpInterval.isZero()) Thread.sleep(garpInterval);
                }
                for (Ipv4Address a : addresses) journal.append(cause, new Event.GarpSent(instance, a.toString(), device, repeat));
            } catch (Exception e) {
                NodeLog.error("(" + instance + ") gratuitous ARP on " + device + " failed: " + e.getMessage());
            }
        });
    }

    /**
     * The kernel says an address went away. If it is a VIP we hold, someone removed it behind our back: put it back
     * and journal both facts, caused by that netlink message.
     */
    public void addressRemoved(Ipv4InterfaceAddress gone, String device) {
        io.execute(() -> {
            Held h = held.get(key(gone));
            if (h == null) return;
            String text = gone.address().getHostAddress() + "/" + gone.prefixLength();
            long seq = journal.append(Cause.packet("netlink", device),
                    new Event.VipChanged(h.instance(), text, device, false, true, "removed outside vigil"));
            try {
                rtnl.addAddress(h.address());
                journal.append(Cause.event(seq), new Event.VipChanged(h.instance(), text, device, true, true, "re-added"));
                NodeLog.warn("(" + h.instance() + ") " + text + " was removed from " + device + " outside vigil; re-added");
            } catch (Exception e) {
                journal.append(Cause.event(seq), new Event.VipChanged(h.instance(), text, device, true, false, String.valueOf(e.getMessage())));
                NodeLog.error("(" + h.instance() + ") cannot re-add " + text + " on " + device + ": " + e.getMessage());
            }
        });
    }

    /** Waits until everything queued so far is applied (shutdown: VIPs gone before we exit). */
    public boolean drain(Duration max) {
        try {
            io.submit(() -> { }).get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static Ipv4InterfaceAddress toKernel(VirtualAddress v, int ifindex) {
        Ipv4InterfaceAddress a = new Ipv4InterfaceAddress(ifindex, inet(v.address()), v.prefixLength(), null, null,
                Ipv4InterfaceAddress.RT_SCOPE_UNIVERSE, 0);
        return v.label() == null ? a : a.withLabel(v.label());
    }

    private static String key(Ipv4InterfaceAddress a) {
        return a.ifindex() + " " + a.address().getHostAddress() + "/" + a.prefixLength();
    }

    private static String text(VirtualAddress v) { return v.address() + "/" + v.prefixLength(); }

    private static String labelText(VirtualAddress v) { return v.label() == null ? "" : " label " + v.label(); }

    static Inet4Address inet(Ipv4Address a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(a.toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // 4 bytes always make an address
        }
    }

    @Override public void close() {
        drain(Duration.ofSeconds(5));
        io.shutdown();
    }
}
