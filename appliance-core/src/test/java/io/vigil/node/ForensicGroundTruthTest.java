package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.store.JournalReader;
import io.vigil.journal.store.JournalSet;
import io.vigil.journal.forensic.Forensics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The incident report checked against the wire, not against itself: two {@code vigil run} directors on one bridge
 * go through a partition, a track_script demotion, a reload, a SIGTERM handover (priority 0) and a kill -9, while
 * tcpdump on the bridge records every advert. {@code vigil journal incidents --json} over both journals must find
 * the partition within one advert interval of the wire, report the kill as a crash (no invented split brain), give
 * each failover its cause chain across both journals, recover a clock shift, and flag a missing journal.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ForensicGroundTruthTest {
    static final String VIP = "192.0.2.100/24", A = "192.0.2.11", B = "192.0.2.12";
    static final double ADVERT = 1.0;

    static Path dirA, dirB;
    static WireTruth wire;
    static double partitionHealed, killAt, restartKillAt;
    static List<JsonObject> report;
    static String logs;

    @BeforeAll
    static void runTheIncidents() throws Exception {
        NetLab lab = new NetLab("fg");
        try {
            String a = lab.node("a", A);
            String b = lab.node("b", B);
            Path ok = lab.dir.resolve("a-ok");
            Files.writeString(ok, "");
            Files.setPosixFilePermissions(lab.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Conf ca = Conf.node("lb-a", 150);
            ca.trackScript = "/usr/bin/test -f " + ok;     // fails → weight -60: 150 → 90, below b's 100
            Path confA = lab.write("a.conf", ca.text());
            Path confB = lab.write("b.conf", Conf.node("lb-b", 100).text());
            dirA = lab.dir.resolve("va-journal");
            dirB = lab.dir.resolve("vb-journal");
            NetLab.Proc cap = lab.start("capw", lab.switchNs(), List.of("tcpdump", "-l", "-n", "-tt", "-v", "-i", "br0", "ip proto 112"));
            NetLab.Proc va = lab.vigil("va", a, confA);
            NetLab.Proc vb = lab.vigil("vb", b, confB);
            NetLab.awaitStarted(va);
            NetLab.awaitStarted(vb);
            await("a MASTER", lab::logs, Duration.ofSeconds(15), quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP)));
            Thread.sleep(2000);

            // 1. partition: the bridge stops flooding multicast between the ports (it still sees every advert)
            List<String> ports = bridgePorts(lab);
            for (String p : ports) NetLab.sh("ip", "netns", "exec", lab.switchNs(), "bridge", "link", "set", "dev", p, "mcast_flood", "off");
            await("b MASTER in the partition", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(b, VIP)));
            Thread.sleep(3000);
            for (String p : ports) NetLab.sh("ip", "netns", "exec", lab.switchNs(), "bridge", "link", "set", "dev", p, "mcast_flood", "on");
            partitionHealed = now();
            await("b yields after the heal", lab::logs, Duration.ofSeconds(10), quiet(() -> !lab.hasAddr(b, VIP)));
            Thread.sleep(2000);

            // 2. a's track_script fails: a advertises 90, b (100) preempts; then it recovers and a preempts back
            Files.delete(ok);
            await("b preempts a demoted a", lab::logs, Duration.ofSeconds(15), quiet(() -> lab.hasAddr(b, VIP) && !lab.hasAddr(a, VIP)));
            Thread.sleep(2000);
            Files.writeString(ok, "");
            await("a back", lab::logs, Duration.ofSeconds(15), quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP)));
            Thread.sleep(1500);

            // 3. a reload that adds VI_2, and one that removes it again: its stop is the reload's doing
            String conf2 = ca.text() + "vrrp_instance VI_2 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 52\n"
                    + "  priority 150\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.102/24\n  }\n}\n";
            Files.writeString(confA, conf2);
            NetLab.sh("kill", "-HUP", Long.toString(va.pid()));
            await("VI_2 MASTER", lab::logs, Duration.ofSeconds(15), quiet(() -> lab.hasAddr(a, "192.0.2.102/24")));
            Files.writeString(confA, ca.text());
            NetLab.sh("kill", "-HUP", Long.toString(va.pid()));
            await("VI_2 gone", lab::logs, Duration.ofSeconds(10), quiet(() -> !lab.hasAddr(a, "192.0.2.102/24")));
            Thread.sleep(1500);

            // 4. SIGTERM: a resigns with priority 0, b takes over; a comes back and preempts
            assertThat(lab.term(va, Duration.ofSeconds(15))).isZero();
            await("b MASTER after a's priority 0", lab::logs, Duration.ofSeconds(5), quiet(() -> lab.hasAddr(b, VIP)));
            NetLab.Proc va2 = lab.vigil("va", a, confA);
            NetLab.awaitStarted(va2);
            await("a back after restart", lab::logs, Duration.ofSeconds(20), quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP)));
            Thread.sleep(2500);

            // 5. kill -9 of the master and a restart; then kill -9 again, never restarted
            restartKillAt = now();
            lab.kill9(va2);
            NetLab.run("ip", "-n", a, "addr", "del", VIP, "dev", "eth0"); // gone with the crashed box
            await("b MASTER after the first crash", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(b, VIP)));
            Thread.sleep(1500);
            NetLab.Proc va3 = lab.vigil("va", a, confA);
            NetLab.awaitStarted(va3);
            await("a back after the crash", lab::logs, Duration.ofSeconds(20), quiet(() -> lab.hasAddr(a, VIP) && !lab.hasAddr(b, VIP)));
            Thread.sleep(2500);
            killAt = now();
            lab.kill9(va3);
            await("b MASTER after the crash", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(b, VIP)));
            Thread.sleep(6000);
            assertThat(lab.term(vb, Duration.ofSeconds(15))).isZero();
            Thread.sleep(500);
            cap.process().destroy();
            cap.process().waitFor(5, TimeUnit.SECONDS);
            wire = WireTruth.parse(cap.logText());
            logs = lab.logs();
            report = incidents(List.of(dirA, dirB));
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e.getMessage() + "\n" + lab.logs(), e);
        } finally {
            Path keep = Files.createTempDirectory("fg-journals");
            copy(lab.dir.resolve("va-journal"), keep.resolve("a"));
            copy(lab.dir.resolve("vb-journal"), keep.resolve("b"));
            dirA = keep.resolve("a");
            dirB = keep.resolve("b");
            lab.close();
        }
    }

    @Test
    void thePartitionIsTheWiresSplitBrainWithinOneAdvertInterval() {
        var truth = wire.splitBrains(1.5 * ADVERT).stream().filter(w -> w.vrid() == 51 && w.seconds() >= ADVERT).toList();
        assertThat(truth).as("the wire shows the partition:\n" + wire.adverts().size() + " adverts").hasSize(1);
        var partitions = of("split-brain").stream().filter(o -> o.getString("class").equals("partition")).toList();
        assertThat(partitions).as(String.valueOf(report)).hasSize(1);
        JsonObject w = partitions.getFirst();
        assertThat(w.getString("instance")).isEqualTo("VI_1");
        double start = seconds(w.getString("start")), end = seconds(w.getString("end"));
        System.out.printf("partition: wire %.3f .. %.3f, journals %.3f .. %.3f (start %+.0f ms, end %+.0f ms)%n",
                truth.getFirst().from(), truth.getFirst().to(), start, end,
                (start - truth.getFirst().from()) * 1000, (end - truth.getFirst().to()) * 1000);
        assertThat(Math.abs(start - truth.getFirst().from())).isLessThanOrEqualTo(ADVERT);
        assertThat(Math.abs(end - truth.getFirst().to())).isLessThanOrEqualTo(ADVERT);
        // every other window is a handover overlap shorter than an advert interval, and the wire has none longer
        for (JsonObject o : of("split-brain"))
            if (o != w) {
                assertThat(o.getString("class")).as(o.encode()).isEqualTo("overlap");
                assertThat(o.getDouble("durationMs")).isLessThan(ADVERT * 1000);
            }
    }

    @Test
    void theKillIsACrashNotAnInventedSplitBrain() {
        var crashes = of("crash");
        assertThat(crashes).as(String.valueOf(report)).hasSize(2);
        // the first kill, restarted: dated between its last evidence and the restart
        JsonObject r = crashes.getFirst();
        assertThat(r.getString("node")).isEqualTo("lb-a");
        assertThat(r.getString("restart")).isNotNull();
        double lastBeforeRestart = wire.lastAdvertBefore(A, restartKillAt + 1);
        assertThat(seconds(r.getString("lastEntry"))).isBetween(lastBeforeRestart - 1.2, restartKillAt + 0.2);
        assertThat(seconds(r.getString("restart"))).isGreaterThan(restartKillAt);
        assertThat(of("split-brain")).noneMatch(o -> Math.abs(seconds(o.getString("start")) - restartKillAt) < 5
                && !o.getString("class").equals("overlap"));
        // the last kill: never restarted
        JsonObject c = crashes.getLast();
        assertThat(c.getString("node")).isEqualTo("lb-a");
        assertThat(c.getValue("restart")).isNull();
        double lastAdvert = wire.lastAdvertBefore(A, killAt + 1);
        double lastEntry = seconds(c.getString("lastEntry"));
        System.out.printf("crash: last advert on the wire %.3f, last journal evidence %.3f (%+.0f ms)%n",
                lastAdvert, lastEntry, (lastEntry - lastAdvert) * 1000);
        assertThat(lastEntry).isBetween(lastAdvert - 1.2, killAt + 0.2);
        // no window after the kill: a is unknown, b alone is MASTER
        assertThat(of("split-brain")).noneMatch(o -> seconds(o.getString("start")) > killAt - 0.5);
    }

    @Test
    void failoversCarryTheirCausesAcrossBothJournals() {
        var bTakeovers = of("failover").stream().filter(f -> f.getString("node").equals("lb-b") && f.getString("instance").equals("VI_1")).toList();
        // the demotion: b preempted because a advertised 90, because a's track_script failed
        JsonObject preempt = bTakeovers.stream().filter(f -> f.getJsonArray("why").encode().contains("preempt")).findFirst()
                .orElseThrow(() -> new AssertionError("no preemption failover: " + bTakeovers));
        String chain = preempt.getJsonArray("why").encode();
        assertThat(chain).contains("advert priority 90 from 192.0.2.11").contains("\"node\":\"lb-a\"")
                .contains("priority-changed").contains("track_script chk");
        // the SIGTERM: b took over after a's priority 0, because a stopped on a signal
        JsonObject zero = bTakeovers.stream().filter(f -> f.getJsonArray("why").encode().contains("priority 0")).findFirst()
                .orElseThrow(() -> new AssertionError("no priority-0 failover: " + bTakeovers));
        assertThat(zero.getJsonArray("why").encode()).contains("MASTER->STOP").contains("SIGTERM");
        // the kill: the chain ends at a's crash
        JsonObject crash = bTakeovers.getLast();
        assertThat(crash.getJsonArray("why").encode()).contains("lb-a crashed");
    }

    @Test
    void aReloadIsRecordedAsTheReload() {
        try (JournalReader r = JournalReader.open(dirA)) {
            List<Entry> stops = r.readAll().stream().filter(e -> e.event() instanceof Event.VrrpTransition t
                    && t.instance().equals("VI_2") && t.to() == Event.VrrpState.STOP).toList();
            assertThat(stops).isNotEmpty();
            Entry stop = stops.getFirst();
            assertThat(stop.cause()).isNotInstanceOf(Cause.Signal.class);
            assertThat(((Event.VrrpTransition) stop.event()).reason()).contains("reload");
        }
    }

    @Test
    void aShiftedClockIsEstimatedAndTheWindowsStayPut() {
        Map<String, List<Entry>> straight = JournalSet.load(List.of(dirA, dirB));
        long shift = 3_000_000_000L;
        Map<String, List<Entry>> shifted = new LinkedHashMap<>();
        straight.forEach((n, l) -> shifted.put(n, n.equals("lb-b") ? l.stream().map(e -> shift(e, shift)).toList() : l));
        var before = Forensics.of(straight).report();
        var after = Forensics.of(shifted).report();
        var est = after.skews().getFirst();
        System.out.printf("skew: shifted lb-b by +3000 ms, estimated %+.1f ms ± %.1f ms from %d causal pairs (unshifted: %+.1f ± %.1f)%n",
                est.offsetNs() / 1e6, est.boundNs() / 1e6, est.pairs(),
                before.skews().getFirst().offsetNs() / 1e6, before.skews().getFirst().boundNs() / 1e6);
        assertThat(est.estimated()).isTrue();
        assertThat(Math.abs(est.offsetNs() - shift)).isLessThanOrEqualTo(est.boundNs());
        assertThat(est.boundNs()).isLessThan(500_000_000L); // half an advert interval
        assertThat(after.splitBrains()).extracting(Forensics.SplitBrain::cls)
                .containsExactlyElementsOf(before.splitBrains().stream().map(Forensics.SplitBrain::cls).toList());
        for (int i = 0; i < before.splitBrains().size(); i++)
            assertThat(Math.abs(after.splitBrains().get(i).startNs() - before.splitBrains().get(i).startNs()))
                    .isLessThanOrEqualTo(est.boundNs() + Math.abs(before.skews().getFirst().offsetNs()) + 1);
    }

    @Test
    void oneJournalAloneFlagsTheMissingPeer() throws Exception {
        var alone = incidents(List.of(dirB));
        assertThat(alone.stream().filter(o -> o.getString("type").equals("missing-peer")))
                .anySatisfy(o -> { assertThat(o.getString("address")).isEqualTo(A); assertThat(o.getString("instance")).isEqualTo("VI_1"); });
        // the partition, seen from b alone: inferred, and it holds the wire's window
        var truth = wire.splitBrains(1.5 * ADVERT).stream().filter(w -> w.vrid() == 51 && w.seconds() >= ADVERT).toList().getFirst();
        assertThat(alone.stream().filter(o -> o.getString("type").equals("split-brain")))
                .anySatisfy(o -> {
                    assertThat(o.getString("class")).isEqualTo("inferred");
                    assertThat(seconds(o.getString("start"))).isLessThanOrEqualTo(truth.from() + ADVERT);
                    assertThat(seconds(o.getString("end"))).isGreaterThanOrEqualTo(truth.to() - ADVERT);
                });
    }

    // ------------------------------------------------------------------ helpers

    static List<JsonObject> of(String type) { return report.stream().filter(o -> o.getString("type").equals(type)).toList(); }

    /** {@code vigil journal incidents --json}, spawned as the launcher does, stdout parsed line by line. */
    static List<JsonObject> incidents(List<Path> dirs) throws Exception {
        List<String> cmd = new ArrayList<>(NetLab.vigilCommand());
        cmd.addAll(List.of("journal", "incidents", "--json"));
        for (Path d : dirs) cmd.addAll(List.of("--dir", d.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<JsonObject> l = new ArrayList<>();
        for (String line : out.split("\n")) if (!line.isBlank()) l.add(new JsonObject(line));
        assertThat(l).as("incidents printed something").isNotEmpty();
        return l;
    }

    static Entry shift(Entry e, long ns) {
        Cause c = e.cause() instanceof Cause.Vrrp v && v.heardWallNs() > 0
                ? new Cause.Vrrp(v.kind(), v.peer(), v.device(), v.priority(), v.heardWallNs() + ns, v.relation()) : e.cause();
        Event ev = e.event() instanceof Event.NodeStarted s && s.previousLastWallNs() > 0
                ? new Event.NodeStarted(s.version(), s.pid(), s.previousEnd(), s.previousLastSeq(), s.previousLastWallNs() + ns) : e.event();
        return new Entry(e.node(), e.seq(), e.wallNs() + ns, e.monoNs(), c, ev, e.hash(), e.index(), e.format());
    }

    static List<String> bridgePorts(NetLab lab) throws IOException {
        List<String> ports = new ArrayList<>();
        for (String l : NetLab.run("ip", "-n", lab.switchNs(), "-o", "link", "show", "master", "br0").split("\n")) {
            String[] f = l.trim().split(":\\s+");
            if (f.length > 1) ports.add(f[1].split("@")[0]);
        }
        assertThat(ports).hasSize(2);
        return ports;
    }

    static double now() { return System.currentTimeMillis() / 1000.0; }

    static double seconds(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() + i.getNano() / 1e9;
    }

    static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) return;
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) if (Files.isRegularFile(p)) Files.copy(p, to.resolve(p.getFileName()));
        }
    }
}
