package io.vigil.lab;

/** A lab step failed; the message says which command and why (shown to the user without a stack trace). */
public final class LabException extends RuntimeException {
    public LabException(String message) { super(message); }
}
