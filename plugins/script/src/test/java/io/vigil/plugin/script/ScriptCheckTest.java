package io.vigil.plugin.script;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MISC_CHECK / vrrp_script with real scripts that pass, fail, print, hang (with children) and change user. */
class ScriptCheckTest {
    static Vertx vertx;
    @TempDir Path dir;
    final ScriptCheckFactory factory = new ScriptCheckFactory();

    @BeforeAll static void start() { vertx = Vertx.vertx(); }
    @AfterAll static void stop() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        dir.toFile().setExecutable(true, false);
        return p;
    }

    CheckResult run(ConfigNode block, Duration timeout) throws Exception {
        return factory.create(block).run(CheckContext.of(vertx, "127.0.0.1", 0, timeout, timeout)).await(20, TimeUnit.SECONDS);
    }

    @Test void passAndFailWithOutput() throws Exception {
        Path ok = script("ok.sh", "echo all good; echo second line >&2; exit 0");
        CheckResult r = run(block("MISC_CHECK", leaf("misc_path", ok.toString())), Duration.ofSeconds(5));
        assertThat(r.up()).isTrue();
        assertThat(r.detail()).isEqualTo("exit 0: all good | second line");
        Path bad = script("bad.sh", "echo 'nginx is down'; exit 3");
        CheckResult d = run(block("vrrp_script", java.util.List.of("chk"), leaf("script", bad.toString()),
                leaf("interval", "5"), leaf("weight", "-20")), Duration.ofSeconds(5));
        assertThat(d.up()).isFalse();
        assertThat(d.detail()).isEqualTo("exit 3: nginx is down");
    }

    @Test void argumentsAndQuotingAreKept() throws Exception {
        Path echo = script("args.sh", "echo \"$#:$1:$2\"");
        // keepalived.conf: misc_path "/path/args.sh 'two words' x"
        CheckResult r = run(block("MISC_CHECK", leaf("misc_path", echo + " 'two words' x")), Duration.ofSeconds(5));
        assertThat(r.detail()).isEqualTo("exit 0: 2:two words:x");
    }

    @Test void miscDynamicWeights() throws Exception {
        for (int code : new int[]{0, 1, 2, 7}) {
            Path s = script("dyn" + code + ".sh", "exit " + code);
            CheckResult r = run(block("MISC_CHECK", leaf("misc_path", s.toString()), leaf("misc_dynamic")), Duration.ofSeconds(5));
            assertThat(r.up()).as("exit " + code).isEqualTo(code != 1);
            if (code >= 2) assertThat(r.weight()).hasValue(code - 2); else assertThat(r.weight()).isEmpty();
        }
    }

    @Test void hangingScriptAndItsChildrenAreKilled() throws Exception {
        Path pids = dir.resolve("pids");
        Path hang = script("hang.sh", "sleep 60 & echo $! > " + pids + "; echo started; sleep 60");
        long t0 = System.nanoTime();
        CheckResult r = run(block("MISC_CHECK", leaf("misc_path", hang.toString()), leaf("misc_timeout", "0.5")), Duration.ofSeconds(30));
        assertThat(r.up()).isFalse();
        assertThat(r.detail()).startsWith("timed out after").contains("killed 3 process(es)").endsWith(": started");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        long child = Long.parseLong(Files.readString(pids).trim());
        Thread.sleep(200);
        assertThat(running(child)).as("background child killed").isFalse();
    }

    /** Alive and not a zombie (an orphan killed here may wait for its new parent to reap it). */
    static boolean running(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) return false;
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    @Test void runsAsConfiguredUser() throws Exception {
        Path who = script("who.sh", "id -un");
        CheckResult r = run(block("MISC_CHECK", leaf("misc_path", who.toString()), leaf("user", "nobody")), Duration.ofSeconds(5));
        assertThat(r.detail()).isEqualTo("exit 0: nobody");
    }

    @Test void missingScriptIsDownNotAnError() throws Exception {
        CheckResult r = run(block("MISC_CHECK", leaf("misc_path", "/nonexistent/check.sh")), Duration.ofSeconds(5));
        assertThat(r.up()).isFalse();
        assertThat(r.detail()).startsWith("exit 127: cannot run");
    }

    @Test void configErrors() {
        assertThatThrownBy(() -> factory.create(block("MISC_CHECK", leaf("misc_timeout", "3"))))
                .hasMessageContaining("missing required 'misc_path'");
        assertThatThrownBy(() -> factory.create(block("MISC_CHECK", leaf("misc_path", "/bin/true"), leaf("misc_timeout", "soon"))))
                .hasMessageContaining("misc_timeout: 'soon' is not a number of seconds");
        assertThatThrownBy(() -> factory.create(block("vrrp_script", java.util.List.of("x"), leaf("interval", "2"))))
                .hasMessageContaining("missing required 'script'");
    }

    /** Live processes whose command line carries {@code marker}, from /proc. */
    static java.util.List<Long> withMarker(String marker) throws Exception {
        java.util.List<Long> out = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) procs::iterator) {
                if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                try {
                    if (new String(Files.readAllBytes(d.resolve("cmdline"))).replace('\0', ' ').contains(marker))
                        out.add(Long.parseLong(d.getFileName().toString()));
                } catch (java.io.IOException ignored) {
                    // gone
                }
            }
        }
        return out;
    }

    @Test void backgroundedChildrenHoldingStdoutNeitherLeakNorHoldTheProbe() throws Exception {
        String marker = "600." + Math.abs(System.nanoTime() % 1_000_000_000L);
        Path bg = script("bg.sh", "sleep " + marker + " &\necho started\nexit 0");
        try {
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                // a reader held by the backgrounded child would end the probe only at its timeout, as DOWN "timed out"
                // (the fault this guards); the timeout is generous so that a loaded CI box does not trip it
                CheckResult r = run(block("MISC_CHECK", leaf("misc_path", bg.toString())), Duration.ofSeconds(5));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.up()).as(r.detail()).isTrue();
                assertThat(r.detail()).isEqualTo("exit 0: started");
                assertThat(ms).as("probe %d took %d ms", i, ms).isLessThan(5000);
            }
            assertThat(withMarker(marker)).as("leftover sleep " + marker).isEmpty();
        } finally {
            for (long pid : withMarker(marker)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
