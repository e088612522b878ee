package io.vigil.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil realserver} run as its own process inside a network namespace made for the test (prefix vi):
 * addresses and /proc/sys/net/ipv4/conf there are the namespace's own, so the host is never touched.
 */
class RealserverCommandTest {
    private final String ns = "vi-rs" + ProcessHandle.current().pid() % 100000;

    record Run(int exit, String out) {}

    @BeforeEach
    void createNamespace() throws Exception {
        sh("ip", "netns", "del", ns);
        assertThat(sh("ip", "netns", "add", ns).exit).isZero();
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        sh("ip", "netns", "del", ns);
    }

    @Test
    void upIsIdempotentStatusReportsAndDownRestoresOnlyWhenTheLastVipGoes() throws Exception {
        String hostIgnore = Files.readString(Path.of("/proc/sys/net/ipv4/conf/all/arp_ignore")).trim();

        Run status = vigil("status", "--vip", "192.0.2.50");
        assertThat(status.exit).as(status.out).isEqualTo(3);
        assertThat(status.out).contains("VIP 192.0.2.50/32 on lo: NO").contains("not ready");

        Run up = vigil("up", "--vip", "192.0.2.50", "--vip", "192.0.2.51");
        assertThat(up.exit).as(up.out).isZero();
        assertThat(up.out).contains("lo set up", "added 192.0.2.50/32 on lo (lo:0)", "added 192.0.2.51/32 on lo (lo:0)",
                "net.ipv4.conf.all.arp_ignore = 1", "net.ipv4.conf.lo.arp_announce = 2");
        assertThat(inNs("ip", "-4", "addr", "show", "dev", "lo").out)
                .contains("inet 192.0.2.50/32").contains("inet 192.0.2.51/32").contains("lo:0");
        assertThat(inNs("cat", "/proc/sys/net/ipv4/conf/all/arp_ignore", "/proc/sys/net/ipv4/conf/all/arp_announce",
                "/proc/sys/net/ipv4/conf/lo/arp_ignore", "/proc/sys/net/ipv4/conf/lo/arp_announce").out.split("\\s+"))
                .containsExactly("1", "2", "1", "2");

        Run again = vigil("up", "--vip", "192.0.2.50", "--vip", "192.0.2.51");
        assertThat(again.exit).isZero();
        assertThat(again.out).contains("already present: 192.0.2.50/32", "already present: 192.0.2.51/32",
                "already net.ipv4.conf.all.arp_ignore = 1").doesNotContain("added ").doesNotContain("set net.");
        assertThat(inNs("ip", "-4", "-o", "addr", "show", "dev", "lo").out.lines().filter(l -> l.contains("192.0.2.50")).count()).isEqualTo(1);

        status = vigil("status", "--vip", "192.0.2.50", "--vip", "192.0.2.51");
        assertThat(status.exit).as(status.out).isZero();
        assertThat(status.out).contains("VIP 192.0.2.51/32 on lo: yes").contains("lo up: yes").endsWith("ready\n");

        // one VIP down: the other still needs the ARP settings
        Run down = vigil("down", "--vip", "192.0.2.50");
        assertThat(down.exit).isZero();
        assertThat(down.out).contains("removed 192.0.2.50/32 from lo", "other VIPs remain on lo: [192.0.2.51]");
        assertThat(inNs("cat", "/proc/sys/net/ipv4/conf/all/arp_ignore").out.trim()).isEqualTo("1");

        down = vigil("down", "--vip", "192.0.2.51");
        assertThat(down.out).contains("removed 192.0.2.51/32", "set net.ipv4.conf.all.arp_ignore = 0 (was 1)",
                "set net.ipv4.conf.lo.arp_announce = 0 (was 2)");
        assertThat(inNs("ip", "-4", "addr", "show", "dev", "lo").out).doesNotContain("192.0.2.5");
        Run downAgain = vigil("down", "--vip", "192.0.2.51");
        assertThat(downAgain.exit).isZero();
        assertThat(downAgain.out).contains("already absent: 192.0.2.51/32", "already net.ipv4.conf.all.arp_ignore = 0");

        // the host's own settings were never touched
        assertThat(Files.readString(Path.of("/proc/sys/net/ipv4/conf/all/arp_ignore")).trim()).isEqualTo(hostIgnore);
    }

    @Test
    void badInputIsAClearErrorNotAStackTrace() throws Exception {
        Run r = vigil("up", "--vip", "192.0.2.300");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.out).contains("not an IPv4 address: 192.0.2.300").doesNotContain("Exception");
        r = vigil("restart", "--vip", "192.0.2.5");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.out).contains("action must be up, down or status");
    }

    private Run vigil(String... args) throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        String cp = target.resolve("classes") + File.pathSeparator + Files.readString(target.resolve("test-classpath.txt")).trim();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", cp, "io.vigil.cli.Main", "realserver"));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    private Run inNs(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    private static Run sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Run(p.exitValue(), out);
    }
}
