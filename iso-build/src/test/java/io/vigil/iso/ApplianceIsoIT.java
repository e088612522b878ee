package io.vigil.iso;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Builds the appliance ISO (iso-build/mk-iso.sh) and boots it the way a user would: qemu (TCG) from the CD,
 * isolinux, Debian's kernel, Vigil started by the appliance's init on the embedded example configuration.
 * The guest's network is qemu's user mode with {@code restrict=on} (nothing leaves the host) and the management
 * API forwarded to a loopback port. Passes when the director, alone on its segment, is MASTER for VI_1 with its
 * VIP, and /metrics shows the kernel's IPVS programmed with the example's virtual server.
 */
class ApplianceIsoIT {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path TARGET = MODULE.resolve("target");

    @Test void theIsoBootsIntoAMasterDirectorWithIpvs() throws Exception {
        Path iso = TARGET.resolve("vigil-appliance.iso");
        Files.createDirectories(TARGET);
        Process build = new ProcessBuilder("bash", MODULE.resolve("mk-iso.sh").toString(), iso.toString())
                .redirectErrorStream(true).redirectOutput(TARGET.resolve("mk-iso.log").toFile()).start();
        assertThat(build.waitFor(15, TimeUnit.MINUTES)).as("mk-iso.sh finished").isTrue();
        assertThat(build.exitValue()).as("mk-iso.sh exit; see %s:\n%s", TARGET.resolve("mk-iso.log"),
                Files.readString(TARGET.resolve("mk-iso.log"))).isZero();
        System.out.printf("ISO: %s, %.1f MB%n", iso, Files.size(iso) / 1e6);

        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        Path serial = TARGET.resolve("appliance-serial.log");
        // -cpu qemu64: with TCG's "max" model the guest JVM's ZGC-compiled code crashed (SIGSEGV); qemu64 runs it
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg,thread=multi", "-cpu", "qemu64",
                "-m", "1536", "-smp", "2", "-display", "none", "-no-reboot", "-serial", "file:" + serial,
                "-cdrom", iso.toString(), "-boot", "d",
                "-nic", "user,model=virtio-net-pci,restrict=on,net=192.0.2.0/24,host=192.0.2.2,"
                        + "hostfwd=tcp:127.0.0.1:" + port + "-192.0.2.15:9179"));
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(TARGET.resolve("qemu.out").toFile()).start();
        long booted = System.nanoTime();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + port;
            String instances = awaitBody(http, base + "/api/v1/instances", b -> b.contains("\"state\":\"MASTER\""), qemu, serial);
            System.out.printf("MASTER %.0f s after qemu started%n", (System.nanoTime() - booted) / 1e9);
            assertThat(instances).contains("\"name\":\"VI_1\"").contains("192.0.2.100");
            String metrics = awaitBody(http, base + "/metrics", b -> b.contains("node_ipvs_backend_weight{"), qemu, serial);
            assertThat(metrics).contains("vigil_ipvs_kernel_available 1.0")
                    .containsPattern("keepalived_vrrp_state\\{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",ip_address=\"192.0.2.100\",} 2.0")
                    .contains("remote_address=\"198.51.100.11\"");
            String node = get(http, base + "/api/v1/node");
            assertThat(node).contains("\"ipvs\":\"kernel\"");
            assertThat(Files.readString(serial)).contains("=== VIGIL-APPLIANCE starting: vigil run --embedded-default");
        } finally {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String awaitBody(HttpClient http, String url, java.util.function.Predicate<String> ok, Process qemu, Path serial)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8); // TCG: kernel, JVM and Vigil start emulated
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!qemu.isAlive()) break;
            try {
                last = get(http, url);
                if (ok.test(last)) return last;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("no good answer from " + url + " (last: " + last + ")\nserial console:\n"
                + (Files.exists(serial) ? tail(Files.readString(serial)) : "(none)"));
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String tail(String s) { return s.length() > 6000 ? s.substring(s.length() - 6000) : s; }
}
