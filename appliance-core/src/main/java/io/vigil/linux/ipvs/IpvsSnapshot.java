package io.vigil.linux.ipvs;

import io.vigil.ipvs.DestKey;
import io.vigil.ipvs.IpvsDest;
import io.vigil.ipvs.IpvsService;
import io.vigil.ipvs.IpvsTable;
import io.vigil.ipvs.ServiceKey;

import java.util.List;

/** The kernel's IPVS table as listed, with counters: services in kernel order, each with its destinations. */
public record IpvsSnapshot(List<Service> services) {

    public record Service(IpvsService service, IpvsStats stats, List<Dest> dests) {
        public Service { dests = List.copyOf(dests); }
    }

    /** @param activeConns established connections; inactiveConns others; persistentConns persistence templates */
    public record Dest(IpvsDest dest, int activeConns, int inactiveConns, int persistentConns, IpvsStats stats) {}

    public IpvsSnapshot { services = List.copyOf(services); }

    /** Just the settings, for {@link io.vigil.ipvs.IpvsDiff}. */
    public IpvsTable table() {
        IpvsTable.Builder b = IpvsTable.builder();
        for (Service s : services) {
            b.service(s.service());
            for (Dest d : s.dests()) b.dest(s.service().key(), d.dest());
        }
        return b.build();
    }

    public Service service(ServiceKey key) {
        for (Service s : services) if (s.service().key().equals(key)) return s;
        return null;
    }

    public Dest dest(ServiceKey key, DestKey dest) {
        Service s = service(key);
        if (s == null) return null;
        for (Dest d : s.dests()) if (d.dest().key().equals(dest)) return d;
        return null;
    }

    /** ipvsadm -Ln style text (numeric), handy for logs and for comparing with ipvsadm's own output. */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (Service s : services) {
            b.append(s.service().key()).append(' ').append(s.service().describe()).append('\n');
            for (Dest d : s.dests()) {
                b.append("  -> ").append(d.dest().key()).append(' ').append(d.dest().describe())
                        .append(" active ").append(d.activeConns()).append(" inactive ").append(d.inactiveConns()).append('\n');
            }
        }
        return b.toString();
    }
}
