package io.vigil.ipvs;

import java.util.Objects;

/**
 * Live state of one real server, as the checkers see it.
 *
 * @param weight effective weight when a checker changed it (MISC_CHECK misc_dynamic, ...), or null for the
 *               configured one
 * @param cause  the input behind this state, e.g. "HTTP_GET 198.51.100.13:80 failed 3×"; carried into the
 *               cause of every IPVS change it leads to
 */
public record RealServerState(boolean alive, Integer weight, String cause) {
    public RealServerState {
        Objects.requireNonNull(cause);
    }

    public static RealServerState up(String cause) { return new RealServerState(true, null, cause); }

    public static RealServerState down(String cause) { return new RealServerState(false, null, cause); }
}
