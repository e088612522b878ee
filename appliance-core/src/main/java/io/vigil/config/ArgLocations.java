package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where each argument of a statement was written. {@link ConfigNode} (the shared plugin contract) records only
 * the keyword's location; diagnostics about a value point at the value itself, so the loader keeps the
 * arguments' columns on the side, keyed by node identity. Arguments are always on the keyword's line.
 */
final class ArgLocations {
    private final Map<ConfigNode, int[]> columns = new IdentityHashMap<>();

    void put(ConfigNode n, int[] cols) { columns.put(n, cols); }

    /** Location of argument {@code i} of {@code n}; the keyword's when unknown (synthesised nodes). */
    SourceLocation of(ConfigNode n, int i) {
        int[] c = columns.get(n);
        return c != null && i >= 0 && i < c.length ? new SourceLocation(n.where().file(), n.where().line(), c[i]) : n.where();
    }
}
