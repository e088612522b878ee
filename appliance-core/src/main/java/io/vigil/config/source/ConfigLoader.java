package io.vigil.config.source;

import io.vigil.check.api.ConfigNode;
import io.vigil.config.ConfigParser;
import io.vigil.config.Diagnostic;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads keepalived.conf from this host: the pure {@link ConfigParser} over the file system
 * ({@link FileConfigSource}); the embedded example from the jar. Never throws for bad input.
 */
public final class ConfigLoader {
    /** keepalived's default configuration file. */
    public static final Path DEFAULT_PATH = Path.of("/etc/keepalived/keepalived.conf");
    /** Classpath resource of the embedded example (two LVS-DR directors). */
    public static final String EMBEDDED_DEFAULT = "/io/vigil/default-keepalived.conf";
    public static final String EMBEDDED_NAME = "embedded:default-keepalived.conf";

    private ConfigLoader() {}

    public static LoadResult load(Path file, LoadOptions options) {
        return ConfigParser.load(FileConfigSource.INSTANCE, file.toString(), options);
    }

    public static LoadResult load(Path file) { return load(file, LoadOptions.defaults()); }

    /** Loads configuration text that is not a file (includes are resolved against {@code baseDir}). */
    public static LoadResult loadText(String name, String text, Path baseDir, LoadOptions options) {
        return ConfigParser.loadText(FileConfigSource.INSTANCE, name, text, dir(baseDir), options);
    }

    /** The embedded default configuration shipped in the jar. */
    public static LoadResult loadEmbeddedDefault(LoadOptions options) {
        return loadText(EMBEDDED_NAME, embeddedDefaultText(), Path.of("."), options);
    }

    public static String embeddedDefaultText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED_DEFAULT)) {
            if (in == null) throw new IllegalStateException(EMBEDDED_DEFAULT + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + EMBEDDED_DEFAULT, e);
        }
    }

    /** Only the statement tree (for tools and tests that look at the syntax, not the model). */
    public static List<ConfigNode> parseTree(String name, String text, Path baseDir, LoadOptions options,
                                             List<Diagnostic> diagnosticsOut) {
        return ConfigParser.parseTree(FileConfigSource.INSTANCE, name, text, dir(baseDir), options, diagnosticsOut);
    }

    private static String dir(Path baseDir) { return baseDir == null ? null : baseDir.toString(); }
}
