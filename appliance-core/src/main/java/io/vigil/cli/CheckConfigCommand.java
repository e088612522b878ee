package io.vigil.cli;

import io.vigil.config.Diagnostic;
import io.vigil.config.LoadResult;
import io.vigil.config.source.ScriptFile;
import io.vigil.config.Severity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vigil check-config}: keepalived -t for Vigil. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Check a keepalived.conf as keepalived -t does and print FILE:LINE:COL: severity: message lines.",
                "Exit status: 0 OK, 4 configuration unusable (missing, unreadable, binary, too large),",
                "5 errors or warnings (as keepalived -t), 6 reserved for script security failures."})
public final class CheckConfigCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigSourceOptions source;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "directory of PF4J check plugin zips whose checker blocks are known (default: ${DEFAULT-VALUE})")
    java.nio.file.Path pluginsDir = java.nio.file.Path.of(System.getProperty("vigil.plugins", "/usr/lib/vigil/plugins"));

    @Option(names = {"-q", "--quiet"}, description = "print only errors and warnings, no notes or summary")
    boolean quiet;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        source.usePlugins(pluginsDir);
        LoadResult r = source.load();
        long errors = 0, warnings = 0, notes = 0;
        List<Diagnostic> all = new ArrayList<>(r.diagnostics());
        List<Diagnostic> files = r.config().map(ScriptFile::audit).orElse(List.of()); // the file system, as keepalived checks it
        all.addAll(files);
        for (Diagnostic d : all) {
            switch (d.severity()) {
                case ERROR -> errors++;
                case WARNING -> warnings++;
                case INFO -> notes++;
            }
            if (quiet && d.severity() == Severity.INFO) continue;
            out.println(d.format());
        }
        int exit = ConfigExit.of(r);
        if (exit == ConfigExit.OK && !files.isEmpty()) exit = ConfigExit.CONFIG_ERRORS;
        if (!quiet) {
            String what = r.config().map(c -> c.vrrpInstances().size() + " vrrp_instance, " + c.virtualServers().size()
                    + " virtual_server, " + c.virtualServers().stream().mapToInt(v -> v.realServers().size()).sum()
                    + " real_server; sha256 " + c.contentHash().substring(0, 12)).orElse("not usable");
            out.println(source.displayName() + ": " + errors + " error(s), " + warnings + " warning(s), " + notes
                    + " note(s); " + what + "; exit " + exit);
        }
        out.flush();
        return exit;
    }
}
