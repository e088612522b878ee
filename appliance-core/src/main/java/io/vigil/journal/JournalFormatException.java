package io.vigil.journal;

/** An entry's bytes do not decode: corruption, or a format this version cannot read. */
public final class JournalFormatException extends RuntimeException {
    public JournalFormatException(String message) { super(message); }
}
