package io.vigil.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A subcommand built alone (the start-up shortcut) answers exactly as it does inside the whole command tree. */
class MainAloneTest {
    @Test void everySubcommandAloneMatchesTheTree() {
        CommandLine tree = new CommandLine(new Main());
        assertThat(tree.getSubcommands()).hasSizeGreaterThan(5);
        for (String name : tree.getSubcommands().keySet()) {
            CommandLine alone = Main.alone(name);
            assertThat(alone).as(name).isNotNull();
            assertThat(alone.getSubcommands()).as(name).containsOnlyKeys(name);
            assertThat(usage(alone.getSubcommands().get(name))).as(name).isEqualTo(usage(tree.getSubcommands().get(name)));
            for (String[] args : new String[][] {{name, "--no-such-option"}, {name, "no-such-arg", "x"}}) {
                assertThat(run(Main.alone(name), args)).as(String.join(" ", args)).isEqualTo(run(new CommandLine(new Main()), args));
            }
        }
        assertThat(Main.alone("no-such-command")).isNull();
    }

    private static String usage(CommandLine cl) {
        StringWriter w = new StringWriter();
        cl.usage(new PrintWriter(w));
        return w.toString();
    }

    /** Exit code and error text of a command line that does not run anything (bad options). */
    private static String run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return rc + "\n" + out + "\n" + err;
    }
}
