package io.vigil.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What one HTTP client may cost the node. The API shares the process's file descriptors with the health checks
 * (a probe is a socket): its connections are capped well below RLIMIT_NOFILE, so a flood of idle connections can
 * never make a check fail with "Too many open files".
 *
 * @param maxConnections           open connections in total; past it the longest-idle one is closed for the newcomer,
 *                                 or the newcomer if every connection is busy
 * @param maxConnectionsPerAddress open connections from one client address; past it the newcomer is closed at accept
 * @param idleTimeout              a connection that sends and receives nothing this long is closed
 * @param firstRequestTimeout      a connection must send a complete request head within this
 * @param requestTimeout           a request (other than the event stream and journal export) answers 503 after this
 * @param maxBodyBytes             request body limit, enforced before authentication (no endpoint takes a body)
 */
public record ApiLimits(int maxConnections, int maxConnectionsPerAddress, Duration idleTimeout,
                        Duration firstRequestTimeout, Duration requestTimeout, long maxBodyBytes) {
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    public static final int DEFAULT_MAX_PER_ADDRESS = 32;
    public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public ApiLimits {
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxBodyBytes < 0)
            throw new IllegalArgumentException("API limits must be positive");
    }

    /** The defaults, with the total cap lowered to an eighth of the open-file limit when that is small. */
    public static ApiLimits defaults() { return forOpenFileLimit(openFileLimit()); }

    static ApiLimits forOpenFileLimit(long nofile) {
        int total = (int) Math.max(16, Math.min(DEFAULT_MAX_CONNECTIONS, nofile / 8));
        return new ApiLimits(total, Math.min(DEFAULT_MAX_PER_ADDRESS, total), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(30), DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * The soft RLIMIT_NOFILE of this process (the JVM raises it to the hard limit at start-up on Linux), or a
     * conservative 1024 when it cannot be read.
     */
    public static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (!line.startsWith("Max open files")) continue;
                String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return 1024;
    }

    public ApiLimits withMaxConnections(int total, int perAddress) {
        return new ApiLimits(total, perAddress, idleTimeout, firstRequestTimeout, requestTimeout, maxBodyBytes);
    }

    public ApiLimits withTimeouts(Duration idle, Duration firstRequest, Duration request) {
        return new ApiLimits(maxConnections, maxConnectionsPerAddress, idle, firstRequest, request, maxBodyBytes);
    }
}
