package io.vigil.ipvs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/** A whole IPVS table (services and their destinations), desired or read from the kernel. Insertion-ordered. */
public record IpvsTable(SequencedMap<ServiceKey, Entry> services) {

    public record Entry(IpvsService service, SequencedMap<DestKey, IpvsDest> dests) {
        public Entry {
            dests = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(dests));
        }
    }

    public IpvsTable {
        services = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(services));
    }

    public static IpvsTable empty() { return new IpvsTable(new LinkedHashMap<>()); }

    public int destCount() { return services.values().stream().mapToInt(e -> e.dests().size()).sum(); }

    public static Builder builder() { return new Builder(); }

    /** Mutable builder; a later put of the same service or destination replaces the earlier one. */
    public static final class Builder {
        private final LinkedHashMap<ServiceKey, IpvsService> services = new LinkedHashMap<>();
        private final LinkedHashMap<ServiceKey, LinkedHashMap<DestKey, IpvsDest>> dests = new LinkedHashMap<>();

        public Builder service(IpvsService s) {
            services.put(s.key(), s);
            dests.computeIfAbsent(s.key(), k -> new LinkedHashMap<>());
            return this;
        }

        public Builder dest(ServiceKey svc, IpvsDest d) {
            if (!services.containsKey(svc)) throw new IllegalStateException("no service " + svc);
            dests.get(svc).put(d.key(), d);
            return this;
        }

        public boolean hasDest(ServiceKey svc, DestKey d) {
            Map<DestKey, IpvsDest> m = dests.get(svc);
            return m != null && m.containsKey(d);
        }

        public IpvsTable build() {
            LinkedHashMap<ServiceKey, Entry> m = new LinkedHashMap<>();
            services.forEach((k, s) -> m.put(k, new Entry(s, dests.get(k))));
            return new IpvsTable(m);
        }
    }
}
