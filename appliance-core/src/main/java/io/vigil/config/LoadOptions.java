package io.vigil.config;

import java.util.Set;

/**
 * How to load a configuration.
 *
 * @param configId the keepalived config-id ({@code -i}) that {@code @name} / {@code @^name} lines are compared with;
 *                 keepalived's default is the first part of the node name
 * @param extraCheckerKeywords checker block keywords claimed by plugins (e.g. MYSQL_CHECK), kept like built-in ones
 * @param maxFileBytes the configuration and all its includes together may hold at most this many bytes (a keepalived.conf
 *                     is kilobytes, generated ones megabytes); only regular files are read
 * @param maxDiagnostics report at most this many diagnostics, then a count of the rest
 * @param maxLines stop (with an error) when ~SEQ and parameter expansion produce more lines than this
 */
public record LoadOptions(String configId, Set<String> extraCheckerKeywords, long maxFileBytes, int maxDiagnostics,
                          long maxLines) {
    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_MAX_LINES = 5_000_000;

    public LoadOptions {
        extraCheckerKeywords = Set.copyOf(extraCheckerKeywords);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(defaultConfigId(), Set.of(), DEFAULT_MAX_FILE_BYTES, Diagnostics.DEFAULT_LIMIT,
                DEFAULT_MAX_LINES);
    }

    public LoadOptions withConfigId(String id) {
        return new LoadOptions(id, extraCheckerKeywords, maxFileBytes, maxDiagnostics, maxLines);
    }

    /** Checker block keywords that PF4J check plugins claim (e.g. MYSQL_CHECK): kept as checkers, not warned about. */
    public LoadOptions withCheckerKeywords(Set<String> kws) {
        return new LoadOptions(configId, kws, maxFileBytes, maxDiagnostics, maxLines);
    }

    public LoadOptions withMaxFileBytes(long max) {
        return new LoadOptions(configId, extraCheckerKeywords, max, maxDiagnostics, maxLines);
    }

    public LoadOptions withMaxLines(long max) {
        return new LoadOptions(configId, extraCheckerKeywords, maxFileBytes, maxDiagnostics, max);
    }

    /** keepalived: "The config-id defaults to the first part of the node name as returned by uname". */
    public static String defaultConfigId() {
        String host = null;
        try {
            host = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            host = System.getenv("HOSTNAME");
        }
        if (host == null || host.isEmpty()) return "localhost";
        int dot = host.indexOf('.');
        return dot > 0 ? host.substring(0, dot) : host;
    }
}
