package io.vigil.vrrp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An instance's {@code use_vmac}: a macvlan link in private mode named {@code name} with address {@code mac} on
 * {@code baseInterface} (keepalived 2.2.7's VMAC). The instance's VIPs go on it; its adverts too unless
 * {@code xmitBase} ({@code vmac_xmit_base}), which keeps them on the base interface.
 */
public record VmacSpec(String name, String baseInterface, String mac, boolean xmitBase) {
    public VmacSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(baseInterface);
        if (!mac.matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}")) throw new IllegalArgumentException("VMAC address " + mac);
        if (name.equals(baseInterface)) throw new IllegalArgumentException("VMAC " + name + " cannot be its own base interface");
    }

    public VmacSpec withXmitBase() { return new VmacSpec(name, baseInterface, mac, true); }

    /** The link as {@code ip link} would add it (journal and log text). */
    public String describe() { return "link " + name + " type macvlan mode private address " + mac + " link " + baseInterface; }

    /** Whether two specs ask for the same link (xmitBase is about the sockets, not the link). */
    public boolean sameLink(VmacSpec o) { return name.equals(o.name) && baseInterface.equals(o.baseInterface) && mac.equals(o.mac); }

    /** What to change to go from the VMACs {@code have} to those {@code want}: removals first, then creations. */
    public record Plan(List<VmacSpec> remove, List<VmacSpec> create) {
        public Plan { remove = List.copyOf(remove); create = List.copyOf(create); }
        public boolean isEmpty() { return remove.isEmpty() && create.isEmpty(); }
    }

    /** One link per name (the first spec naming it); a link whose base or MAC changed is removed and made again. */
    public static Plan plan(Collection<VmacSpec> have, Collection<VmacSpec> want) {
        Map<String, VmacSpec> h = byName(have), w = byName(want);
        List<VmacSpec> remove = new ArrayList<>(), create = new ArrayList<>();
        h.forEach((n, s) -> { if (!w.containsKey(n) || !w.get(n).sameLink(s)) remove.add(s); });
        w.forEach((n, s) -> { if (!h.containsKey(n) || !h.get(n).sameLink(s)) create.add(s); });
        return new Plan(remove, create);
    }

    /** The VMACs of {@code specs}, one per name. */
    public static List<VmacSpec> of(Collection<VrrpInstanceSpec> specs) {
        List<VmacSpec> all = new ArrayList<>();
        for (VrrpInstanceSpec s : specs) if (s.vmac() != null) all.add(s.vmac());
        return List.copyOf(byName(all).values());
    }

    private static Map<String, VmacSpec> byName(Collection<VmacSpec> specs) {
        Map<String, VmacSpec> m = new LinkedHashMap<>();
        for (VmacSpec s : specs) m.putIfAbsent(s.name(), s);
        return m;
    }
}
