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
 * /metrics must show the guest kernel's IPVS programmed: first on the embedded example (journal in RAM), then with an
 * operator's keepalived.conf and API token on a second disk and a blank data disk, which keeps configuration, token
 * and journal across a power cut (docs/operations.md, "Data disk"). The appliance listens on 0.0.0.0, beyond loopback: without a
 * token only /metrics, /openapi.json and /health answer, with one every read needs it (docs/api.md).
 */
class ApplianceIsoIT {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path TARGET = MODULE.resolve("target");

    static Path iso;

    @org.junit.jupiter.api.BeforeAll static void buildIso() throws Exception {
        iso = IsoImage.build();
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
                    .contains("management API listens beyond loopback (0.0.0.0) without an API token")
                    // no disk at all: the journal stays in RAM, and the console says so
                    .contains("=== VIGIL-APPLIANCE WARNING: journal in RAM only (no disk with LABEL=VIGIL-DATA and no blank disk)");
            // the status screen follows the election: a block naming the instance MASTER, the addresses and the API
            String status = awaitSerial(g, "  instance VI_1 vrid 51 on eth0: MASTER");
            assertThat(status).contains("  addresses eth0: 192.0.2.15/24 192.0.2.100/32")
                    .contains("  API http://192.0.2.15:9179/ (no API token: only /metrics, /health, /openapi.json)")
                    .contains("  journal: RAM only (no disk with LABEL=VIGIL-DATA and no blank disk): history is lost at power-off");
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

    /**
     * The operator's keepalived.conf and API token on a configuration disk, and a blank data disk: the configuration
     * is used as written (control actions enabled) and saved on the data disk, which the first boot prepares (ext4
     * "VIGIL-DATA", the journal on it). qemu is then killed under the running director (a power cut: the guest gets
     * no chance to sync or stop) and the appliance boots again with the data disk alone: the saved configuration and
     * token, and the journal of the first boot, are found there. Finally the disk is read on the host as an operator
     * would after pulling it from a dead box: e2fsck replays ext4's journal on a copy, debugfs copies vigil/journal
     * out and {@code vigil journal show} reads both runs, the second one's start saying that the first one crashed,
     * and the maintenance action acknowledged before the power cut.
     */
    static final String TOKEN = "iso-secret";

    @Test void aConfigurationDiskIsUsedAsWrittenAndTheDataDiskKeepsItAcrossAPowerCut() throws Exception {
        Path dir = Files.createDirectories(TARGET.resolve("cfg-disk/keepalived"));
        // inhibit_on_failure: the real server (nobody answers at .21) stays in the guest's IPVS at weight 0, so /metrics
        // shows it however early its check fails (a slow guest checked before it programmed IPVS, and it never appeared)
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
                        inhibit_on_failure
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
        Path data = TARGET.resolve("data-disk.raw");
        Files.deleteIfExists(data);
        try (var f = new java.io.RandomAccessFile(data.toFile(), "rw")) { f.setLength(256L << 20); } // sparse, all zeros
        try (Guest g = boot("appliance-cfg", List.of("-drive", "file=" + disk + ",if=virtio,format=raw,readonly=on",
                "-drive", "file=" + data + ",if=virtio,format=raw"))) {
            // with a token every read beyond loopback sends it
            String instances = awaitBody(http, g.base() + "/api/v1/instances", TOKEN, b -> b.contains("\"state\":\"MASTER\""), g.qemu(), g.serial());
            System.out.printf("first boot (configuration disk, blank data disk): MASTER %.0f s after qemu started%n", (System.nanoTime() - g.startedNanos()) / 1e9);
            assertThat(instances).contains("\"name\":\"VI_9\"").contains("192.0.2.200/24").doesNotContain("VI_1");
            assertThat(send(http, "GET", g.base() + "/api/v1/instances", null).statusCode()).isEqualTo(401);
            assertThat(send(http, "GET", g.base() + "/api/v1/instances", "guess").statusCode()).isEqualTo(403);
            assertThat(send(http, "GET", g.base() + "/api/v1/node", TOKEN).body()).contains("\"ipvs\":\"kernel\"");
            String metrics = awaitBody(http, g.base() + "/metrics", null, b -> b.contains("remote_address=\"198.51.100.21\""), g.qemu(), g.serial());
            assertThat(metrics).contains("local_port=\"443\"");
            assertThat(Files.readString(g.serial())).contains("configuration from /dev/vda")
                    .contains("=== VIGIL-APPLIANCE data disk /dev/vdb is blank: creating ext4 labelled VIGIL-DATA")
                    .contains("=== VIGIL-APPLIANCE data disk /dev/vdb prepared (first boot on it)")
                    .contains("=== VIGIL-APPLIANCE configuration saved on the data disk")
                    .contains("starting: vigil run -f /etc/keepalived/keepalived.conf -i lvs1 --api-listen 0.0.0.0:9179 --journal /data/vigil/journal")
                    .contains("beyond loopback: every route but /health, /metrics, /openapi.json needs the bearer token")
                    .doesNotContain("RAM only");
            String status = awaitSerial(g, "  instance VI_9 vrid 9 on eth0: MASTER");
            assertThat(status).contains("  API http://192.0.2.15:9179/ (bearer token required)")
                    .contains("  journal: data disk /dev/vdb (");
            assertThat(send(http, "POST", g.base() + "/api/v1/instances/VI_9/maintenance", null).statusCode()).isEqualTo(401);
            assertThat(send(http, "POST", g.base() + "/api/v1/instances/VI_9/maintenance", TOKEN).statusCode()).isEqualTo(202);
            assertThat(awaitBody(http, g.base() + "/api/v1/instances/VI_9", TOKEN, b -> b.contains("\"effectivePriority\":1,"), g.qemu(), g.serial()))
                    .contains("\"maintenance\":true");
            // the liveness marks after the action are msync'ed within 20 ms; ext4 commits metadata every 5 s
            Thread.sleep(12_000);
        } // qemu killed: a power cut
        try (Guest g = boot("appliance-data", List.of("-drive", "file=" + data + ",if=virtio,format=raw"))) {
            // no configuration medium: the data disk's saved configuration and token
            String instances = awaitBody(http, g.base() + "/api/v1/instances", TOKEN, b -> b.contains("\"state\":\"MASTER\""), g.qemu(), g.serial());
            System.out.printf("second boot (data disk alone, after the power cut): MASTER %.0f s after qemu started%n", (System.nanoTime() - g.startedNanos()) / 1e9);
            assertThat(instances).contains("\"name\":\"VI_9\"");
            assertThat(Files.readString(g.serial()))
                    .containsPattern("=== VIGIL-APPLIANCE data disk /dev/vda reused: journal \\S+, [1-9]\\d* hour file\\(s\\), 1 earlier boot\\(s\\)")
                    .contains("=== VIGIL-APPLIANCE configuration from the data disk /dev/vda")
                    .doesNotContain("creating ext4").doesNotContain("RAM only");
            assertThat(awaitSerial(g, "  instance VI_9 vrid 9 on eth0: MASTER")).contains("  journal: data disk /dev/vda (");
            Thread.sleep(12_000);
        } // and again
        Path journal = journalFromDisk(data, TARGET.resolve("data-disk-journal"));
        String show = vigil("journal", "show", "--dir", journal.toString());
        System.out.println("vigil journal show over the data disk: " + show.lines().count() + " lines; starts, storage, operator actions:");
        show.lines().filter(l -> l.contains("node-started") || l.contains("operator-action")).forEach(System.out::println);
        List<String> starts = show.lines().filter(l -> l.contains("node-started")).toList();
        assertThat(starts).as(show).hasSize(2);
        assertThat(starts.get(0)).doesNotContain("previous run");          // the first boot: a blank disk, first run
        assertThat(starts.get(1)).contains("previous run CRASHED after #"); // the second: the power cut, read off the disk
        assertThat(show.lines().filter(l -> l.contains("operator-action") && l.contains("storage")
                && l.contains("journal on data disk /dev/vd")).count()).as(show).isEqualTo(2);
        assertThat(show).contains("maintenance");                            // acknowledged before the power cut
        String incidents = vigil("journal", "incidents", "--dir", journal.toString());
        System.out.println("vigil journal incidents:\n" + incidents);
        assertThat(incidents.toLowerCase(java.util.Locale.ROOT)).contains("crash");
    }

    /** e2fsck (replaying ext4's journal, as a mount would) on a copy of the disk, then debugfs copies vigil/journal out. */
    static Path journalFromDisk(Path disk, Path out) throws Exception {
        Path copy = TARGET.resolve("data-disk-copy.raw");
        run(List.of("cp", "--sparse=always", disk.toString(), copy.toString()), 0);
        int fsck = run(List.of("e2fsck", "-fy", copy.toString()), -1);
        assertThat(fsck).as("e2fsck exit (0 clean, 1 corrected)").isLessThanOrEqualTo(1);
        if (Files.exists(out)) try (var w = Files.walk(out)) { w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        Files.createDirectories(out);
        run(List.of("debugfs", "-R", "rdump /vigil/journal " + out, copy.toString()), 0);
        Files.delete(copy);
        return out.resolve("journal");
    }

    /** bin/vigil of this tree (the same vigil.jar the ISO carries), its output. */
    static String vigil(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(MODULE.getParent().resolve("bin/vigil").toString()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("VIGIL_AOT", "off");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    private static int run(List<String> cmd, int expect) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        if (expect >= 0) assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isEqualTo(expect);
        return p.exitValue();
    }

    /** Waits for a status block (docs/operations.md) holding {@code line} on the serial console; returns the block. */
    static String awaitSerial(Guest g, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (System.nanoTime() < deadline && g.qemu().isAlive()) {
            String log = Files.exists(g.serial()) ? Files.readString(g.serial()).replace("\r", "") : ""; // the tty writes CRLF
            for (int at = log.lastIndexOf("=== VIGIL-STATUS"); at >= 0; at = log.lastIndexOf("=== VIGIL-STATUS", at - 1)) {
                int end = log.indexOf("\n=== ", at + 1);
                String block = log.substring(at, end < 0 ? log.length() : end + 1);
                if (block.contains(line + "\n") && block.contains("\n  journal: ")) return block; // whole: its last line is there
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("no status block with '" + line + "' on the serial console:\n"
                + (Files.exists(g.serial()) ? tail(Files.readString(g.serial())) : "(none)"));
    }

    /** One request, with {@code Authorization: Bearer token} unless the token is null. */
    private static HttpResponse<String> send(HttpClient http, String method, String url, String token) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitBody(HttpClient http, String url, String token, java.util.function.Predicate<String> ok, Process qemu, Path serial)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15); // TCG: kernel, JVM and Vigil start emulated
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
