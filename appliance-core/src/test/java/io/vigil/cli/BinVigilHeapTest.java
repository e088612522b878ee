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
 * probe that inflates the heap with 180 MB of garbage, drops it, and watches its committed heap shrink. Then the real
 * node: its soft heap limit follows the configuration's real servers, read back from the JVM with jcmd.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BinVigilHeapTest {
    @TempDir Path dir;

    @Test void heapGrownByABurstIsUncommitted() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("bin/vigil"))) root = root.getParent();
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

    /**
     * 6,000 real servers (TCP_CHECK on loopback, refused, delay_loop 60): ~61 MB live by HeapSizing's measured estimate,
     * so a soft limit of ~103 MB; under -Xmx96m the node says how much it needs and how to give it.
     */
    @Test void theSoftLimitFollowsTheConfigurationsRealServers() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("bin/vigil"))) root = root.getParent();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(root.resolve("appliance-core/target/vigil.jar")),
                "vigil.jar not packaged");
        StringBuilder conf = new StringBuilder();
        for (int v = 0; v < 300; v++) {
            conf.append("virtual_server 127.0.0.1 ").append(20000 + v).append(" {\n  delay_loop 60\n  lb_kind NAT\n  protocol TCP\n");
            for (int r = 0; r < 20; r++) {
                conf.append("  real_server 127.0.").append(1 + v / 250).append('.').append(1 + r + 20 * (v % 10)).append(' ')
                        .append(9).append(" {\n    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n");
            }
            conf.append("}\n");
        }
        Files.writeString(dir.resolve("k.conf"), conf);
        Path jdk = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        long expected = ((14L << 20) + 6000 * 8192L) * 170 / 100; // 14 MB + 8 KB per real server, 1.7x
        assertThat(softLimit(root, jdk, "")).as("soft limit at -Xmx512m").isEqualTo(expected);
        String small = node(root, jdk, "-Xmx96m", "heap: 6000 real servers need about");
        assertThat(small).contains("need about 103 MB of heap but -Xmx is 96 MB", "set VIGIL_JAVA_OPTS=-Xmx167m");
    }

    /** Starts the node, waits for its heap line, reads SoftMaxHeapSize with jcmd, stops it. */
    private long softLimit(Path root, Path jdk, String opts) throws Exception {
        String[] flag = new String[1];
        node(root, jdk, opts, "heap: soft limit", pid -> {
            try {
                flag[0] = run(dir, Map.of(), jdk.resolve("jcmd").toString(), Long.toString(pid), "VM.flags", "-all");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String line = flag[0].lines().filter(l -> l.contains(" SoftMaxHeapSize ")).findFirst().orElseThrow();
        assertThat(line).contains("{manageable} {management}");
        return Long.parseLong(line.replaceAll(".*= *(\\d+).*", "$1"));
    }

    private String node(Path root, Path jdk, String opts, String until) throws Exception {
        return node(root, jdk, opts, until, pid -> { });
    }

    private String node(Path root, Path jdk, String opts, String until, java.util.function.LongConsumer whileUp) throws Exception {
        Path journal = Files.createTempDirectory(dir, "journal");
        var pb = new ProcessBuilder(root.resolve("bin/vigil").toString(), "run", "-f", dir.resolve("k.conf").toString(),
                "--journal", journal.toString(), "--no-api").redirectErrorStream(true);
        pb.environment().put("VIGIL_JAVA_OPTS", opts);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                out.append(l).append('\n');
                if (l.contains(until)) {
                    whileUp.accept(p.pid());
                    break;
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
        assertThat(out.toString()).as("node output").contains(until);
        return out.toString();
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
