package io.vigil.cli;

import io.vertx.core.json.JsonObject;
import io.vigil.journal.store.JournalException;
import io.vigil.journal.JournalFormatException;
import io.vigil.journal.store.JournalSet;
import io.vigil.journal.forensic.Forensics;
import io.vigil.journal.forensic.IncidentFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vigil journal incidents} and {@code vigil journal why}: forensics over several directors' journals. */
final class IncidentCommands {
    private IncidentCommands() {}

    abstract static class Multi implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", required = true,
                description = "a director's journal directory; repeat for each director (the first is the clock reference)")
        List<Path> dirs;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override public final Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                int rc = run(Forensics.of(JournalSet.load(dirs)), out);
                out.flush();
                return rc;
            } catch (JournalException | JournalFormatException | IllegalArgumentException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("vigil journal: " + e.getMessage());
                err.flush();
                return 2;
            }
        }

        abstract int run(Forensics f, PrintWriter out);
    }

    @Command(name = "incidents", mixinStandardHelpOptions = true,
            description = {"Split-brain windows (partition, overlap, inferred), crashes, clock skew, peers without a journal,",
                    "and every failover with its cause chain across the directors' journals."})
    static final class Incidents extends Multi {
        @Option(names = "--from", paramLabel = "T", description = "only what overlaps from T on") String from;
        @Option(names = "--to", paramLabel = "T", description = "only what overlaps up to T") String to;
        @Option(names = "--json", description = "one JSON object per line, each with a 'type' (docs/forensics.md)") boolean json;

        @Override int run(Forensics f, PrintWriter out) {
            var r = f.report(from == null ? Long.MIN_VALUE : JournalCommand.TimeArg.parse(from),
                    to == null ? Long.MAX_VALUE : JournalCommand.TimeArg.parse(to));
            if (json) for (JsonObject o : IncidentFormat.json(r)) out.println(o.encode());
            else out.print(IncidentFormat.text(r));
            return 0;
        }
    }

    @Command(name = "why", mixinStandardHelpOptions = true,
            description = "The cause chain of one entry, followed into the peers' journals (oldest cause last).")
    static final class Why extends Multi {
        @Parameters(paramLabel = "EVENT", description = "NODE#SEQ (or SEQ when one journal is given)") String event;
        @Option(names = "--json", description = "print the chain as JSON") boolean json;

        @Override int run(Forensics f, PrintWriter out) {
            String node;
            long seq;
            int hash = event.lastIndexOf('#');
            try {
                if (hash >= 0) { node = event.substring(0, hash); seq = Long.parseLong(event.substring(hash + 1)); }
                else if (f.nodeIds().size() == 1) { node = f.nodeIds().getFirst(); seq = Long.parseLong(event); }
                else throw new IllegalArgumentException("say which node: NODE#SEQ (loaded: " + String.join(", ", f.nodeIds()) + ")");
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot read event '" + event + "': use NODE#SEQ, e.g. lb-b#812");
            }
            var chain = f.why(node, seq);
            var self = f.history(node).bySeq(seq);
            if (json) {
                out.println(new JsonObject().put("node", node).put("seq", seq)
                        .put("event", io.vigil.journal.EntryFormat.summary(self.event()))
                        .put("why", IncidentFormat.why(chain)).encode());
            } else {
                out.println(node + "#" + seq + " " + io.vigil.journal.EntryFormat.time(f.corrected(node, self.wallNs())) + " "
                        + self.type().cliName() + " " + io.vigil.journal.EntryFormat.summary(self.event()));
                out.print(IncidentFormat.whyText(chain, "  "));
                if (chain.isEmpty()) out.println("  (no recorded cause)");
            }
            return 0;
        }
    }
}
