package io.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command. Each subcommand is a small class in this package. */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "vigil 0.1.0",
        description = "keepalived-compatible HA director: VRRP, health checks, IPVS, journal",
        subcommands = {
                CheckConfigCommand.class,
                GenhashCommand.class,
                LdirectordConvertCommand.class,
                DumpConfigCommand.class,
                LabCommand.class,
                ReplayCommand.class,
                JournalCommand.class,
                RealserverCommand.class,
                RunCommand.class,
                AotTrainCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    /**
     * Runs the command and flushes its output: picocli's writers flush only on println, so a command ending in
     * {@code print} (journal state, ldirectord-convert) printed nothing before exit. Flushing here covers them all.
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    public static void main(String[] args) { System.exit(run(args)); }
}
