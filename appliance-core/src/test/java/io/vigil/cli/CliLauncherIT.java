package io.vigil.cli;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.Event.IpvsOp;
import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalClock;
import io.vigil.journal.store.JournalConfig;
import io.vigil.node.NetLab;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command that prints, run as an operator runs it: the launcher {@code bin/vigil} on the packaged jar (this
 * is an *IT, run by failsafe after package), stdout and stderr read from the process. In-process tests hand
 * picocli a StringWriter, which needs no flush; that is how {@code journal state} and {@code ldirectord-convert}
 * printed nothing from the real launcher.
 */
class CliLauncherIT {
    static final Path SEEDS = NetLab.ROOT.resolve("appliance-core/src/test/resources/seeds");
    static final Path CONF = SEEDS.resolve("003_754e8130c5ce8b67-master.conf");

    @TempDir static Path tmp;
    static Path journal;

    record Run(int rc, String out, String err) {
        @Override public String toString() { return "exit " + rc + "\n--- stdout\n" + out + "--- stderr\n" + err; }
    }

    static Run vigil(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(NetLab.ROOT.resolve("bin/vigil").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("vigil " + String.join(" ", args) + " did not exit within 120 s");
        }
        return new Run(p.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try { return new String(in.readAllBytes(), StandardCharsets.UTF_8); } catch (IOException e) { throw new java.io.UncheckedIOException(e); }
    }

    /** A small journal with fixed times: lb-a becomes MASTER of VI_1, programs IPVS, loses a real server's quorum. */
    @BeforeAll
    static void journal() {
        assertThat(NetLab.ROOT.resolve("appliance-core/target/vigil.jar")).as("run after package").exists();
        journal = tmp.resolve("journal");
        AtomicLong now = new AtomicLong(Instant.parse("2026-11-24T03:11:50Z").getEpochSecond() * 1_000_000_000L);
        JournalClock clock = new JournalClock() {
            @Override public long wallNs() { return now.addAndGet(1_000_000); }
            @Override public long monoNs() { return now.get() - 1_700_000_000_000_000_000L; }
        };
        String vs = "192.0.2.100:80", svc = "TCP 192.0.2.100:80 wrr";
        try (Journal j = Journal.open(JournalConfig.defaults(journal, "lb-a").withClock(clock))) {
            long st = j.append(Cause.signal("start"), new Event.NodeStarted("vigil 0.1.0", 4242));
            long t = j.append(Cause.event(st), new Event.VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER,
                    "master_down timer expired", 100));
            j.append(Cause.event(t), new Event.VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
            j.append(Cause.event(st), new Event.IpvsChanged(IpvsOp.SERVICE_ADD, svc, "", 0, "", true, ""));
            j.append(Cause.event(st), new Event.IpvsChanged(IpvsOp.DEST_ADD, svc, "198.51.100.11:80", 1, "MASQ", true, ""));
            long down = j.append(Cause.timer("delay_loop"), new Event.RealServerChanged(vs, "198.51.100.11:80", false, 0, false));
            long q = j.append(Cause.event(down), new Event.QuorumChanged(vs, false, "no real server alive (alive weight 0, quorum 1 - hysteresis 0)"));
            j.append(Cause.event(q), new Event.IpvsChanged(IpvsOp.DEST_ADD, svc, "127.0.0.1:80", 1, "MASQ", true, ""));
            assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void topLevelHelpAndVersion() throws Exception {
        Run v = vigil("--version");
        assertThat(v.rc()).as(v.toString()).isZero();
        assertThat(v.out().trim()).isEqualTo("vigil 0.1.0");
        Run h = vigil("--help");
        assertThat(h.rc()).as(h.toString()).isZero();
        assertThat(h.out()).contains("Usage: vigil").contains("check-config").contains("ldirectord-convert").contains("journal");
        Run lab = vigil("lab", "--help");
        assertThat(lab.rc()).as(lab.toString()).isZero();
        assertThat(lab.out()).contains("Usage: vigil lab");
        Run jh = vigil("journal");
        assertThat(jh.out()).contains("Usage: vigil journal").contains("verify").contains("import");
    }

    @Test
    void checkConfigAndDumpConfig() throws Exception {
        Run c = vigil("check-config", "-f", CONF.toString());
        assertThat(c.rc()).as(c.toString()).isEqualTo(5); // a warning: nat_mask
        assertThat(c.out()).contains("warning: unknown keyword 'nat_mask'")
                .contains("0 error(s), 1 warning(s), 0 note(s); 1 vrrp_instance, 1 virtual_server, 2 real_server; sha256 ");
        Run d = vigil("dump-config", "-f", CONF.toString());
        assertThat(d.rc()).as(d.toString()).isEqualTo(5); // the same warning, on stderr; the model on stdout
        assertThat(d.err()).contains("warning: unknown keyword 'nat_mask'");
        JsonObject model = new JsonObject(d.out());
        assertThat(model.getJsonObject("globalDefs").getString("routerId")).isEqualTo("LVS_8808");
        assertThat(model.getJsonArray("vrrpInstances").getJsonObject(0).getString("name")).isEqualTo("HA_WebServer");
    }

    @Test
    void ldirectordConvertOfTheArticlesConfig() throws Exception {
        Run r = vigil("ldirectord-convert", SEEDS.resolve("004_86c755f5944fdba8-ldirectord.cf").toString());
        assertThat(r.rc()).as(r.toString()).isZero();
        assertThat(r.out()).contains("virtual_server 10.0.0.100 80 {\n    delay_loop 1\n    lb_algo wrr\n    lb_kind DR\n")
                .contains("    sorry_server 127.0.0.1 80\n")
                .contains("    real_server 192.168.7.2 80 {\n        weight 3\n        HTTP_GET {\n")
                .contains("                regex \"test\"\n")
                .endsWith("! logfile=/var/log/ldirectord.log: no keepalived.conf equivalent (Vigil journals instead)\n");
        // and what it prints is a keepalived.conf Vigil accepts
        Path conf = tmp.resolve("converted.conf");
        Files.writeString(conf, r.out());
        Run c = vigil("check-config", "-f", conf.toString());
        assertThat(c.out()).as(c.toString()).contains("0 error(s)").contains("1 virtual_server, 2 real_server");
    }

    @Test
    void journalReadingCommands() throws Exception {
        Run tail = vigil("journal", "tail", "--dir", journal.toString(), "-n", "3");
        assertThat(tail.rc()).as(tail.toString()).isZero();
        assertThat(tail.out().lines()).hasSize(3);
        assertThat(tail.out()).contains("quorum-changed [192.0.2.100:80] quorum LOST")
                .contains("ipvs-changed dest-add TCP 192.0.2.100:80 wrr -> 127.0.0.1:80");

        Run show = vigil("journal", "show", "--dir", journal.toString(), "--type", "vrrp-transition");
        assertThat(show.rc()).as(show.toString()).isZero();
        assertThat(show.out()).startsWith("2026-11-24T03:11:50.002000Z lb-a #2 vrrp-transition VI_1 BACKUP->MASTER prio 100: "
                + "master_down timer expired  <- #1 (node-started");

        Run state = vigil("journal", "state", "--dir", journal.toString());
        assertThat(state.rc()).as(state.toString()).isZero();
        assertThat(state.out()).startsWith("as of #8 2026-11-24T03:11:50.008000Z\n")
                .contains("  VI_1 MASTER prio 100 since #2")
                .contains("  192.0.2.100/24 dev eth0 (VI_1) since #3")
                .contains("  [192.0.2.100:80] 198.51.100.11:80 DOWN weight 0 since #6")
                .contains("  quorum [192.0.2.100:80] LOST")
                .contains("    -> 127.0.0.1:80 weight 1 MASQ since #8");

        Run json = vigil("journal", "state", "--dir", journal.toString(), "--json");
        assertThat(json.rc()).as(json.toString()).isZero();
        JsonObject view = new JsonObject(json.out());
        assertThat(view.getJsonObject("instances").getJsonObject("VI_1").getString("state")).isEqualTo("MASTER");
        assertThat(view.getJsonObject("quorum").getBoolean("192.0.2.100:80")).isFalse();

        Run at = vigil("journal", "state", "--dir", journal.toString(), "--at", "2026-11-24T03:11:50.0055Z");
        assertThat(at.out()).as(at.toString()).startsWith("as of #5 ").doesNotContain("quorum [");

        Run verify = vigil("journal", "verify", "--dir", journal.toString());
        assertThat(verify.rc()).as(verify.toString()).isZero();
        assertThat(verify.out()).isEqualTo("OK: 9 entries, seq 1..8, hash chain intact\n");
    }

    @Test
    void exportImportKeepsTheProofAndATamperedExportIsRefused() throws Exception {
        Run export = vigil("journal", "export", "--dir", journal.toString());
        assertThat(export.rc()).as(export.toString()).isZero();
        List<String> lines = export.out().lines().toList();
        assertThat(lines).hasSize(9).allMatch(l -> l.contains("\"hash\":\""));
        assertThat(new JsonObject(lines.get(7)).getString("type")).isEqualTo("quorum-changed");
        Path file = tmp.resolve("export.jsonl");
        Files.write(file, lines);

        Path copy = tmp.resolve("copy");
        Run imp = vigil("journal", "import", "--dir", copy.toString(), "-i", file.toString());
        assertThat(imp.rc()).as(imp.toString()).isZero();
        assertThat(imp.err()).isEqualTo("imported 8 events (seq 1..8) into " + copy + ", hashes checked\n");
        Run verify = vigil("journal", "verify", "--dir", copy.toString());
        assertThat(verify.out()).as(verify.toString()).isEqualTo("OK: 9 entries, seq 1..8, hash chain intact\n");
        assertThat(vigil("journal", "show", "--dir", copy.toString()).out())
                .isEqualTo(vigil("journal", "show", "--dir", journal.toString()).out());

        // every timestamp moved by +3 s
        List<String> moved = lines.stream().map(l -> {
            JsonObject o = new JsonObject(l);
            long w = o.getLong("wallNs") + 3_000_000_000L;
            return o.put("wallNs", w).put("time", io.vigil.journal.EntryFormat.time(w)).encode();
        }).toList();
        Path bad = tmp.resolve("moved.jsonl");
        Files.write(bad, moved);
        Run refused = vigil("journal", "import", "--dir", tmp.resolve("copy2").toString(), "-i", bad.toString());
        assertThat(refused.rc()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("vigil journal: line 1: seq 0 (snapshot): hash mismatch: the entry is not what "
                + "its exporter wrote (a changed field, byte or timestamp), or an entry before it is missing; nothing imported\n");
        assertThat(tmp.resolve("copy2")).doesNotExist();
    }

    @Test
    void genhashAgainstALocalServer() throws Exception {
        byte[] body = "<html>vigil genhash test</html>\n".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/test.html", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (var os = ex.getResponseBody()) { os.write(body); }
        });
        server.start();
        try {
            Run r = vigil("genhash", "-s", "127.0.0.1", "-p", Integer.toString(server.getAddress().getPort()), "-u", "/test.html");
            assertThat(r.rc()).as(r.toString()).isZero();
            assertThat(r.out()).isEqualTo("MD5SUM = " + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)) + "\n");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void realserverStatusReportsWithoutChangingAnything() throws Exception {
        Run r = vigil("realserver", "status", "--vip", "192.0.2.231");
        assertThat(r.out()).as(r.toString()).contains("VIP 192.0.2.231/32 on lo: NO\n").contains("lo up: ")
                .contains("net.ipv4.conf.all.arp_ignore = ").contains("net.ipv4.conf.lo.arp_announce = ")
                .endsWith("not ready\n");
        assertThat(r.rc()).isEqualTo(3);
    }
}
