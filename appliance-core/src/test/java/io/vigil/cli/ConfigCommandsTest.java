package io.vigil.cli;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vigil check-config} and {@code vigil dump-config} through io.vigil.cli.Main.run, output captured. */
class ConfigCommandsTest {
    @TempDir Path dir;

    record Run(int exit, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path seed(String name) throws URISyntaxException {
        return Path.of(ConfigCommandsTest.class.getResource("/seeds/" + name).toURI());
    }

    @Test void embeddedDefaultIsClean() {
        Run r = run("check-config", "--embedded-default");
        assertThat(r.exit()).isEqualTo(ConfigExit.OK);
        assertThat(r.out()).startsWith("embedded:default-keepalived.conf: 0 error(s), 0 warning(s), 0 note(s); "
                + "1 vrrp_instance, 1 virtual_server, 2 real_server; sha256 ");
        assertThat(r.out()).endsWith("; exit 0\n");
    }

    @Test void seed000PrintsCompilerStyleLinesAndExitsFiveLikeKeepalived() throws Exception {
        Path f = seed("000_01bd8f5ccc308432-backup.conf");
        Run r = run("check-config", "-f", f.toString());
        assertThat(r.exit()).isEqualTo(ConfigExit.CONFIG_ERRORS).isEqualTo(5);
        assertThat(r.out()).contains(f + ":12:15: warning: (KEEPALIVED_LVS_WEB) unknown state 'SLAVE'");
        assertThat(r.out()).contains(f + ":34:9: warning: unknown keyword '//' in virtual_server 10.10.10.10 80");
        assertThat(r.out()).contains(f + ":46:16: info: nb_get_retry is deprecated; read as retry");
        assertThat(r.out()).contains(f + ":14:9: info: (KEEPALIVED_LVS_WEB) lvs_sync_daemon_interface in a vrrp_instance is "
                + "deprecated; use global_defs lvs_sync_daemon");
        assertThat(r.out().lines().toList().getLast())
                .isEqualTo(f + ": 0 error(s), 16 warning(s), 3 note(s); 1 vrrp_instance, 1 virtual_server, 2 real_server; "
                        + "sha256 " + r.out().lines().toList().getLast().replaceAll(".*sha256 (\\w+);.*", "$1") + "; exit 5");
    }

    @Test void quietPrintsOnlyProblems() throws Exception {
        Path f = seed("000_01bd8f5ccc308432-master.conf");
        Run r = run("check-config", "-q", "-f", f.toString());
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.out().lines()).hasSize(15).allMatch(l -> l.contains(": warning: "));
    }

    @Test void cleanFileExitsZeroAndNotesDoNotCount() throws IOException {
        Path f = dir.resolve("ok.conf");
        Files.writeString(f, "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_kind NAT\n real_server 198.51.100.1 8080 {\n"
                + "  TCP_CHECK {\n   nb_get_retry 2\n  }\n }\n}\n");
        Run r = run("check-config", "-f", f.toString());
        assertThat(r.out()).contains(": info: ").contains("0 error(s), 0 warning(s), 2 note(s)");
        assertThat(r.exit()).isZero();
    }

    @Test void missingFileExitsFour() {
        Path f = dir.resolve("missing.conf");
        Run r = run("check-config", "-f", f.toString());
        assertThat(r.exit()).isEqualTo(ConfigExit.FATAL).isEqualTo(4);
        assertThat(r.out()).contains(f + ":0:0: error: configuration file " + f + " does not exist")
                .contains("not usable; exit 4");
        assertThat(r.err()).isEmpty(); // no stack trace
    }

    @Test void binaryFileExitsFourWithoutStackTrace() throws IOException {
        Path f = dir.resolve("bin.conf");
        Files.write(f, new byte[]{'a', 'b', 0, 1, 2, 3});
        Run r = run("check-config", "-f", f.toString());
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).contains(f + ":1:3: error: binary data (byte 0x00)");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test void configIdSelectsConditionalLines() {
        Run master = run("dump-config", "--embedded-default", "--config-id", "lvs1");
        Run backup = run("dump-config", "--embedded-default", "-i", "lvs2");
        JsonObject m = new JsonObject(master.out());
        JsonObject b = new JsonObject(backup.out());
        assertThat(m.getJsonArray("vrrpInstances").getJsonObject(0).getString("state")).isEqualTo("MASTER");
        assertThat(m.getJsonArray("vrrpInstances").getJsonObject(0).getInteger("priority")).isEqualTo(150);
        assertThat(b.getJsonArray("vrrpInstances").getJsonObject(0).getString("state")).isEqualTo("BACKUP");
        assertThat(m.getJsonObject("globalDefs").getString("routerId")).isEqualTo("LVS_DIRECTOR_A");
        assertThat(b.getJsonObject("globalDefs").getString("routerId")).isEqualTo("LVS_DIRECTOR_B");
        assertThat(m.getString("contentHash")).isNotEqualTo(b.getString("contentHash")).hasSize(64);
    }

    @Test void dumpConfigIsTheNormalisedModel() {
        Run r = run("dump-config", "--embedded-default", "-i", "lvs1");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        JsonObject j = new JsonObject(r.out());
        JsonObject vi = j.getJsonArray("vrrpInstances").getJsonObject(0);
        assertThat(vi.getString("name")).isEqualTo("VI_1");
        assertThat(vi.getInteger("virtualRouterId")).isEqualTo(51);
        assertThat(vi.getValue("advertInterval").toString()).isEqualTo("1");
        assertThat(vi.getInteger("vrrpVersion")).isEqualTo(2);
        assertThat(vi.getJsonArray("virtualIpAddresses").getJsonObject(0).getString("address")).isEqualTo("192.0.2.100");
        assertThat(vi.getString("where")).isEqualTo("embedded:default-keepalived.conf:14:1");
        JsonObject vs = j.getJsonArray("virtualServers").getJsonObject(0);
        assertThat(vs.getJsonObject("address").getString("type")).isEqualTo("IpPort");
        assertThat(vs.getJsonObject("address").getInteger("port")).isEqualTo(80);
        assertThat(vs.getString("lbKind")).isEqualTo("DR");
        assertThat(vs.getString("lbAlgo")).isEqualTo("wrr");
        var rs = vs.getJsonArray("realServers");
        assertThat(rs.getJsonObject(0).getString("ip")).isEqualTo("198.51.100.11");
        assertThat(rs.getJsonObject(1).getString("ip")).isEqualTo("198.51.100.12");
        JsonObject checker = rs.getJsonObject(0).getJsonArray("checkers").getJsonObject(0);
        assertThat(checker.getString("type")).isEqualTo("HTTP_GET");
        assertThat(checker.getInteger("retry")).isEqualTo(3);
        assertThat(checker.getJsonObject("node").getJsonArray("children").getJsonObject(0).getString("keyword"))
                .isEqualTo("url");
    }

    @Test void dumpConfigOfABrokenFileSendsDiagnosticsToStderr() throws Exception {
        Path f = seed("000_01bd8f5ccc308432-backup.conf");
        Run r = run("dump-config", "--compact", "-f", f.toString());
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err()).contains(f + ":12:15: warning: (KEEPALIVED_LVS_WEB) unknown state 'SLAVE'");
        assertThat(r.out().lines()).hasSize(1);
        assertThat(new JsonObject(r.out()).getJsonArray("vrrpInstances").getJsonObject(0).getString("state"))
                .isEqualTo("BACKUP");
    }

    @Test void defaultFileIsKeepalivedsPath() {
        Run r = run("check-config", "--help");
        assertThat(r.out()).contains("/etc/keepalived/keepalived.conf").contains("--embedded-default").contains("-i, --config-id");
    }
}
