package io.vigil.config;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of loading: the model (absent only when the text could not be turned into one — unreadable file,
 * unbalanced braces, binary data) and every diagnostic in file order.
 */
public record LoadResult(Optional<KeepalivedConfig> config, List<Diagnostic> diagnostics) {
    public LoadResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() { return diagnostics.stream().anyMatch(Diagnostic::isError); }

    public List<Diagnostic> errors() { return diagnostics.stream().filter(Diagnostic::isError).toList(); }

    public List<Diagnostic> warnings() { return diagnostics.stream().filter(d -> d.severity() == Severity.WARNING).toList(); }
}
