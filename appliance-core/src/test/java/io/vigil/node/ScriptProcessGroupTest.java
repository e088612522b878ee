package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scripts (notify, vrrp_script) that leave children behind: each run's process group is killed with it, so no
 * orphan outlives the script, and a child holding the output pipe cannot keep a run past its timeout. Processes
 * are counted by a marker in their argv ({@code sleep 600.<random>}) through /proc.
 */
class ScriptProcessGroupTest {
    @TempDir Path dir;
    final String marker = "600." + Math.abs(ThreadLocalRandom.current().nextLong() % 1_000_000_000L);
    final ScriptRunner runner = new ScriptRunner(null, false);

    Path script(String body) throws IOException {
        Path p = dir.resolve("s" + ThreadLocalRandom.current().nextInt(1_000_000) + ".sh");
        Files.writeString(p, "#!/bin/sh\n" + body.replace("MARK", marker) + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Live processes whose command line carries this test's marker. */
    static List<Long> withMarker(String marker) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) procs::iterator) {
                if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                try {
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline"))).replace('\0', ' ');
                    if (cmd.contains(marker)) out.add(Long.parseLong(d.getFileName().toString()));
                } catch (IOException ignored) {
                    // gone
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @AfterEach void cleanUp() {
        // only processes this test started (the marker is random); keeps a failing run from leaving sleeps behind
        for (long pid : withMarker(marker)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test void backgroundedChildrenDieWithTheScript() throws Exception {
        Path s = script("sleep MARK >/dev/null 2>&1 &\necho started\nexit 0");
        for (int i = 0; i < 20; i++) {
            ScriptOutcome o = runner.run(ScriptCommand.parse(s.toString()), Duration.ofSeconds(5));
            assertThat(o.ok()).as(o.toString()).isTrue();
            assertThat(o.firstLines()).containsExactly("started");
        }
        assertThat(withMarker(marker)).as("leftover 'sleep %s' processes", marker).isEmpty();
    }

    @Test void aChildHoldingStdoutDoesNotHoldTheProbe() throws Exception {
        Path s = script("sleep MARK &\necho started\nexit 0"); // the sleep inherits stdout, the pipe the runner reads
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            ScriptOutcome o = runner.run(ScriptCommand.parse(s.toString()), Duration.ofSeconds(2));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(o.ok()).as(o.toString()).isTrue();
            assertThat(ms).as("run %d took %d ms", i, ms).isLessThan(2000);
        }
        assertThat(withMarker(marker)).isEmpty();
    }

    @Test void aHungScriptIsKilledWithItsChildrenAtItsTimeout() throws Exception {
        Path s = script("sleep MARK &\nsleep MARK\n");
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            ScriptOutcome o = runner.run(ScriptCommand.parse(s.toString()), Duration.ofMillis(500));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(o.timedOut()).isTrue();
            assertThat(o.error()).contains("process group (3 process(es))");
            assertThat(ms).as("run took %d ms", ms).isLessThan(500 + 1500);
        }
        assertThat(withMarker(marker)).isEmpty();
    }

    @Test void aChildThatLeavesTheGroupCannotHoldTheProbePastItsDeadline() throws Exception {
        // setsid again: out of reach of the group kill, and it keeps the output pipe open
        Path s = script("setsid sleep MARK &\necho started\nexit 0");
        long t0 = System.nanoTime();
        ScriptOutcome o = runner.run(ScriptCommand.parse(s.toString()), Duration.ofSeconds(1));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(o.exitCode()).isZero();
        assertThat(o.firstLines()).containsExactly("started");
        assertThat(ms).as("run took %d ms", ms).isLessThan(1000 + 500);
    }

    @Test void aScriptWithoutShebangStillRunsThroughSh() throws Exception {
        Path p = dir.resolve("plain.sh");
        Files.writeString(p, "echo plain\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        ScriptOutcome o = runner.run(ScriptCommand.parse(p.toString()), Duration.ofSeconds(5));
        assertThat(o.ok()).as(o.toString()).isTrue();
        assertThat(o.firstLines()).containsExactly("plain");
        ScriptOutcome missing = runner.run(ScriptCommand.parse(dir.resolve("nope.sh").toString()), Duration.ofSeconds(5));
        assertThat(missing.error()).contains("error=2");
    }
}
