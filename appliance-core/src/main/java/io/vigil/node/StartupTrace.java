package io.vigil.node;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where start-up time goes: with {@code -Dvigil.startup.trace=true} each phase of {@code vigil run} prints
 * "startup: PHASE at N ms" (since the process started: /proc/self/stat's start time against /proc/uptime, both
 * in 10 ms ticks since boot; the wall clock's boot time has only 1 s resolution) to stderr. Off by default;
 * NodeScaleBench and docs/scale.md use it.
 */
public final class StartupTrace {
    private static final boolean ON = Boolean.getBoolean("vigil.startup.trace");
    /** System.nanoTime() at the process's start, per the kernel's boot-time clock. */
    private static final long START_NS = ON ? startNs() : 0;

    private StartupTrace() { }

    public static void mark(String phase) {
        if (ON) System.err.println("startup: " + phase + " at " + (System.nanoTime() - START_NS) / 1_000_000 + " ms");
    }

    private static long startNs() {
        long now = System.nanoTime();
        try {
            double up = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            String stat = Files.readString(Path.of("/proc/self/stat"));
            long ticks = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]); // field 22: starttime
            return now - (long) ((up - ticks / 100.0) * 1e9);
        } catch (Exception | Error e) {
            return now;
        }
    }
}
