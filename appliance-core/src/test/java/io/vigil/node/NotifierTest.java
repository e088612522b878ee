package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierTest {
    @TempDir Path dir;

    record Run(String state, ScriptOutcome outcome, long cause) { }

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test void runsInOrderPerInstanceAndReportsOutcome() throws Exception {
        Path log = dir.resolve("log");
        Path s = script("n.sh", "sleep 0.$1; echo \"$@\" >> " + log + "; echo out-$1");
        List<Run> runs = new CopyOnWriteArrayList<>();
        try (Notifier n = new Notifier(new ScriptRunner(null, false), Duration.ofSeconds(5), List.of(),
                (trigger, o, cause) -> runs.add(new Run(trigger, o, cause)))) {
            // the first script sleeps longer: order must still hold within one instance
            n.run("VI_1", "VI_1 MASTER", ScriptCommand.parse(s + " 3 master"), 7);
            n.run("VI_1", "VI_1 MASTER", ScriptCommand.parse(s.toString()).with("1", "INSTANCE", "VI_1", "MASTER", "150"), 7);
            n.run("VI_1", "VI_1 BACKUP", ScriptCommand.parse(s + " 1 'backup arg'"), 8);
            n.awaitIdle(Duration.ofSeconds(10));
        }
        assertThat(Files.readAllLines(log)).containsExactly("3 master", "1 INSTANCE VI_1 MASTER 150", "1 backup arg");
        assertThat(runs).hasSize(3).allSatisfy(r -> assertThat(r.outcome().ok()).isTrue());
        assertThat(runs.getFirst().outcome().firstLines()).containsExactly("out-3");
        assertThat(runs).filteredOn(r -> r.state().equals("VI_1 BACKUP")).singleElement().satisfies(r -> assertThat(r.cause()).isEqualTo(8));
    }

    @Test void timeoutKillsAndReports() throws Exception {
        Path s = script("slow.sh", "echo started; sleep 30");
        List<Run> runs = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        try (Notifier n = new Notifier(new ScriptRunner(null, false), Duration.ofMillis(300), List.of(),
                (trigger, o, cause) -> runs.add(new Run(trigger, o, cause)))) {
            n.run("VI_1", "VI_1 FAULT", ScriptCommand.parse(s.toString()), 1);
            n.awaitIdle(Duration.ofSeconds(5));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(runs).singleElement().satisfies(r -> {
            assertThat(r.outcome().timedOut()).isTrue();
            assertThat(r.outcome().exitCode()).isEqualTo(-1);
            assertThat(r.outcome().firstLines()).first().isEqualTo("started");
        });
    }

    @Test void exitCodeAndMissingScript() {
        ScriptRunner r = new ScriptRunner(null, false);
        assertThat(r.run(ScriptCommand.parse("/bin/sh -c 'exit 3'"), Duration.ofSeconds(5)).exitCode()).isEqualTo(3);
        ScriptOutcome missing = r.run(ScriptCommand.parse("/nonexistent/notify.sh"), Duration.ofSeconds(5));
        assertThat(missing.ok()).isFalse();
        assertThat(missing.error()).contains("cannot run /nonexistent/notify.sh");
    }

    @Test void scriptWithoutShebangRunsThroughSh() throws Exception {
        Path p = dir.resolve("plain.sh");
        Files.writeString(p, "exit 4\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(new ScriptRunner(null, false).run(ScriptCommand.parse(p.toString()), Duration.ofSeconds(5)).exitCode()).isEqualTo(4);
    }

    @Test void scriptSecurityRefusesWorldWritableScript() throws Exception {
        Path s = script("ww.sh", "exit 0");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxrwxrwx"));
        ScriptOutcome o = new ScriptRunner(null, true).run(ScriptCommand.parse(s.toString()), Duration.ofSeconds(5));
        assertThat(o.ok()).isFalse();
        assertThat(o.error()).contains("enable_script_security").contains("world-writable");
        // without enable_script_security keepalived runs it (with a warning)
        assertThat(new ScriptRunner(null, false).run(ScriptCommand.parse(s.toString()), Duration.ofSeconds(5)).ok()).isTrue();
    }

    @Test void scriptUserRunsAsThatUser() {
        ScriptOutcome o = new ScriptRunner("nobody", false).run(ScriptCommand.parse("id -un"), Duration.ofSeconds(5));
        assertThat(o.firstLines()).containsExactly("nobody");
    }

    @Test void fifoLinesInKeepalivedFormat() throws Exception {
        Path fifo = dir.resolve("notify.fifo");
        try (NotifyFifo f = new NotifyFifo(fifo);
             Notifier n = new Notifier(new ScriptRunner(null, false), Duration.ofSeconds(1), List.of(f), (a, b, c) -> { })) {
            assertThat(Files.isRegularFile(fifo)).isFalse();
            n.fifo("INSTANCE", "VI_1", "MASTER", 100);
            n.fifo("GROUP", "G1", "BACKUP", 0);
            try (BufferedReader r = new BufferedReader(new FileReader(fifo.toFile()))) {
                assertThat(r.readLine()).isEqualTo("INSTANCE \"VI_1\" MASTER 100");
                assertThat(r.readLine()).isEqualTo("GROUP \"G1\" BACKUP 0");
            }
        }
    }

    @Test void tokenizerFollowsKeepalivedQuoting() {
        assertThat(ScriptCommand.parse("/bin/sh -c \"test -f /x && exit 1\"").argv())
                .containsExactly("/bin/sh", "-c", "test -f /x && exit 1");
        assertThat(ScriptCommand.parse("  killall  -0 nginx ").argv()).containsExactly("killall", "-0", "nginx");
        assertThat(ScriptCommand.parse("a\\ b 'c d'").argv()).containsExactly("a b", "c d");
    }
}
