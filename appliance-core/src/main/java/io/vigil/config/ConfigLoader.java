package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads keepalived.conf: lexing (includes, conditionals, parameters, sequences) → {@link ConfigNode} tree →
 * {@link KeepalivedConfig}. Pure apart from reading the files; never throws for bad input.
 */
public final class ConfigLoader {
    /** keepalived's default configuration file. */
    public static final Path DEFAULT_PATH = Path.of("/etc/keepalived/keepalived.conf");
    /** Classpath resource of the embedded example (two LVS-DR directors). */
    public static final String EMBEDDED_DEFAULT = "/io/vigil/default-keepalived.conf";
    public static final String EMBEDDED_NAME = "embedded:default-keepalived.conf";

    private ConfigLoader() {}

    public static LoadResult load(Path file, LoadOptions options) {
        var diags = new Diagnostics(options.maxDiagnostics());
        var tree = new TreeBuilder(diags, new ArgLocations());
        Lexer.Result lexed = new Lexer(options, diags, tree).lexFile(file);
        return finish(lexed, tree, diags, options);
    }

    public static LoadResult load(Path file) { return load(file, LoadOptions.defaults()); }

    /** Loads configuration text that is not a file (includes are resolved against {@code baseDir}). */
    public static LoadResult loadText(String name, String text, Path baseDir, LoadOptions options) {
        var diags = new Diagnostics(options.maxDiagnostics());
        var tree = new TreeBuilder(diags, new ArgLocations());
        Lexer.Result lexed = new Lexer(options, diags, tree).lexText(name, text, baseDir);
        return finish(lexed, tree, diags, options);
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
        var diags = new Diagnostics(options.maxDiagnostics());
        var builder = new TreeBuilder(diags, new ArgLocations());
        new Lexer(options, diags, builder).lexText(name, text, baseDir);
        List<ConfigNode> tree = builder.finish();
        diagnosticsOut.addAll(diags.toList());
        return tree;
    }

    private static LoadResult finish(Lexer.Result lexed, TreeBuilder builder, Diagnostics diags, LoadOptions options) {
        if (lexed.files().isEmpty()) {
            // the main file could not be read at all: nothing to build a model from
            return new LoadResult(Optional.empty(), diags.toList());
        }
        List<ConfigNode> tree = builder.finish();
        KeepalivedConfig config = new ModelBuilder(diags, options, builder.locations()).build(tree, lexed.files(),
                ContentHash.of(tree));
        return new LoadResult(Optional.of(config), sorted(diags.toList()), tree);
    }

    /** Diagnostics in reading order is what an operator expects; the lexer, tree and model report in passes. */
    private static List<Diagnostic> sorted(List<Diagnostic> list) {
        return list.stream().sorted(java.util.Comparator
                .comparing((Diagnostic d) -> d.where().file().equals("<none>") ? 1 : 0)
                .thenComparing(d -> d.where().file())
                .thenComparingInt(d -> d.where().line())
                .thenComparingInt(d -> d.where().column())).toList();
    }
}
