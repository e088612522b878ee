package io.vigil.journal.store;

/** A journal cannot be opened or used (missing directory, I/O failure); the message is for operators. */
public final class JournalException extends RuntimeException {
    public JournalException(String message) { super(message); }
    public JournalException(String message, Throwable cause) { super(message, cause); }
}
