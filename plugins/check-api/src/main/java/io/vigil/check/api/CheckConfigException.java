package io.vigil.check.api;

/** An invalid checker block; the message is shown to the operator prefixed with {@code file:line:col}. */
public class CheckConfigException extends Exception {
    private final SourceLocation where;

    public CheckConfigException(SourceLocation where, String message) {
        super(message);
        this.where = where == null ? SourceLocation.NONE : where;
    }

    public SourceLocation where() { return where; }

    /** {@code file:line:col: message}, the form every Vigil config diagnostic takes. */
    @Override public String toString() { return where + ": " + getMessage(); }
}
