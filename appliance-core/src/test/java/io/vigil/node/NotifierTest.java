package io.vigil.node;

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

    @Test void keepalivedArgumentConventionAndOrder() throws Exception {
        Path log = dir.resolve("log");
        Path s = script("n.sh", "echo \"$@\" >> " + log + "; echo out-$1");
        List<Run> runs = new CopyOnWriteArrayList<>();
        try (Notifier n = new Notifier(new ScriptRunner(null, false), Duration.ofSeconds(5), List.of(),
                (t, name, st, prio, o, cause) -> runs.add(new Run(st, o, cause)))) {
            var scripts = Notifier.Scripts.of(s + " master-arg", s + " 'backup arg'", null, null, s.toString());
            n.stateChanged("INSTANCE", "VI_1", "MASTER", 150, scripts, 7);
            n.stateChanged("INSTANCE", "VI_1", "BACKUP", 100, scripts, 8);
            n.awaitIdle(Duration.ofSeconds(10));
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(4);
        // the two MASTER runs (specific + generic) come before the two BACKUP runs
        assertThat(lines.subList(0, 2)).containsExactlyInAnyOrder("master-arg", "INSTANCE VI_1 MASTER 150");
        assertThat(lines.subList(2, 4)).containsExactlyInAnyOrder("backup arg", "INSTANCE VI_1 BACKUP 100");
        assertThat(runs).hasSize(4).allSatisfy(r -> assertThat(r.outcome().ok()).isTrue());
        assertThat(runs).filteredOn(r -> r.state().equals("MASTER")).allSatisfy(r -> assertThat(r.cause()).isEqualTo(7));
        assertThat(runs).anySatisfy(r -> assertThat(r.outcome().firstLines()).containsExactly("out-INSTANCE"));
    }

    @Test void timeoutKillsAndReports() throws Exception {
        Path s = script("slow.sh", "echo started; sleep 30");
        List<Run> runs = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        try (Notifier n = new Notifier(new ScriptRunner(null, false), Duration.ofMillis(300), List.of(),
                (t, name, st, prio, o, cause) -> runs.add(new Run(st, o, cause)))) {
            n.stateChanged("INSTANCE", "VI_1", "FAULT", 0, Notifier.Scripts.of(null, null, s.toString(), null, null), 1);
            n.awaitIdle(Duration.ofSeconds(5));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(runs).singleElement().satisfies(r -> {
            assertThat(r.outcome().timedOut()).isTrue();
            assertThat(r.outcome().exitCode()).isEqualTo(-1);
            assertThat(r.outcome().firstLines()).containsExactly("started");
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
             Notifier n = new Notifier(new ScriptRunner(null, false), Duration.ofSeconds(1), List.of(f), (a, b, c, d, e, g) -> { })) {
            assertThat(Files.isRegularFile(fifo)).isFalse();
            n.stateChanged("INSTANCE", "VI_1", "MASTER", 100, Notifier.Scripts.NONE, 1);
            n.stateChanged("GROUP", "G1", "BACKUP", 0, Notifier.Scripts.NONE, 2);
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
