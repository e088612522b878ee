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
 * API forwarded to a loopback port. The director, alone on its segment, must become MASTER with its VIP and
 * /metrics must show the guest kernel's IPVS programmed: first on the embedded example, then with an operator's
 * keepalived.conf and API token on a second disk. The appliance listens on 0.0.0.0, beyond loopback: without a
 * token only /metrics, /openapi.json and /health answer, with one every read needs it (docs/api.md).
 */
class ApplianceIsoIT {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path TARGET = MODULE.resolve("target");

    static Path iso;

    @org.junit.jupiter.api.BeforeAll static void buildIso() throws Exception {
        iso = TARGET.resolve("vigil-appliance.iso");
        Files.createDirectories(TARGET);
        Process build = new ProcessBuilder("bash", MODULE.resolve("mk-iso.sh").toString(), iso.toString())
                .redirectErrorStream(true).redirectOutput(TARGET.resolve("mk-iso.log").toFile()).start();
        assertThat(build.waitFor(15, TimeUnit.MINUTES)).as("mk-iso.sh finished").isTrue();
        assertThat(build.exitValue()).as("mk-iso.sh exit; see %s:\n%s", TARGET.resolve("mk-iso.log"),
                Files.readString(TARGET.resolve("mk-iso.log"))).isZero();
        System.out.printf("ISO: %s, %.1f MB%n", iso, Files.size(iso) / 1e6);
    }

    /** A running guest: qemu booted from the ISO, its API forwarded to {@code base}. */
    record Guest(Process qemu, String base, Path serial, long startedNanos) implements AutoCloseable {
        @Override public void close() throws InterruptedException {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Guest boot(String name, List<String> extra) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        Path serial = TARGET.resolve(name + "-serial.log");
        // -cpu qemu64: with TCG's "max" model the guest JVM's ZGC-compiled code crashed (SIGSEGV); qemu64 runs it.
        // thread=single: with multi-threaded TCG the guest JVM once died of SIGILL in freshly patched C1 code (two
        // vCPUs, one patching what the other runs); one host thread for both vCPUs was no slower here (177 s vs 214 s)
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg,thread=single", "-cpu", "qemu64",
                "-m", "1536", "-smp", "2", "-display", "none", "-no-reboot", "-serial", "file:" + serial,
                "-cdrom", iso.toString(), "-boot", "d",
                "-nic", "user,model=virtio-net-pci,restrict=on,net=192.0.2.0/24,host=192.0.2.2,"
                        + "hostfwd=tcp:127.0.0.1:" + port + "-192.0.2.15:9179"));
        cmd.addAll(extra);
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(TARGET.resolve(name + "-qemu.out").toFile()).start();
        return new Guest(qemu, "http://127.0.0.1:" + port, serial, System.nanoTime());
    }

    /** VI_1 of the embedded example as MASTER (keepalived's state number 2) in /metrics. */
    static final java.util.regex.Pattern VI_1_MASTER =
            java.util.regex.Pattern.compile("keepalived_vrrp_state\\{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",ip_address=\"192.0.2.100\",} 2.0");

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test void theIsoBootsIntoAMasterDirectorWithIpvs() throws Exception {
        try (Guest g = boot("appliance", List.of())) {
            // no token file and 0.0.0.0: the state is read where it stays open, in /metrics
            awaitBody(http, g.base() + "/metrics", null, b -> VI_1_MASTER.matcher(b).find(), g.qemu(), g.serial());
            System.out.printf("MASTER %.0f s after qemu started%n", (System.nanoTime() - g.startedNanos()) / 1e9);
            String metrics = awaitBody(http, g.base() + "/metrics", null, b -> b.contains("node_ipvs_backend_weight{"), g.qemu(), g.serial());
            assertThat(metrics).contains("vigil_ipvs_kernel_available 1.0").containsPattern(VI_1_MASTER)
                    .contains("remote_address=\"198.51.100.11\"");
            assertThat(Files.readString(g.serial())).contains("=== VIGIL-APPLIANCE starting: vigil run --embedded-default")
                    .contains("management API listens beyond loopback (0.0.0.0) without an API token");
            // beyond loopback without a token: reads 401 (saying how to configure a token), liveness open
            var read = send(http, "GET", g.base() + "/api/v1/instances", null);
            assertThat(read.statusCode()).isEqualTo(401);
            assertThat(read.body()).contains("started without an API token").contains("--api-token-file");
            assertThat(send(http, "GET", g.base() + "/api/v1/node", null).statusCode()).isEqualTo(401);
            assertThat(send(http, "GET", g.base() + "/health", null).statusCode()).isEqualTo(200);
            // control: no token 401, any token 403
            assertThat(send(http, "POST", g.base() + "/api/v1/instances/VI_1/maintenance", null).statusCode()).isEqualTo(401);
            var refused = send(http, "POST", g.base() + "/api/v1/instances/VI_1/maintenance", "guess");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("started without an API token");
        }
    }

    /** The operator's keepalived.conf and API token on a disk: used as they are, control actions enabled. */
    static final String TOKEN = "iso-secret";

    @Test void aConfigurationDiskIsUsedAsWritten() throws Exception {
        Path dir = Files.createDirectories(TARGET.resolve("cfg-disk/keepalived"));
        Files.writeString(dir.resolve("keepalived.conf"), """
                global_defs {
                    router_id LB_ISO
                }
                vrrp_instance VI_9 {
                    state MASTER
                    interface eth0
                    virtual_router_id 9
                    priority 120
                    advert_int 1
                    authentication {
                        auth_type PASS
                        auth_pass iso9
                    }
                    virtual_ipaddress {
                        192.0.2.200/24
                    }
                }
                virtual_server 192.0.2.200 443 {
                    delay_loop 3
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                    real_server 198.51.100.21 443 {
                        weight 2
                        TCP_CHECK {
                            connect_timeout 2
                        }
                    }
                }
                """);
        Files.writeString(dir.resolve("api-token"), TOKEN + "\n");
        Path disk = TARGET.resolve("cfg-disk.iso");
        Process mk = new ProcessBuilder("xorriso", "-as", "mkisofs", "-quiet", "-o", disk.toString(), "-V", "VIGILCFG",
                "-r", dir.getParent().toString()).redirectErrorStream(true).start();
        String out = new String(mk.getInputStream().readAllBytes());
        assertThat(mk.waitFor()).as(out).isZero();
        try (Guest g = boot("appliance-cfg", List.of("-drive", "file=" + disk + ",if=virtio,format=raw,readonly=on"))) {
            // with a token every read beyond loopback sends it
            String instances = awaitBody(http, g.base() + "/api/v1/instances", TOKEN, b -> b.contains("\"state\":\"MASTER\""), g.qemu(), g.serial());
            assertThat(instances).contains("\"name\":\"VI_9\"").contains("192.0.2.200/24").doesNotContain("VI_1");
            assertThat(send(http, "GET", g.base() + "/api/v1/instances", null).statusCode()).isEqualTo(401);
            assertThat(send(http, "GET", g.base() + "/api/v1/instances", "guess").statusCode()).isEqualTo(403);
            assertThat(send(http, "GET", g.base() + "/api/v1/node", TOKEN).body()).contains("\"ipvs\":\"kernel\"");
            String metrics = awaitBody(http, g.base() + "/metrics", null, b -> b.contains("remote_address=\"198.51.100.21\""), g.qemu(), g.serial());
            assertThat(metrics).contains("local_port=\"443\"");
            assertThat(Files.readString(g.serial())).contains("configuration from /dev/vda")
                    .contains("starting: vigil run -f /etc/keepalived/keepalived.conf")
                    .contains("beyond loopback: every route but /health, /metrics, /openapi.json needs the bearer token");
            assertThat(send(http, "POST", g.base() + "/api/v1/instances/VI_9/maintenance", null).statusCode()).isEqualTo(401);
            assertThat(send(http, "POST", g.base() + "/api/v1/instances/VI_9/maintenance", TOKEN).statusCode()).isEqualTo(202);
            assertThat(awaitBody(http, g.base() + "/api/v1/instances/VI_9", TOKEN, b -> b.contains("\"effectivePriority\":1,"), g.qemu(), g.serial()))
                    .contains("\"maintenance\":true");
        }
    }

    /** One request, with {@code Authorization: Bearer token} unless the token is null. */
    private static HttpResponse<String> send(HttpClient http, String method, String url, String token) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitBody(HttpClient http, String url, String token, java.util.function.Predicate<String> ok, Process qemu, Path serial)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8); // TCG: kernel, JVM and Vigil start emulated
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!qemu.isAlive()) break;
            try {
                last = send(http, "GET", url, token).body();
                if (ok.test(last)) return last;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("no good answer from " + url + " (last: " + last + ")\nserial console:\n"
                + (Files.exists(serial) ? tail(Files.readString(serial)) : "(none)"));
    }

    private static String tail(String s) { return s.length() > 6000 ? s.substring(s.length() - 6000) : s; }
}
