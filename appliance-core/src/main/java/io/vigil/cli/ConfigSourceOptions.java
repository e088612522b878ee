package io.vigil.cli;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import picocli.CommandLine.Option;

import io.vigil.check.runtime.CheckRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Which configuration a command reads: keepalived's -f and -i, plus Vigil's embedded example. */
public final class ConfigSourceOptions {
    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE",
            description = "keepalived.conf to read (default: ${DEFAULT-VALUE}, as keepalived)")
    Path file = ConfigLoader.DEFAULT_PATH;

    @Option(names = "--embedded-default",
            description = "read Vigil's embedded example configuration (two LVS-DR directors) instead of a file")
    boolean embeddedDefault;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "config-id for @ID / @^ID conditional lines (default: first part of the host name)")
    String configId;

    /**
     * Checker keywords the check plugins claim (MYSQL_CHECK, ...): checked as checkers, not warned about as unknown.
     * Read (PF4J, every zip) on a thread of their own only when the configuration names a checker keyword that is
     * not built in: a file of VRRP and built-in checks never loads a plugin before VRRP runs.
     */
    private volatile Path pluginsDir;
    private CompletableFuture<Set<String>> pluginKeywords;

    LoadOptions loadOptions() {
        var o = LoadOptions.defaults().withCheckerKeywords(() -> pluginKeywords().join());
        return configId == null ? o : o.withConfigId(configId);
    }

    /** Where the plugins are (none when {@code dir} is absent); nothing is read until a keyword asks for them. */
    void usePlugins(Path dir) {
        if (!Files.isDirectory(dir)) return;
        // PF4J's start-up notes are not diagnostics: keep check-config's output to the configuration's
        if (System.getProperty("org.slf4j.simpleLogger.log.org.pf4j") == null) System.setProperty("org.slf4j.simpleLogger.log.org.pf4j", "warn");
        pluginsDir = dir;
    }

    /** The plugins' keywords, read once, on first asking. */
    synchronized CompletableFuture<Set<String>> pluginKeywords() {
        if (pluginKeywords != null) return pluginKeywords;
        Path dir = pluginsDir;
        if (dir == null) return pluginKeywords = CompletableFuture.completedFuture(Set.of());
        var f = pluginKeywords = new CompletableFuture<>();
        Thread.ofPlatform().name("vigil-plugin-keywords").daemon().start(() -> {
            try (CheckRegistry r = CheckRegistry.load(dir)) {
                f.complete(Set.copyOf(r.providers().keySet()));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Waits until a read of the plugins' keywords in progress ends (or failed: the caller's own load reports that). */
    void awaitPluginRead() {
        CompletableFuture<Set<String>> f;
        synchronized (this) { f = pluginKeywords; }
        if (f == null) return;
        try { f.join(); } catch (RuntimeException ignored) { /* reported by whoever loads them next */ }
    }

    /** The name diagnostics and summaries use for the configuration. */
    String displayName() { return embeddedDefault ? ConfigLoader.EMBEDDED_NAME : file.toString(); }

    LoadResult load() {
        return embeddedDefault ? ConfigLoader.loadEmbeddedDefault(loadOptions()) : ConfigLoader.load(file, loadOptions());
    }
}
