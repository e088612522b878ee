package io.vigil.check;

/** Why a health event happened: another event, or something outside the engine. */
public sealed interface Cause {
    /** Caused by the event with this sequence number. */
    record Event(long seq) implements Cause {}
    /** The initial state derived from configuration (alpha, init_fail) when checks start. */
    record Startup() implements Cause {}
    /** A probe finished (the probe itself is the external input). */
    record Probe(String checker) implements Cause {}
    /** A retry (delay_before_retry) after the failed probe journaled as event {@code previousSeq}. */
    record Retry(String checker, long previousSeq) implements Cause {}

    Cause STARTUP = new Startup();
}
