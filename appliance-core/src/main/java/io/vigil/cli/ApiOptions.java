package io.vigil.cli;

import io.vigil.api.ManagementOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Management API options for {@code vigil run} ({@code @Mixin ApiOptions api;}):
 * {@code --api-listen 127.0.0.1:9179}, {@code --api-token-file FILE}, {@code --no-api}.
 */
public final class ApiOptions {
    @Option(names = "--api-listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9179",
            description = "management API and /metrics address (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--api-token-file", paramLabel = "FILE",
            description = "bearer token (first line) that enables control actions; without it the API is read-only")
    Path tokenFile;

    @Option(names = "--no-api", description = "do not start the management API")
    boolean disabled;

    /** Empty when the API is disabled; throws IllegalArgumentException with a user-facing message on bad input. */
    public Optional<ManagementOptions> options() {
        if (disabled) return Optional.empty();
        return Optional.of(ManagementOptions.parseListen(listen,
                tokenFile == null ? Optional.empty() : ManagementOptions.readToken(tokenFile)));
    }
}
