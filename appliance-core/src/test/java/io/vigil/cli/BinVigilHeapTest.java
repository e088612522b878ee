package io.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/vigil's heap flags: a heap grown by a burst goes back to the system. Runs the real script with VIGIL_JAR set to a
 * probe that inflates the heap with 180 MB of garbage, drops it, and watches its committed heap shrink. The real
 * node's soft limit, set from its configuration, is BinVigilSoftHeapIT's (it needs the packaged jar).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BinVigilHeapTest {
    @TempDir Path dir;

    @Test void heapGrownByABurstIsUncommitted() throws Exception {
        Path root = io.vigil.node.NetLab.ROOT;
        Path jdk = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        Files.writeString(dir.resolve("Probe.java"), """
                import java.lang.management.ManagementFactory;
                public class Probe {
                    public static void main(String[] a) throws Exception {
                        System.out.println("args " + ManagementFactory.getRuntimeMXBean().getInputArguments());
                        var mem = ManagementFactory.getMemoryMXBean();
                        java.util.List<byte[]> keep = new java.util.ArrayList<>();
                        for (int i = 0; i < 2880; i++) keep.add(new byte[1 << 16]);
                        long peak = mem.getHeapMemoryUsage().getCommitted() >> 20;
                        System.out.println("peak " + peak);
                        keep = null;
                        System.gc();
                        long end = System.nanoTime() + 80_000_000_000L;
                        long committed;
                        do {
                            Thread.sleep(1000);
                            committed = mem.getHeapMemoryUsage().getCommitted() >> 20;
                        } while (committed > Math.min(100, peak / 2) && System.nanoTime() < end);
                        System.out.println("after " + committed);
                    }
                }
                """);
        run(dir, Map.of(), jdk.resolve("javac").toString(), "Probe.java");
        run(dir, Map.of(), jdk.resolve("jar").toString(), "--create", "--file", "probe.jar", "--main-class", "Probe", "Probe.class");
        String out = run(dir, Map.of("VIGIL_JAR", dir.resolve("probe.jar").toString(), "VIGIL_PLUGINS", dir.toString(),
                "VIGIL_JAVA_OPTS", ""), root.resolve("bin/vigil").toString());
        assertThat(out).contains("-XX:+UseZGC", "-XX:ZUncommitDelay=10", "-Xmx512m", "-Xms32m", "-XX:+UseStringDeduplication",
                "-XX:TrimNativeHeapInterval=5000").doesNotContain("SoftMaxHeapSize"); // vigil sets that from the configuration
        long peak = Long.parseLong(out.replaceAll("(?s).*peak (\\d+).*", "$1"));
        long after = Long.parseLong(out.replaceAll("(?s).*after (\\d+).*", "$1"));
        System.out.println("heap committed: peak " + peak + " MB, after " + after + " MB");
        assertThat(peak).isGreaterThan(170);
        assertThat(after).isLessThanOrEqualTo(Math.min(100, peak / 2));

        // an operator's own -Xmx wins
        String own = run(dir, Map.of("VIGIL_JAR", dir.resolve("probe.jar").toString(), "VIGIL_PLUGINS", dir.toString(),
                "VIGIL_JAVA_OPTS", "-Xmx600m -XX:ZUncommitDelay=1"), root.resolve("bin/vigil").toString());
        assertThat(own).contains("-Xmx600m").doesNotContain("-Xmx512m").doesNotContain("ZUncommitDelay=10");
    }

    private static String run(Path dir, Map<String, String> env, String... cmd) throws Exception {
        var pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }
}
