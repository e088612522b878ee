package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of loading: the model (absent only when the text could not be turned into one — unreadable file,
 * unbalanced braces, binary data) and every diagnostic in file order. {@code statements} is the top-level
 * statement tree the model was built from: the check planner hands checker blocks from it to plugins as written.
 */
public record LoadResult(Optional<KeepalivedConfig> config, List<Diagnostic> diagnostics, List<ConfigNode> statements) {
    public LoadResult {
        diagnostics = List.copyOf(diagnostics);
        statements = List.copyOf(statements);
    }

    public LoadResult(Optional<KeepalivedConfig> config, List<Diagnostic> diagnostics) {
        this(config, diagnostics, List.of());
    }

    public boolean hasErrors() { return diagnostics.stream().anyMatch(Diagnostic::isError); }

    public List<Diagnostic> errors() { return diagnostics.stream().filter(Diagnostic::isError).toList(); }

    public List<Diagnostic> warnings() { return diagnostics.stream().filter(d -> d.severity() == Severity.WARNING).toList(); }
}
