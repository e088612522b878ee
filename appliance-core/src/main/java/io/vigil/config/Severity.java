package io.vigil.config;

/** How bad a configuration finding is; mirrors what {@code keepalived -t} does with it. */
public enum Severity {
    /** The configuration cannot be used as written (keepalived -t exits non-zero). */
    ERROR,
    /** Accepted, but something was ignored, replaced by a default or is likely a mistake. */
    WARNING,
    /** Informational (deprecated spelling accepted, value normalised). */
    INFO;

    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
