package io.vigil.node;

import java.time.Duration;
import java.time.Instant;

/**
 * Where start-up time goes: with {@code -Dvigil.startup.trace=true} each phase of {@code vigil run} prints
 * "startup: PHASE at N ms" (since the process started, per /proc: 10 ms resolution) to stderr. Off by default;
 * NodeScaleBench and docs/scale.md use it.
 */
public final class StartupTrace {
    private static final boolean ON = Boolean.getBoolean("vigil.startup.trace");
    private static final Instant START = ON ? ProcessHandle.current().info().startInstant().orElse(Instant.now()) : null;

    private StartupTrace() { }

    public static void mark(String phase) {
        if (ON) System.err.println("startup: " + phase + " at " + Duration.between(START, Instant.now()).toMillis() + " ms");
    }
}
