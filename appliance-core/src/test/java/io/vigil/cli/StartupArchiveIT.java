package io.vigil.cli;

import io.vigil.node.NetLab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up archives the package step builds (bin/aot-cache) are the ones bin/vigil runs on: the JVM maps the AOT
 * cache and the dynamic layer on top of it, with no warning, and the keyword tables' lambdas come from the top layer
 * instead of being generated (what the layer is for: ~0.3 s of vigil run's start-up). {@code -Xshare:on} makes a JVM
 * that cannot map them refuse to start, so a broken layering fails here rather than as a slower start.
 */
class StartupArchiveIT {
    static final Path TARGET = NetLab.ROOT.resolve("appliance-core/target");

    @Test
    void bothArchivesAreMappedAndServeTheConfigurationsLambdas(@TempDir Path tmp) throws Exception {
        assertThat(TARGET.resolve("vigil.aot")).as("package builds the AOT cache").exists();
        assertThat(TARGET.resolve("vigil.jsa")).as("package builds the layer on it").exists();
        Path log = tmp.resolve("classes.log");
        ProcessBuilder pb = new ProcessBuilder(NetLab.ROOT.resolve("bin/vigil").toString(), "check-config", "-f",
                CliLauncherIT.CONF.toString()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("VIGIL_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + log);
        Process p = pb.start();
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try { return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8); } catch (java.io.IOException e) { return e.toString(); }
        });
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(err.get()).doesNotContain("[warning]").doesNotContain("Error occurred during initialization");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).anyMatch(l -> l.contains("io.vigil.config.VrrpInstanceBuilder$$Lambda")
                && l.contains("source: shared objects file (top)"));
        assertThat(lines).anyMatch(l -> l.contains(" io.vigil.cli.Main ") && l.contains("source: shared objects file"));
        assertThat(lines).noneMatch(l -> l.contains("io.vigil.config.VrrpInstanceBuilder$$Lambda") && l.contains("LookupDefineClass"));
    }
}
