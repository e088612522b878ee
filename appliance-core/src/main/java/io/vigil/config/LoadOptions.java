package io.vigil.config;

import java.util.Set;
import java.util.function.Supplier;

/**
 * How to load a configuration.
 *
 * @param configId the keepalived config-id ({@code -i}) that {@code @name} / {@code @^name} lines are compared with;
 *                 {@code null} (the default) for keepalived's default, the first part of the node name, which the
 *                 {@link ConfigSource} knows
 * @param checkerKeywordSource checker block keywords claimed by plugins (e.g. MYSQL_CHECK), kept like built-in ones;
 *                             asked for only when a checker keyword is not a built-in one (reading the plugins takes
 *                             a while, and {@code vigil run} starts VRRP meanwhile)
 * @param maxFileBytes the configuration and all its includes together may hold at most this many bytes (a keepalived.conf
 *                     is kilobytes, generated ones megabytes); only regular files are read
 * @param maxDiagnostics report at most this many diagnostics, then a count of the rest
 * @param maxLines stop (with an error) when ~SEQ and parameter expansion produce more lines than this
 */
public record LoadOptions(String configId, Supplier<Set<String>> checkerKeywordSource, long maxFileBytes, int maxDiagnostics,
                          long maxLines) {
    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_MAX_LINES = 5_000_000;

    /** The plugins' checker keywords (may wait for the plugins to be read). */
    public Set<String> extraCheckerKeywords() { return checkerKeywordSource.get(); }

    public static LoadOptions defaults() {
        return new LoadOptions(null, Set::of, DEFAULT_MAX_FILE_BYTES, Diagnostics.DEFAULT_LIMIT,
                DEFAULT_MAX_LINES);
    }

    public LoadOptions withConfigId(String id) {
        return new LoadOptions(id, checkerKeywordSource, maxFileBytes, maxDiagnostics, maxLines);
    }

    /** Checker block keywords that PF4J check plugins claim (e.g. MYSQL_CHECK): kept as checkers, not warned about. */
    public LoadOptions withCheckerKeywords(Set<String> kws) {
        Set<String> copy = Set.copyOf(kws);
        return withCheckerKeywords(() -> copy);
    }

    /** As {@link #withCheckerKeywords(Set)}, known later: {@code source} is memoised by the caller. */
    public LoadOptions withCheckerKeywords(Supplier<Set<String>> source) {
        return new LoadOptions(configId, source, maxFileBytes, maxDiagnostics, maxLines);
    }

    public LoadOptions withMaxFileBytes(long max) {
        return new LoadOptions(configId, checkerKeywordSource, max, maxDiagnostics, maxLines);
    }

    public LoadOptions withMaxLines(long max) {
        return new LoadOptions(configId, checkerKeywordSource, maxFileBytes, maxDiagnostics, max);
    }
}
