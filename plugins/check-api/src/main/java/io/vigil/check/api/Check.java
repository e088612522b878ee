package io.vigil.check.api;

import io.vertx.core.Future;

/**
 * One configured health check (one checker block). Vigil calls {@link #run} once per interval and never
 * runs two probes of the same check concurrently.
 *
 * <p>Contract for implementers:
 * <ul>
 *   <li>{@code run} must not block: return a Vert.x {@link Future} and do blocking work (JDBC, files,
 *       processes) with {@code vertx.executeBlocking} or an executor of your own.</li>
 *   <li>Report a failed probe as a {@link CheckResult#down} result rather than a failed future. A failed
 *       future or a thrown exception is still handled (the probe counts as DOWN and the failure is
 *       journaled and counted against the plugin) but is treated as a plugin fault.</li>
 *   <li>Honour {@link CheckContext#timeout()}. The host also enforces it: a probe that has not completed
 *       shortly after the timeout is recorded DOWN ("timed out") and its late result is ignored; register with
 *       {@link CheckContext#abort()} how to close what the probe holds (a connection), so the host can end it then.</li>
 * </ul>
 */
public interface Check extends AutoCloseable {

    /** Starts one probe against {@code ctx.address()}:{@code ctx.port()}. */
    Future<CheckResult> run(CheckContext ctx);

    /** A short human description for logs and the journal, e.g. {@code HTTP_GET http://10.0.0.1:80/health}. */
    default String describe(CheckContext ctx) { return getClass().getSimpleName() + " " + ctx.address() + ":" + ctx.port(); }

    /**
     * This check's own probe budget when its block sets one (MISC_CHECK {@code misc_timeout}); empty means
     * the host's {@code connect_timeout} (real servers) or vrrp_script {@code timeout} applies.
     */
    default java.util.Optional<java.time.Duration> timeout() { return java.util.Optional.empty(); }

    /**
     * Whether {@link #run} only starts asynchronous Vert.x work and returns at once: no blocking call, no long
     * computation. The host then calls it directly on one of its event loops, which spares a thread hand-off per
     * probe and spreads the checks' I/O over the loops. A call that still takes longer than
     * a few milliseconds there is counted and the check goes back to a virtual thread per probe for good.
     * Default {@code false}: {@code run} is called on a fresh virtual thread, the safe choice for code that might block.
     */
    default boolean nonBlocking() { return false; }

    /** Releases clients, pools and executors; called when the configuration is replaced or Vigil stops. */
    @Override default void close() {}
}
