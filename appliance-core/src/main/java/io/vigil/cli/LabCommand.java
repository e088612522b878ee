package io.vigil.cli;

import io.vigil.lab.Lab;
import io.vigil.lab.LabException;
import io.vigil.lab.LabGuest;
import io.vigil.lab.LabPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vigil lab up|status|curl|incident|down}: a two-director lab in network namespaces on this host (root), or,
 * where the host kernel has no ip_vs, the same lab inside one qemu guest ({@link LabGuest}); the later commands go
 * wherever {@code up} put the lab.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Two Vigil directors, HTTP real servers and a client in network namespaces (needs root); "
                + "in a qemu guest with the appliance's kernel where this kernel has no ip_vs.",
        subcommands = {LabCommand.Up.class, LabCommand.Status.class, LabCommand.Curl.class, LabCommand.Log.class, LabCommand.IncidentCmd.class, LabCommand.Down.class})
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

    LabGuest guest() { return new LabGuest(stateDir, System.out); }

    /** Runs {@code inGuest} when {@code up} put this lab in a qemu guest, else {@code onHost}. */
    int routed(java.util.function.IntSupplier inGuest, Runnable onHost) {
        try {
            if (guest().isUp(prefix)) return inGuest.getAsInt();
            onHost.run();
            return 0;
        } catch (LabException | java.io.UncheckedIOException e) {
            System.err.println("vigil lab: " + e.getMessage());
            return 1;
        }
    }

    static int guarded(Runnable r) {
        try {
            r.run();
            return 0;
        } catch (LabException | java.io.UncheckedIOException e) {
            System.err.println("vigil lab: " + e.getMessage());
            return 1;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Build the lab and start two Vigil nodes: in "
            + "namespaces on this host when its kernel has ip_vs, else (or with --kernel) in a qemu guest with the appliance's kernel.")
    static final class Up implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;
        @Option(names = "--real-servers", defaultValue = "2", description = "HTTP real servers (default ${DEFAULT-VALUE})") int reals;
        @Option(names = "--api-port", defaultValue = "9179", description = "management API port on each director (default ${DEFAULT-VALUE})") int apiPort;
        @Option(names = "--kernel", description = "run the lab inside one qemu guest (TCG, ~1-2 min to boot) built from the "
                + "appliance ISO's kernel and tools, with real IPVS; the VIP and the APIs are forwarded to loopback ports") boolean kernel;
        @Option(names = "--netns", description = "run the lab in namespaces on this host even when its kernel has no ip_vs "
                + "(fast; the master then only shows the IPVS rules it would program)") boolean netns;

        @Override public Integer call() {
            if (kernel && netns) {
                System.err.println("vigil lab: --kernel and --netns exclude each other");
                return 2;
            }
            LabPlan plan;
            try {
                plan = new LabPlan(parent.prefix, reals, apiPort);
            } catch (LabException e) {
                System.err.println("vigil lab: " + e.getMessage());
                return 2;
            }
            boolean guest = kernel;
            if (!kernel && !netns && !Lab.hostHasIpvs()) {
                var why = LabGuest.unavailableReason();
                if (why.isEmpty()) {
                    System.out.println("lab: this host's kernel has no ip_vs (no /proc/net/ip_vs; `modprobe ip_vs` failed), so namespaces "
                            + "here could not load-balance: running the lab in a qemu guest with the appliance's kernel instead "
                            + "(--netns for the namespace lab without IPVS)");
                    guest = true;
                } else {
                    System.out.println("lab: this host's kernel has no ip_vs and the qemu lab cannot run (" + why.get()
                            + "): namespace lab without load balancing");
                }
            }
            if (guest) return guarded(() -> parent.guest().up(plan));
            return guarded(() -> parent.lab().up(plan, Lab.defaultVigilCommand()));
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true, description = "The last lines of a lab process's log (d1, d2, rs1, ...).")
    static final class Log implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;
        @Parameters(paramLabel = "ROLE", description = "d1, d2, rs1, rs2, ...") String role;

        @Override public Integer call() {
            return parent.routed(() -> parent.guest().forward(parent.prefix, "log " + role), () -> parent.lab().log(parent.prefix, role));
        }
    }

    @Command(name = "curl", mixinStandardHelpOptions = true,
            description = "Requests to the VIP as the lab's client (each on a new connection): which real server answered.")
    static final class Curl implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;
        @Option(names = {"-n", "--count"}, defaultValue = "4", description = "requests (default ${DEFAULT-VALUE})") int count;

        @Override public Integer call() {
            int[] ok = new int[1];
            int rc = parent.routed(() -> {
                ok[0] = parent.guest().curl(parent.prefix, count);
                return 0;
            }, () -> ok[0] = parent.lab().curl(parent.prefix, count));
            if (rc != 0) return rc;
            System.out.println("  " + ok[0] + " of " + count + " answered");
            return ok[0] == count ? 0 : 1;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Directors, VIP holder, real servers.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;

        @Override public Integer call() { return parent.routed(() -> parent.guest().status(parent.prefix), () -> parent.lab().status(parent.prefix)); }
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
            return parent.routed(() -> parent.guest().forward(parent.prefix, "incident " + kind.toLowerCase(Locale.ROOT)),
                    () -> parent.lab().incident(parent.prefix, incident));
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the nodes and remove everything the lab made.")
    static final class Down implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand LabCommand parent;

        @Override public Integer call() {
            return parent.routed(() -> {
                parent.guest().down(parent.prefix);
                return 0;
            }, () -> parent.lab().down(parent.prefix));
        }
    }
}
