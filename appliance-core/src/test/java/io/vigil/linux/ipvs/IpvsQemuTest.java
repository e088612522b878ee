package io.vigil.linux.ipvs;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boots Debian's kernel under qemu (TCG) with the harness in iso-build/qemu and runs {@link IpvsGuestScenarios}
 * inside it: the netlink backend against a real IPVS, cross-checked with ipvsadm in the guest. The kernel,
 * JRE and base initramfs are cached (~/.cache/vigil-qemu), so a rerun costs one boot (~30-60 s on 2 busy cores).
 */
class IpvsQemuTest {
    /** Number of scenarios in IpvsGuestScenarios.main; all must pass. */
    private static final int SCENARIOS = 10;

    @Test
    void netlinkBackendAgainstARealKernel() throws Exception {
        GuestRun run = GuestRun.run("io.vigil.linux.ipvs.IpvsGuestScenarios", "", 420); // ~45 s normally; generous for a loaded CI box
        String log = run.serial();
        List<String> failures = new ArrayList<>();
        for (String line : log.split("\n")) if (line.startsWith("FAIL ")) failures.add(line);
        assertThat(failures).as("guest scenario failures; serial log %s", run.log()).isEmpty();
        Matcher m = Pattern.compile("GUEST-SUMMARY (\\d+) passed, (\\d+) failed").matcher(log);
        assertThat(m.find()).as("guest summary line in %s (did the guest boot and java start?)", run.log()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(SCENARIOS);
        assertThat(log).contains("ipvsadm -Ln agrees with the netlink listing");
    }

    /**
     * The IPVS bench (300 × 100 by default), only on request: {@code ./mvnw -o test -pl appliance-core -am
     * -Dtest=IpvsQemuTest#bench -Dvigil.qemu.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
     * (or iso-build/qemu/ipvs-bench.sh). Prints the BENCH lines; asserts only that it ran to the end.
     */
    @Test
    void bench() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("vigil.qemu.bench"), "bench only with -Dvigil.qemu.bench=true");
        GuestRun run = GuestRun.run("io.vigil.bench.IpvsBench", System.getProperty("vigil.qemu.bench.args", "300,100,1000"), 1200,
                Map.of("VIGIL_GUEST_HEAP", "600m", "VIGIL_GUEST_JOPTS", "-XX:+TieredCompilation"));
        run.serial().lines().filter(l -> l.startsWith("BENCH")).forEach(System.out::println);
        assertThat(run.serial()).contains("BENCH done");
    }

    /** One boot of the harness: the serial console captured to a file under target/. */
    record GuestRun(Path log, String serial) {
        static GuestRun run(String mainClass, String args, int timeoutSeconds) throws IOException, InterruptedException {
            return run(mainClass, args, timeoutSeconds, Map.of());
        }

        static GuestRun run(String mainClass, String args, int timeoutSeconds, Map<String, String> env) throws IOException, InterruptedException {
            Path module = Path.of("").toAbsolutePath();
            Path root = module.getParent();
            Path target = module.resolve("target");
            Path log = target.resolve("qemu-" + mainClass.substring(mainClass.lastIndexOf('.') + 1) + ".log");
            List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("iso-build/qemu/run-guest.sh").toString(),
                    log.toString(), mainClass, args, target.resolve("classes").toString(), target.resolve("test-classes").toString()));
            // the guest gets only the logging, Prometheus and check-api entries: the IPVS code, config model and collector need nothing else
            for (String e : Files.readString(target.resolve("test-classpath.txt")).trim().split(File.pathSeparator)) {
                String name = Path.of(e).getFileName().toString();
                if (name.startsWith("slf4j-api-") || name.startsWith("slf4j-simple-") || name.startsWith("simpleclient")
                        || e.contains("check-api")) cmd.add(e); // the config model's SourceLocation lives in check-api
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(target.resolve("qemu-harness.out").toFile());
            pb.environment().put("VIGIL_QEMU_TIMEOUT", String.valueOf(timeoutSeconds));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds + 120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("qemu harness did not finish; see " + target.resolve("qemu-harness.out"));
            }
            String harness = Files.readString(target.resolve("qemu-harness.out"));
            String serial = Files.exists(log) ? Files.readString(log).replace("\r", "") : "";
            System.out.println(harness);
            System.out.println(serial);
            if (p.exitValue() != 0) throw new AssertionError("qemu harness exit " + p.exitValue() + ":\n" + harness + "\n" + tail(serial));
            return new GuestRun(log, serial);
        }

        private static String tail(String s) {
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        }
    }
}
