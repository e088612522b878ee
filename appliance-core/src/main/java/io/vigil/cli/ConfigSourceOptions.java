package io.vigil.cli;

import io.vigil.config.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import picocli.CommandLine.Option;

import java.nio.file.Path;

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

    LoadOptions loadOptions() {
        var o = LoadOptions.defaults();
        return configId == null ? o : o.withConfigId(configId);
    }

    /** The name diagnostics and summaries use for the configuration. */
    String displayName() { return embeddedDefault ? ConfigLoader.EMBEDDED_NAME : file.toString(); }

    LoadResult load() {
        return embeddedDefault ? ConfigLoader.loadEmbeddedDefault(loadOptions()) : ConfigLoader.load(file, loadOptions());
    }
}
