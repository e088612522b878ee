package io.vigil.check.api;

/**
 * The host's word that it gave up on the current probe: its deadline ({@link CheckContext#timeout()} plus a grace)
 * passed without a verdict, the probe is recorded DOWN and its late result will be discarded. A check that holds a
 * connection, process or request for the probe registers how to let go of it, so an abandoned probe does not live on
 * until the check's own timeouts.
 */
public interface Abort {
    /**
     * Runs {@code action} if the host gives up on the current probe, at once if it already has; a later call in the
     * same probe replaces the earlier action (a check of several urls registers each connection in turn). Call it
     * from {@link Check#run} or the probe's own callbacks. The action may run on any thread and must not block.
     */
    void onAbort(Runnable action);

    /** Whether the host has given up on the current probe. */
    boolean aborted();

    /** For contexts made outside a host (tests, tools): never gives up. */
    Abort NEVER = new Abort() {
        @Override public void onAbort(Runnable action) { }
        @Override public boolean aborted() { return false; }
    };
}
