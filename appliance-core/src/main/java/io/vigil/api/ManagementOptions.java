package io.vigil.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the management server listens and the bearer token that unlocks control actions.
 * Without a token the API is read-only: control routes answer 401/403 and change nothing. Beyond loopback
 * ({@link #loopbackOnly()} false) every route but {@code /metrics}, {@code /openapi.json} and {@code /health}
 * needs the token, reads included.
 *
 * @param host  bind address (default loopback: the API is not meant for the open network)
 * @param port  TCP port, 0 picks a free one
 * @param token bearer token for control actions, empty for read-only
 */
public record ManagementOptions(String host, int port, Optional<String> token) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9179;

    public ManagementOptions {
        token = token.map(String::strip).filter(t -> !t.isEmpty());
    }

    public static ManagementOptions defaults() {
        return new ManagementOptions(DEFAULT_HOST, DEFAULT_PORT, Optional.empty());
    }

    /**
     * True when the API is reachable only from this host: the host is (or resolves only to) 127.0.0.0/8 or ::1.
     * The wildcard (0.0.0.0, ::), any other address, and a name that does not resolve count as beyond loopback.
     */
    public boolean loopbackOnly() {
        try {
            var all = java.net.InetAddress.getAllByName(host);
            return all.length > 0 && java.util.Arrays.stream(all).allMatch(java.net.InetAddress::isLoopbackAddress);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Reads the token from a file (first line, surrounding whitespace ignored), as operators keep secrets. */
    public static Optional<String> readToken(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            return Optional.of(text.strip()).filter(t -> !t.isEmpty());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read API token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses "host:port", ":port" or "port". */
    public static ManagementOptions parseListen(String listen, Optional<String> token) {
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? DEFAULT_HOST : listen.substring(0, colon);
        String port = colon < 0 ? listen : listen.substring(colon + 1);
        if (host.isEmpty()) host = DEFAULT_HOST;
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            return new ManagementOptions(host, Integer.parseInt(port), token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad management listen address '" + listen + "': expected host:port");
        }
    }
}
