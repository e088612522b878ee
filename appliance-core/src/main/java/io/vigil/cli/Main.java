package io.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command. Each subcommand is a small class in this package. */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = Main.VERSION,
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
    static final String VERSION = "vigil 0.1.0";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    /**
     * Runs the command and flushes its output: picocli's writers flush only on println, so a command ending in
     * {@code print} (journal state, ldirectord-convert) printed nothing before exit. Flushing here covers them all.
     */
    public static int run(String... args) {
        CommandLine alone = args.length > 0 ? alone(args[0]) : null;
        CommandLine cl = alone != null ? alone : new CommandLine(new Main());
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /**
     * The named subcommand built alone, under its full name: picocli builds the model of every subcommand and
     * option up front, ~0.3 s of {@code vigil run}'s start-up for commands it does not run. Null: not a
     * subcommand's name (then the whole tree answers, with its suggestions).
     */
    static CommandLine alone(String name) {
        // `run` without reading the subcommands' annotations: parsing them was ~10 % of the daemon's start-up CPU
        if (name.equals(RunCommand.NAME)) return new CommandLine(new Top()).addSubcommand(RunCommand.class);
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            if (c.getAnnotation(Command.class).name().equals(name)) return new CommandLine(new Top()).addSubcommand(c);
        }
        return null;
    }

    /**
     * {@code vigil} with no subcommands of its own: {@link #alone} adds the one that runs. No method of these classes
     * is a subcommand: {@code addMethodSubcommands = false} spares picocli reading every method's annotations.
     */
    @Command(name = "vigil", mixinStandardHelpOptions = true, version = VERSION, addMethodSubcommands = false)
    static final class Top implements Runnable {
        @Override public void run() { new CommandLine(new Main()).usage(System.out); }
    }

    public static void main(String[] args) {
        // picocli's default factory looks for Groovy's Closure class once: a miss scans every jar of the class path
        // (~70, opened one by one: 30-50 ms of start-up). Vigil has no Groovy.
        if (System.getProperty("picocli.disable.closures") == null) System.setProperty("picocli.disable.closures", "true");
        if (args.length > 0 && args[0].equals(RunCommand.NAME)) {
            io.vigil.node.StartupTrace.mark("main");
            RunCommand.configureLog();   // before any thread touches SLF4J, which reads its format once
            io.vigil.journal.store.LazyPosix.install(); // before anything initialises Chronicle's Jvm class
            // Chronicle's Jvm loads its Affinity class, which loads JNA (for libc, by soname); JNA's library search path
            // then runs `/sbin/ldconfig -p` (a process, ~50-80 ms) unless this is set: plain dlopen finds libc
            if (System.getProperty("jna.platform.library.path") == null) System.setProperty("jna.platform.library.path", "");
            StartupWarmup.start();       // before picocli: ~0.15 s more overlap
        }
        System.exit(run(args));
    }
}
