package io.vigil.iso;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The appliance ISO (iso-build/mk-iso.sh), built once per test JVM and shared by the ITs of this module. */
final class IsoImage {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path TARGET = MODULE.resolve("target");
    private static Path iso;

    private IsoImage() {}

    static synchronized Path build() throws Exception {
        if (iso != null) return iso;
        Path out = TARGET.resolve("vigil-appliance.iso");
        Files.createDirectories(TARGET);
        Process build = new ProcessBuilder("bash", MODULE.resolve("mk-iso.sh").toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(TARGET.resolve("mk-iso.log").toFile()).start();
        assertThat(build.waitFor(15, TimeUnit.MINUTES)).as("mk-iso.sh finished").isTrue();
        assertThat(build.exitValue()).as("mk-iso.sh exit; see %s:\n%s", TARGET.resolve("mk-iso.log"),
                Files.readString(TARGET.resolve("mk-iso.log"))).isZero();
        System.out.printf("ISO: %s, %.1f MB%n", out, Files.size(out) / 1e6);
        iso = out;
        return iso;
    }
}
