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
     * Read on a thread of their own while the configuration is read; asked for only at a checker keyword that is
     * not built in.
     */
    CompletableFuture<Set<String>> pluginKeywords = CompletableFuture.completedFuture(Set.of());

    LoadOptions loadOptions() {
        var o = LoadOptions.defaults().withCheckerKeywords(pluginKeywords::join);
        return configId == null ? o : o.withConfigId(configId);
    }

    /** Starts reading which checker keywords the plugins in {@code dir} provide (none when it is absent). */
    void usePlugins(Path dir) {
        if (!Files.isDirectory(dir)) return;
        // PF4J's start-up notes are not diagnostics: keep check-config's output to the configuration's
        if (System.getProperty("org.slf4j.simpleLogger.log.org.pf4j") == null) System.setProperty("org.slf4j.simpleLogger.log.org.pf4j", "warn");
        pluginKeywords = new CompletableFuture<>();
        Thread.ofPlatform().name("vigil-plugin-keywords").daemon().start(() -> {
            try (CheckRegistry r = CheckRegistry.load(dir)) {
                pluginKeywords.complete(Set.copyOf(r.providers().keySet()));
            } catch (Throwable t) {
                pluginKeywords.completeExceptionally(t);
            }
        });
    }

    /** Waits until the plugins' keywords are read (or failed to be: the caller's own load reports that). */
    void awaitPluginRead() {
        try { pluginKeywords.join(); } catch (RuntimeException ignored) { /* reported by whoever loads them next */ }
    }

    /** The name diagnostics and summaries use for the configuration. */
    String displayName() { return embeddedDefault ? ConfigLoader.EMBEDDED_NAME : file.toString(); }

    LoadResult load() {
        return embeddedDefault ? ConfigLoader.loadEmbeddedDefault(loadOptions()) : ConfigLoader.load(file, loadOptions());
    }
}
