package io.vigil.check.api;

/** Where a configuration value was written: keepalived operators get file:line:col in every diagnostic. */
public record SourceLocation(String file, int line, int column) {
    public static final SourceLocation NONE = new SourceLocation("<none>", 0, 0);

    @Override public String toString() { return file + ":" + line + ":" + column; }
}
