package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.List;
import java.util.Optional;

/**
 * Parses keepalived.conf: lexing (includes, conditionals, parameters, sequences) → {@link ConfigNode} tree →
 * {@link KeepalivedConfig}. Pure: the files and the node name come from the {@link ConfigSource} it is given
 * ({@code config.source.ConfigLoader} gives it the file system); never throws for bad input.
 */
public final class ConfigParser {
    private ConfigParser() {}

    /** Loads {@code file} of {@code source} and everything it includes. */
    public static LoadResult load(ConfigSource source, String file, LoadOptions options) {
        var diags = new Diagnostics(options.maxDiagnostics());
        var tree = new TreeBuilder(diags, new ArgLocations());
        Lexer.Result lexed = new Lexer(source, options, diags, tree).lexFile(file);
        return finish(lexed, tree, diags, options);
    }

    /** Loads configuration text that is not a file (includes are resolved against {@code baseDir}). */
    public static LoadResult loadText(ConfigSource source, String name, String text, String baseDir, LoadOptions options) {
        var diags = new Diagnostics(options.maxDiagnostics());
        var tree = new TreeBuilder(diags, new ArgLocations());
        Lexer.Result lexed = new Lexer(source, options, diags, tree).lexText(name, text, baseDir);
        return finish(lexed, tree, diags, options);
    }

    /** Only the statement tree (for tools and tests that look at the syntax, not the model). */
    public static List<ConfigNode> parseTree(ConfigSource source, String name, String text, String baseDir,
                                             LoadOptions options, List<Diagnostic> diagnosticsOut) {
        var diags = new Diagnostics(options.maxDiagnostics());
        var builder = new TreeBuilder(diags, new ArgLocations());
        new Lexer(source, options, diags, builder).lexText(name, text, baseDir);
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
