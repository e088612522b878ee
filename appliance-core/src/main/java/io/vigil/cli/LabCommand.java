package io.vigil.cli;

import io.vigil.lab.Lab;
import io.vigil.lab.LabException;
import io.vigil.lab.LabPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code vigil lab up|status|incident|down}: a two-director lab in network namespaces on this host (root). */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Two Vigil directors, HTTP real servers and a client in network namespaces (needs root).",
        subcommands = {LabCommand.Up.class, LabCommand.Status.class, LabCommand.IncidentCmd.class, LabCommand.Down.class})
public final class LabCommand implements Runnable {
    @Option(names = "--prefix", defaultValue = LabPlan.DEFAULT_PREFIX, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "name prefix of the lab's namespaces and host link (default ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--state-dir", defaultValue = "/run/vigil-lab", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "where the lab records what it made (default ${DEFAULT-VALUE})")
    Path stateDir;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    Lab lab() { return new Lab(stateDir, System.out); }

    static int guarded(Runnable r) {
        try {
            r.run();
            return 0;
        } catch (LabException | java.io.UncheckedIOException e) {
            System.err.println("vigil lab: " + e.getMessage());
            return 1;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Build the lab and start two Vigil nodes.")
    static final class Up implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;
        @Option(names = "--real-servers", defaultValue = "2", description = "HTTP real servers (default ${DEFAULT-VALUE})") int reals;
        @Option(names = "--api-port", defaultValue = "9179", description = "management API port on each director (default ${DEFAULT-VALUE})") int apiPort;

        @Override public Integer call() {
            return guarded(() -> parent.lab().up(new LabPlan(parent.prefix, reals, apiPort), Lab.defaultVigilCommand()));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Directors, VIP holder, real servers.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;

        @Override public Integer call() { return guarded(() -> parent.lab().status(parent.prefix)); }
    }

    @Command(name = "incident", mixinStandardHelpOptions = true,
            description = "kill-master (SIGKILL the VIP holder), partition (VRRP adverts dropped: split brain), "
                    + "fail-check (a real server's /health returns 404), heal (undo all, restart killed nodes).")
    static final class IncidentCmd implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;
        @Parameters(paramLabel = "KIND", description = "kill-master | partition | fail-check | heal") String kind;

        @Override public Integer call() {
            Lab.Incident incident;
            try {
                incident = Lab.Incident.valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                System.err.println("vigil lab: unknown incident '" + kind + "' (kill-master, partition, fail-check, heal)");
                return 2;
            }
            return guarded(() -> parent.lab().incident(parent.prefix, incident));
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the nodes and remove everything the lab made.")
    static final class Down implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;

        @Override public Integer call() { return guarded(() -> parent.lab().down(parent.prefix)); }
    }
}
