package io.vigil.config;

import io.vigil.check.api.SourceLocation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects diagnostics while loading. Capped so a garbage or huge file produces a readable report rather than
 * millions of lines; the number dropped is reported at the end.
 */
final class Diagnostics {
    static final int DEFAULT_LIMIT = 200;

    private final List<Diagnostic> list = new ArrayList<>();
    private final int limit;
    private int dropped;
    private boolean hasError;

    Diagnostics(int limit) { this.limit = limit; }

    void add(Diagnostic d) {
        if (d.isError()) hasError = true;
        if (list.size() < limit) list.add(d); else dropped++;
    }

    void error(SourceLocation where, String message) { add(Diagnostic.error(where, message)); }

    void warning(SourceLocation where, String message) { add(Diagnostic.warning(where, message)); }

    void info(SourceLocation where, String message) { add(Diagnostic.info(where, message)); }

    boolean hasError() { return hasError; }

    List<Diagnostic> toList() {
        var out = new ArrayList<>(list);
        if (dropped > 0) {
            out.add(Diagnostic.info(SourceLocation.NONE, dropped + " more diagnostics not shown"));
        }
        return List.copyOf(out);
    }
}
