package io.vigil.config;

import io.vigil.check.api.SourceLocation;

/** One finding about the configuration, printed by {@code vigil check-config} as {@code FILE:LINE:COL: warning: msg}. */
public record Diagnostic(Severity severity, SourceLocation where, String message) {
    public static Diagnostic error(SourceLocation where, String message) { return new Diagnostic(Severity.ERROR, where, message); }

    public static Diagnostic warning(SourceLocation where, String message) { return new Diagnostic(Severity.WARNING, where, message); }

    public static Diagnostic info(SourceLocation where, String message) { return new Diagnostic(Severity.INFO, where, message); }

    public boolean isError() { return severity == Severity.ERROR; }

    /** The compiler-style line an operator's editor can jump to. */
    public String format() { return where + ": " + severity.label() + ": " + message; }

    @Override public String toString() { return format(); }
}
