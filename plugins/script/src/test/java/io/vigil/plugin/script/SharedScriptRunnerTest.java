package io.vigil.plugin.script;

import static io.vigil.check.api.ConfigNodes.block;
import static io.vigil.check.api.ConfigNodes.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ScriptCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MISC_CHECK goes through the host's one script parser and runner: keepalived's escapes, the /bin/sh fallback. */
class SharedScriptRunnerTest {
    static Vertx vertx;
    @TempDir Path dir;

    @BeforeAll static void start() { vertx = Vertx.vertx(); }
    @AfterAll static void stop() throws Exception { vertx.close().await(10, TimeUnit.SECONDS); }

    @Test void parserFollowsKeepalivedEscapes() {
        assertThat(ScriptCommand.parse("a\\ b 'c d' e\"f g\"h").argv()).containsExactly("a b", "c d", "ef gh");
        assertThat(ScriptCommand.parse("x 'it\\'s' \"say \\\"hi\\\"\"").argv()).containsExactly("x", "it's", "say \"hi\"");
        assertThat(ScriptCommand.parse("x \\x41\\102 'tab\\there'").argv()).containsExactly("x", "AB", "tab\there");
        assertThat(ScriptCommand.parse("x ''").argv()).containsExactly("x", "");
        assertThatThrownBy(() -> ScriptCommand.parse("x 'open")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test void unterminatedQuoteIsAConfigError() {
        assertThatThrownBy(() -> new ScriptCheckFactory().create(block("MISC_CHECK", leaf("misc_path", "/bin/true 'x"))))
                .isInstanceOf(CheckConfigException.class).hasMessageContaining("unterminated quote");
    }

    @Test void scriptWithoutShebangRunsThroughBinSh() throws Exception {
        Path p = dir.resolve("plain.sh");
        Files.writeString(p, "echo \"plain $1\"\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        dir.toFile().setExecutable(true, false);
        Duration t = Duration.ofSeconds(5);
        CheckResult r = new ScriptCheckFactory().create(block("MISC_CHECK", leaf("misc_path", p + " 'x y'")))
                .run(CheckContext.of(vertx, "127.0.0.1", 0, t, t)).await(20, TimeUnit.SECONDS);
        assertThat(r.up()).isTrue();
        assertThat(r.detail()).isEqualTo("exit 0: plain x y");
    }
}
