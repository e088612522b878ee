package io.vigil.cli;

import io.vigil.config.Diagnostic;
import io.vigil.config.LoadResult;
import io.vigil.config.ModelJson;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code vigil dump-config}: the normalised model as JSON (keepalived -d, machine-readable). */
@Command(name = "dump-config", mixinStandardHelpOptions = true,
        description = {"Print the configuration as Vigil understands it (defaults filled in) as JSON on stdout;",
                "diagnostics go to stderr. Exit status as check-config."})
public final class DumpConfigCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigSourceOptions source;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "directory of PF4J check plugin zips whose checker blocks are known (default: ${DEFAULT-VALUE})")
    java.nio.file.Path pluginsDir = java.nio.file.Path.of(System.getProperty("vigil.plugins", "/usr/lib/vigil/plugins"));

    @Option(names = "--compact", description = "one line of JSON instead of indented")
    boolean compact;

    @Override public Integer call() {
        source.usePlugins(pluginsDir);
        LoadResult r = source.load();
        var err = spec.commandLine().getErr();
        for (Diagnostic d : r.diagnostics()) err.println(d.format());
        err.flush();
        r.config().ifPresent(c -> {
            JsonObject json = ModelJson.toJson(c);
            var out = spec.commandLine().getOut();
            out.println(compact ? json.encode() : json.encodePrettily());
            out.flush();
        });
        return ConfigExit.of(r);
    }
}
