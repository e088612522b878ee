package io.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node sizes ZGC's soft heap limit from its configuration (HeapSizing), through the real launcher on the packaged
 * jar; the JVM's flag is read back with jcmd, not taken from the node's own log line.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BinVigilSoftHeapIT {
    @TempDir Path dir;

    /**
     * 8,000 real servers (TCP_CHECK on loopback, refused, delay_loop 60): ~76 MB live by HeapSizing's measured estimate,
     * so a soft limit of ~115 MB (above the 96 MB floor); under -Xmx96m the node says how much it needs and how to give it.
     */
    @Test void theSoftLimitFollowsTheConfigurationsRealServers() throws Exception {
        Path root = io.vigil.node.NetLab.ROOT;
        StringBuilder conf = new StringBuilder();
        for (int v = 0; v < 400; v++) {
            conf.append("virtual_server 127.0.0.1 ").append(20000 + v).append(" {\n  delay_loop 60\n  lb_kind NAT\n  protocol TCP\n");
            for (int r = 0; r < 20; r++) {
                conf.append("  real_server 127.0.").append(1 + v / 250).append('.').append(1 + r + 20 * (v % 10)).append(' ')
                        .append(9).append(" {\n    TCP_CHECK {\n      connect_timeout 2\n    }\n  }\n");
            }
            conf.append("}\n");
        }
        Files.writeString(dir.resolve("k.conf"), conf);
        Path jdk = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        long expected = ((14L << 20) + 8000 * 8192L) * 150 / 100; // 14 MB + 8 KB per real server, 1.5x
        assertThat(softLimit(root, jdk, "")).as("soft limit at -Xmx512m").isEqualTo(expected);
        String small = node(root, jdk, "-Xmx96m", "heap: 8000 real servers need about");
        assertThat(small).contains("need about 114 MB of heap but -Xmx is 96 MB", "set VIGIL_JAVA_OPTS=-Xmx178m");
    }

    /** Starts the node, waits for its heap line, reads SoftMaxHeapSize with jcmd, stops it. */
    private long softLimit(Path root, Path jdk, String opts) throws Exception {
        String[] flag = new String[1];
        node(root, jdk, opts, "heap: soft limit", pid -> {
            try {
                flag[0] = jcmd(jdk, pid);
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

    private static String jcmd(Path jdk, long pid) throws Exception {
        Process p = new ProcessBuilder(jdk.resolve("jcmd").toString(), Long.toString(pid), "VM.flags", "-all").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("jcmd\n" + out).isZero();
        return out;
    }
}
