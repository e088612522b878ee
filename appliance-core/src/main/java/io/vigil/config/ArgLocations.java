package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each argument of a statement was written. {@link ConfigNode} (the shared plugin contract) records only
 * the keyword's location; diagnostics about a value point at the value itself, so the loader keeps these on
 * the side, keyed by node identity.
 */
final class ArgLocations {
    private final Map<ConfigNode, List<SourceLocation>> map = new IdentityHashMap<>();

    void put(ConfigNode n, List<SourceLocation> where) {
        if (!where.isEmpty()) map.put(n, where);
    }

    /** Location of argument {@code i} of {@code n}; the keyword's when unknown (synthesised nodes). */
    SourceLocation of(ConfigNode n, int i) {
        List<SourceLocation> l = map.get(n);
        return l != null && i >= 0 && i < l.size() ? l.get(i) : n.where();
    }
}
