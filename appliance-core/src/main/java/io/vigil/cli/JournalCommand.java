package io.vigil.cli;

import io.vertx.core.json.JsonObject;
import io.vigil.journal.*;
import io.vigil.journal.store.*;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code vigil journal ...}: read, verify, export and import the event journal. */
@Command(name = "journal", mixinStandardHelpOptions = true,
        description = "Read the event journal: why did a failover happen, what was the state at time T.",
        subcommands = {JournalCommand.Tail.class, JournalCommand.Show.class, JournalCommand.Export.class,
                JournalCommand.Import.class, JournalCommand.Verify.class, JournalCommand.State.class, JournalCommand.Checks.class,
                IncidentCommands.Incidents.class, IncidentCommands.Why.class})
public final class JournalCommand implements Runnable {
    static {
        // Chronicle logs file mappings at INFO; a reading command should print only its answer.
        if (System.getProperty("org.slf4j.simpleLogger.log.net.openhft") == null)
            System.setProperty("org.slf4j.simpleLogger.log.net.openhft", "warn");
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    /** --dir, shared by every subcommand. */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/var/lib/vigil/journal",
                description = "journal directory (default: ${DEFAULT-VALUE})")
        Path dir;
    }

    /** --type filters, shared by tail/show/export. */
    static final class TypeFilter {
        @Option(names = {"-t", "--type"}, split = ",", paramLabel = "TYPE",
                description = "only these event types, e.g. vrrp-transition,vip-changed (repeatable)")
        List<String> types;

        @Option(names = "--snapshots", description = "also list periodic snapshot entries")
        boolean snapshots;

        Set<EventType> set() {
            if (types == null || types.isEmpty()) {
                EnumSet<EventType> all = EnumSet.allOf(EventType.class);
                if (!snapshots) all.remove(EventType.SNAPSHOT);
                return all;
            }
            EnumSet<EventType> s = EnumSet.noneOf(EventType.class);
            for (String t : types) s.add(EventType.parse(t.trim()));
            return s;
        }
    }

    /** Base: error handling without stack traces. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin DirOption dirOption;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        PrintWriter out() { return spec.commandLine().getOut(); }
        PrintWriter err() { return spec.commandLine().getErr(); }

        @Override public final Integer call() {
            try {
                return run();
            } catch (JournalException | JournalFormatException | IllegalArgumentException e) {
                err().println("vigil journal: " + e.getMessage());
                err().flush();
                return 2;
            } catch (Exception e) {
                err().println("vigil journal: " + e);
                err().flush();
                return 2;
            }
        }

        abstract int run() throws Exception;

        /** Prints lines with causes resolved: first from what was printed/seen, then by seq lookup. */
        static final class Printer {
            private final JournalReader reader;
            private final Map<Long, String> recent = new LinkedHashMap<>(1024, 0.75f, false) {
                @Override protected boolean removeEldestEntry(Map.Entry<Long, String> e) { return size() > 100_000; }
            };

            Printer(JournalReader reader) { this.reader = reader; }

            void seen(Entry e) {
                if (!e.event().isAnnotation()) recent.put(e.seq(), e.type().cliName() + " " + EntryFormat.summary(e.event()));
            }

            String line(Entry e) {
                return EntryFormat.line(e, seq -> recent.computeIfAbsent(seq, s -> {
                    Entry c = reader.bySeq(s);
                    return c == null ? null : c.type().cliName() + " " + EntryFormat.summary(c.event());
                }));
            }
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true, description = "Print the newest entries; -f keeps following.")
    static final class Tail extends Sub {
        @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "entries to print first (default ${DEFAULT-VALUE})") int lines;
        @Option(names = {"-f", "--follow"}, description = "keep printing new entries as they are written") boolean follow;
        @Mixin TypeFilter filter;

        @Override int run() throws InterruptedException {
            Set<EventType> types = filter.set();
            try (JournalReader r = JournalReader.open(dirOption.dir); JournalReader.Cursor c = r.lastEntries(lines)) {
                Printer p = new Printer(r);
                while (true) {
                    Entry e = c.next();
                    if (e == null) {
                        out().flush();
                        if (!follow) return 0;
                        Thread.sleep(50);
                        continue;
                    }
                    p.seen(e);
                    if (types.contains(e.type())) out().println(p.line(e));
                }
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One line per event between --from and --to, with its cause.")
    static final class Show extends Sub {
        @Option(names = "--from", paramLabel = "T", description = "start time (ISO-8601, 'HH:mm:ss' today UTC, epoch ns, -10m)") String from;
        @Option(names = "--to", paramLabel = "T", description = "end time, inclusive") String to;
        @Mixin TypeFilter filter;

        @Override int run() {
            Set<EventType> types = filter.set();
            long f = from == null ? Long.MIN_VALUE : TimeArg.parse(from);
            long t = to == null ? Long.MAX_VALUE : TimeArg.parse(to);
            try (JournalReader r = JournalReader.open(dirOption.dir); JournalReader.Cursor c = r.cursor()) {
                if (from == null) c.toStart(); else c.seekWall(f);
                Printer p = new Printer(r);
                for (Entry e = c.next(); e != null && e.wallNs() <= t; e = c.next()) {
                    p.seen(e);
                    if (e.wallNs() >= f && types.contains(e.type())) out().println(p.line(e));
                }
            }
            return 0;
        }
    }

    @Command(name = "checks", mixinStandardHelpOptions = true,
            description = {"How many probes of a real server succeeded and failed between --from and --to, and how fast:",
                    "from its check-result entries and the check-summary runs repeats are folded into.",
                    "A run that crosses --from or --to is reported apart (between 0 and all of it fell inside)."})
    static final class Checks extends Sub {
        @Option(names = "--target", required = true, paramLabel = "ADDR[:PORT]",
                description = "real server (198.51.100.13:80, or just the address) or checker name") String target;
        @Option(names = "--from", paramLabel = "T", description = "start time (as for show)") String from;
        @Option(names = "--to", paramLabel = "T", description = "end time, exclusive") String to;
        @Option(names = "--summary-lag", paramLabel = "DURATION", defaultValue = "PT1H",
                description = "how long after --to a run's summary may be written (default ${DEFAULT-VALUE}; >= -Dvigil.check.summary)")
        Duration lag;

        @Override int run() {
            long f = from == null ? Long.MIN_VALUE : TimeArg.parse(from);
            long t = to == null ? Long.MAX_VALUE : TimeArg.parse(to);
            long readTo = t == Long.MAX_VALUE ? t : t + lag.toNanos();
            ProbeQuery q = new ProbeQuery(target, f, t);
            // a summary is written after its last probe, so none that reaches past --from is written before it
            try (JournalReader r = JournalReader.open(dirOption.dir); JournalReader.Cursor c = r.cursor()) {
                if (from == null) c.toStart(); else c.seekWall(f);
                for (Entry e = c.next(); e != null && e.wallNs() < readTo; e = c.next()) q.accept(e);
            }
            ProbeQuery.Answer a = q.answer();
            out().println(target + " " + (from == null ? "start" : EntryFormat.time(f)) + " .. " + (to == null ? "end" : EntryFormat.time(t)) + ":");
            out().println("  succeeded " + a.up() + (a.upUncertain() > 0 ? " (+ up to " + a.upUncertain() + " in runs crossing the bounds)" : "")
                    + ", failed " + a.down() + (a.downUncertain() > 0 ? " (+ up to " + a.downUncertain() + " in runs crossing the bounds)" : "")
                    + (a.exact() ? " (exact)" : ""));
            if (a.latencyCount() > 0)
                out().println(String.format(java.util.Locale.ROOT, "  latency of %d successes: min %.2f ms, mean %.2f ms, max %.2f ms, p50 <= %.2f ms, p99 <= %.2f ms",
                        a.latencyCount(), a.latencyMinNs() / 1e6, a.meanNs() / 1e6, a.latencyMaxNs() / 1e6,
                        a.histogram().quantileUpperNs(0.5) / 1e6, a.histogram().quantileUpperNs(0.99) / 1e6));
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write entries as JSON lines, each with its hash. Without --type every entry is written, "
                    + "snapshots included, so `journal import` can check the hash chain.")
    static final class Export extends Sub {
        @Option(names = "--from", paramLabel = "T") String from;
        @Option(names = "--to", paramLabel = "T") String to;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "file to write (default: stdout)") Path output;
        @Mixin TypeFilter filter;

        @Override int run() throws Exception {
            // the hash chain runs through snapshots too: a provable export has them
            Set<EventType> types = filter.types == null || filter.types.isEmpty() ? EnumSet.allOf(EventType.class) : filter.set();
            long f = from == null ? Long.MIN_VALUE : TimeArg.parse(from);
            long t = to == null ? Long.MAX_VALUE : TimeArg.parse(to);
            PrintWriter w = output == null ? out()
                    : new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8));
            long n = 0;
            try (JournalReader r = JournalReader.open(dirOption.dir); JournalReader.Cursor c = r.cursor()) {
                if (from == null) c.toStart(); else c.seekWall(f);
                for (Entry e = c.next(); e != null && e.wallNs() <= t; e = c.next()) {
                    if (e.wallNs() >= f && types.contains(e.type())) { w.println(JournalJson.toJson(e).encode()); n++; }
                }
            } finally {
                w.flush();
                if (output != null) w.close();
            }
            if (output != null) err().println("exported " + n + " entries to " + output);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Append an export (JSON lines) to the journal in --dir (empty, or ending where the export "
                    + "continues) as the exporter wrote it: every entry is checked against its exported hash and the "
                    + "chain before anything is written; a changed field, timestamp or missing entry is refused.")
    static final class Import extends Sub {
        @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "JSON lines file (default: stdin)") Path input;

        @Override int run() throws Exception {
            Path src = input, spool = null;
            if (src == null) { // stdin is read twice: check everything, then write
                spool = Files.createTempFile("vigil-import", ".jsonl");
                Files.copy(System.in, spool, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                src = spool;
            }
            try {
                try (JournalImport check = JournalImport.check(dirOption.dir)) { feed(src, check); }
                try (JournalImport imp = JournalImport.open(dirOption.dir)) {
                    feed(src, imp);
                    err().println("imported " + imp.imported() + " events (seq " + imp.firstSeq() + ".." + imp.lastSeq()
                            + ") into " + dirOption.dir + ", hashes checked" + (imp.note().isEmpty() ? "" : "; note: " + imp.note()));
                }
            } finally {
                if (spool != null) Files.deleteIfExists(spool);
            }
            return 0;
        }

        private static void feed(Path src, JournalImport imp) throws java.io.IOException {
            try (BufferedReader in = Files.newBufferedReader(src, StandardCharsets.UTF_8)) {
                String line;
                int lineNo = 0;
                while ((line = in.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) continue;
                    try {
                        imp.add(JournalJson.fromJson(new JsonObject(line)));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every byte of every cycle file (excerpt headers, lengths, index), that every entry decodes, "
                    + "seqs have no gaps and the hash chain holds; exit 1 on any damage, naming file and byte.")
    static final class Verify extends Sub {
        @Override int run() {
            try (JournalReader r = JournalReader.open(dirOption.dir)) {
                JournalReader.VerifyResult v = r.verify();
                if (!v.note().isEmpty()) out().println("note: " + v.note());
                if (v.ok()) {
                    out().println("OK: " + v.entries() + " entries, seq " + v.firstSeq() + ".." + v.lastSeq() + ", hash chain intact");
                    return 0;
                }
                out().println("BAD at seq " + v.badSeq() + ", " + v.where() + ": " + v.problem());
                for (String p : v.problems().subList(1, v.problems().size())) out().println("also BAD at " + p);
                out().println(v.entries() + " entries before it are intact (seq " + v.firstSeq() + ".." + v.lastSeq() + ")");
                out().println("recover: see 'Damage and recovery' in docs/journal.md (export the intact prefix, import it into a fresh directory)");
                return 1;
            }
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
            description = "The state the journal records at time T: VRRP instances, VIPs, real servers, IPVS table, checks.")
    static final class State extends Sub {
        @Option(names = "--at", paramLabel = "T", description = "time (default: now)") String at;
        @Option(names = "--json", description = "print JSON") boolean json;

        @Override int run() {
            try (JournalReader r = JournalReader.open(dirOption.dir)) {
                long t = at == null ? TimeArg.parse("now") : TimeArg.parse(at);
                View v = at == null ? r.stateAtEnd() : r.stateAt(t);
                // past the node's last evidence its state is unknown, whatever it was last (a crash writes nothing)
                JournalReader.Evidence ev = r.evidenceAt(t);
                boolean silent = ev.silentAt(t);
                if (json) {
                    var o = JournalJson.state(v);
                    if (ev.last() != null) o.put("evidence", new io.vertx.core.json.JsonObject()
                            .put("lastEntry", EntryFormat.time(ev.last().wallNs())).put("lastSeq", ev.last().seq())
                            .put("alive", !silent));
                    var inst = o.getJsonObject("instances");
                    if (silent && inst != null) for (String name : inst.fieldNames())
                        JournalJson.unknown(inst.getJsonObject(name));
                    out().println(o.encodePrettily());
                } else {
                    if (silent) out().println("UNKNOWN: no evidence since " + EntryFormat.time(ev.last().wallNs()) + " (#"
                            + ev.last().seq() + "): the node crashed or was cut off, or this copy of its journal ends there."
                            + " Last known state:");
                    out().print(EntryFormat.view(v));
                }
                return 0;
            }
        }
    }

    /** Time arguments: ISO-8601 instant or local date-time (UTC), 'HH:mm:ss[.f]' (today, UTC), epoch ns, now, -10m. */
    static final class TimeArg {
        private TimeArg() {}

        static long parse(String s) {
            String t = s.trim();
            try {
                if (t.equals("now")) return ns(Instant.now());
                if (t.matches("-\\d+[smhd]")) {
                    long n = Long.parseLong(t.substring(1, t.length() - 1));
                    Duration d = switch (t.charAt(t.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        case 'h' -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                    return ns(Instant.now().minus(d));
                }
                if (t.matches("\\d{12,}")) return Long.parseLong(t);
                if (t.matches("\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?"))
                    return ns(LocalDateTime.of(LocalDate.now(ZoneOffset.UTC), LocalTime.parse(t)).toInstant(ZoneOffset.UTC));
                if (t.endsWith("Z") || t.matches(".*[+-]\\d{2}:\\d{2}$"))
                    return ns(java.time.OffsetDateTime.parse(t.replace(' ', 'T')).toInstant());
                return ns(LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IllegalArgumentException("cannot read time '" + s
                        + "': use 2026-11-24T03:12:04Z, '2026-11-24 03:12:04' (UTC), 03:12:04 (today UTC), epoch ns, now or -10m");
            }
        }

        private static long ns(Instant i) { return i.getEpochSecond() * 1_000_000_000L + i.getNano(); }
    }
}
