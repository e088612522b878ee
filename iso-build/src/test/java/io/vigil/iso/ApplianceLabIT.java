package io.vigil.iso;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two appliances and their traffic (issue 17, docs/operations.md "Two appliances under qemu"): three guests booted
 * at once from the module's ISO (its kernel and initrd, so each gets its own kernel options), joined on one L2 by
 * qemu's multicast socket netdev on the host's loopback (no bridge, no root network change). Directors lb-a
 * (192.0.2.11) and lb-b (192.0.2.12) share one keepalived.conf on a CD (VRRP VI_1, both BACKUP with nopreempt,
 * virtual_server 192.0.2.100:80 rr LVS-DR with HTTP_GET checks and :7000 for a long connection, lvs_sync_daemon),
 * each with a blank data disk. The third guest runs the appliance's lab-client role: real servers rs1 (.21) and rs2
 * (.22), each prepared by {@code vigil realserver up}, and a client (.30), in namespaces on macvlans of eth0.
 *
 * <p>Asserted: exactly one MASTER; the client's requests reach both real servers through the VIP, in turn; the
 * MASTER's qemu killed (a power cut) → the BACKUP takes over, the client keeps getting answers (the gap, on the
 * client's clock, printed) and its TCP connection opened before the failover goes on through the new MASTER (the
 * synced IPVS connection); the dead director booted again on its data disk finds its journal there; both journals,
 * read off the disks on the host with debugfs, give {@code vigil journal incidents} the crash and the failover.
 */
class ApplianceLabIT {
    static final Path TARGET = IsoImage.TARGET;
    static final Path LAB = TARGET.resolve("lab");

    static final String CONF = """
            global_defs {
                lvs_sync_daemon eth0 VI_1
            }
            vrrp_instance VI_1 {
                state BACKUP
                nopreempt
                interface eth0
                virtual_router_id 51
                priority 100
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass lab2
                }
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            virtual_server 192.0.2.100 80 {
                delay_loop 3
                lb_algo rr
                lb_kind DR
                protocol TCP
                real_server 192.0.2.21 80 {
                    weight 1
                    HTTP_GET {
                        url {
                            path /health
                            status_code 200
                        }
                        connect_timeout 2
                    }
                }
                real_server 192.0.2.22 80 {
                    weight 1
                    HTTP_GET {
                        url {
                            path /health
                            status_code 200
                        }
                        connect_timeout 2
                    }
                }
            }
            virtual_server 192.0.2.100 7000 {
                lb_algo rr
                lb_kind DR
                protocol TCP
                real_server 192.0.2.21 7000 {
                    weight 1
                }
                real_server 192.0.2.22 7000 {
                    weight 1
                }
            }
            """;

    /** A guest on the lab's L2; its console in {@code serial}. */
    record Guest(String name, Process qemu, Path serial, long startedNanos) implements AutoCloseable {
        String console() throws IOException {
            return Files.exists(serial) ? Files.readString(serial).replace("\r", "") : "";
        }

        double secondsSinceStart() { return (System.nanoTime() - startedNanos) / 1e9; }

        /** qemu killed: for the guest, a power cut. */
        @Override public void close() throws InterruptedException {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Path kernel, initrd;
    static int l2Port;

    static Guest boot(String name, String mac, String append, int memMb, List<String> extra) throws IOException {
        Path serial = LAB.resolve(name + "-serial.log");
        Files.deleteIfExists(serial);
        // TCG as ApplianceIsoIT (qemu64, thread=single: see there why)
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg,thread=single", "-cpu", "qemu64",
                "-m", String.valueOf(memMb), "-smp", "2", "-display", "none", "-no-reboot", "-serial", "file:" + serial,
                "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0,115200 panic=10 quiet loglevel=3 " + append,
                // one L2 for the three guests: multicast on the host's loopback, a port of this run's own
                "-netdev", "socket,id=l2,mcast=230.0.0.1:" + l2Port + ",localaddr=127.0.0.1",
                "-device", "virtio-net-pci,netdev=l2,mac=" + mac));
        cmd.addAll(extra);
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(LAB.resolve(name + "-qemu.out").toFile()).start();
        return new Guest(name, qemu, serial, System.nanoTime());
    }

    static Guest director(String name, String node, String mac, String ip, Path data, Path cfg) throws IOException {
        List<String> disks = new ArrayList<>();
        if (cfg != null) disks.addAll(List.of("-drive", "file=" + cfg + ",if=virtio,format=raw,readonly=on"));
        disks.addAll(List.of("-drive", "file=" + data + ",if=virtio,format=raw"));
        return boot(name, mac, "vigil.ip=" + ip + "/24 vigil.node-id=" + node, 1536, disks);
    }

    static final Pattern STATE = Pattern.compile("INFO \\(VI_1\\) Entering (\\w+) STATE");

    /**
     * VI_1's state from Vigil's newest transition line on the console (keepalived's wording), or null before the
     * first. Not the status block: that one reads /metrics, and the API comes up ~90 s after VRRP under a loaded TCG.
     */
    static String state(Guest g) throws IOException {
        String state = null;
        Matcher m = STATE.matcher(g.console());
        while (m.find()) state = m.group(1);
        return state;
    }

    static void await(String what, long seconds, List<Guest> alive, Check ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (ok.test()) return;
            for (Guest g : alive)
                if (!g.qemu().isAlive()) throw new AssertionError(g.name() + " died waiting for " + what + ":\n" + tail(g.console()));
            Thread.sleep(1000);
        }
        StringBuilder s = new StringBuilder("timed out waiting for " + what);
        for (Guest g : alive) s.append("\n--- ").append(g.name()).append(":\n").append(tail(g.console()));
        throw new AssertionError(s);
    }

    static boolean oneMaster(Guest a, Guest b) throws IOException {
        String sa = state(a), sb = state(b);
        return "MASTER".equals(sa) && "BACKUP".equals(sb) || "BACKUP".equals(sa) && "MASTER".equals(sb);
    }

    static int transitions(Guest a, Guest b) throws IOException {
        return (int) (STATE.matcher(a.console()).results().count() + STATE.matcher(b.console()).results().count());
    }

    interface Check { boolean test() throws Exception; }

    /** One client line: its guest uptime and what it got ("rs1 192.0.2.21", "FAIL", "rs2 17"). */
    record Line(double t, String what) {}

    static List<Line> lines(Guest lab, String tag) throws IOException {
        Pattern p = Pattern.compile("^" + tag + " (\\d+\\.\\d+) (.*)$", Pattern.MULTILINE);
        List<Line> out = new ArrayList<>();
        Matcher m = p.matcher(lab.console());
        while (m.find()) out.add(new Line(Double.parseDouble(m.group(1)), m.group(2).strip()));
        return out;
    }

    static List<Line> ok(List<Line> http) { return http.stream().filter(l -> l.what().startsWith("rs")).toList(); }

    @Test void twoDirectorsFailOverUnderTrafficAndKeepTheirJournals() throws Exception {
        long t0 = System.nanoTime();
        Path iso = IsoImage.build();
        Files.createDirectories(LAB);
        kernel = LAB.resolve("vmlinuz");
        initrd = LAB.resolve("initrd.gz");
        Files.deleteIfExists(kernel);
        Files.deleteIfExists(initrd);
        run(List.of("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", "/boot/vmlinuz", kernel.toString(),
                "-extract", "/boot/initrd.gz", initrd.toString()));
        try (DatagramSocket s = new DatagramSocket(0)) { l2Port = s.getLocalPort(); }
        Path cfgDir = Files.createDirectories(LAB.resolve("cfg/keepalived"));
        Files.writeString(cfgDir.resolve("keepalived.conf"), CONF);
        Path cfg = LAB.resolve("cfg.iso");
        Files.deleteIfExists(cfg);
        run(List.of("xorriso", "-as", "mkisofs", "-quiet", "-o", cfg.toString(), "-V", "VIGILCFG", "-r", cfgDir.getParent().toString()));
        Path dataA = blank("lb-a-data.raw"), dataB = blank("lb-b-data.raw");

        Guest a = director("lb-a", "lb-a", "52:54:00:00:02:11", "192.0.2.11", dataA, cfg);
        Guest b = director("lb-b", "lb-b", "52:54:00:00:02:12", "192.0.2.12", dataB, cfg);
        Guest lab = boot("lab", "52:54:00:00:02:30", "vigil.role=lab-client", 768, List.of());
        List<Guest> all = new ArrayList<>(List.of(a, b, lab));
        Guest a2 = null;
        try {
            // ---- boot: both directors elect, exactly one MASTER
            double[] up = new double[3];
            await("both directors in MASTER/BACKUP and the lab ready", 600, all, () -> {
                if (up[0] == 0 && state(a) != null) up[0] = a.secondsSinceStart();
                if (up[1] == 0 && state(b) != null) up[1] = b.secondsSinceStart();
                if (up[2] == 0 && lab.console().contains("LAB-READY")) up[2] = lab.secondsSinceStart();
                return up[0] > 0 && up[1] > 0 && up[2] > 0;
            });
            await("one MASTER and one BACKUP", 60, all, () -> oneMaster(a, b));
            Guest first = "MASTER".equals(state(a)) ? a : b;
            System.out.printf("boot: %s %s after %.0f s, %s %s after %.0f s (qemu start to the transition on the console); lab ready after %.0f s%n",
                    a.name(), state(a), up[0], b.name(), state(b), up[1], up[2]);
            Matcher rsUp = Pattern.compile("LAB-RS (rs\\d) realserver up in (\\S+) s").matcher(lab.console());
            while (rsUp.find()) System.out.printf("lab: vigil realserver up in %s: %s s (JVM under TCG)%n", rsUp.group(1), rsUp.group(2));
            await("the MASTER's status block listing the VIP", 60, all, () -> first.console().contains(" 192.0.2.100/24\n"));
            for (Guest g : List.of(a, b))
                assertThat(g.console()).contains("configuration from /dev/vda").contains("data disk /dev/vdb prepared (first boot on it)");

            // ---- traffic through the VIP reaches both real servers in turn
            // until its checkers have run, a starting director may have one real server only: wait for the turn-taking
            await("round robin through the VIP: of the last 20 answers ≥ 8 from each real server, ≥ 15 changes of server", 300, all, () -> {
                List<Line> last = ok(lines(lab, "LAB-HTTP"));
                if (last.size() < 20) return false;
                last = last.subList(last.size() - 20, last.size());
                long rs1 = last.stream().filter(l -> l.what().startsWith("rs1 ")).count(), turns = 0;
                for (int i = 1; i < last.size(); i++) if (!last.get(i).what().equals(last.get(i - 1).what())) turns++;
                return rs1 >= 8 && 20 - rs1 >= 8 && turns >= 15;
            });
            List<Line> steady = ok(lines(lab, "LAB-HTTP"));
            steady = steady.subList(steady.size() - 20, steady.size());
            long rs1 = steady.stream().filter(l -> l.what().startsWith("rs1 ")).count(), turns = 0;
            for (int i = 1; i < steady.size(); i++) if (!steady.get(i).what().equals(steady.get(i - 1).what())) turns++;
            System.out.printf("steady: of the last 20 answers %d from rs1, %d from rs2, %d changes of server%n", rs1, 20 - rs1, turns);
            await("both real servers' httpd logs count the client's requests", 30, all, () -> {
                String c = lab.console();
                return Pattern.compile("LAB-RS-LOG rs1 [1-9]").matcher(c).find() && Pattern.compile("LAB-RS-LOG rs2 [1-9]").matcher(c).find();
            });
            // ---- the long connection: open before the failover, and long enough for the sync daemon to have sent it
            // the cut must find the BACKUP whole: its checkers start with the API, 1-2 min after its first state on a
            // loaded host, and a takeover before that left the new MASTER without real servers (a 17 s gap seen)
            await("both directors' checkers running", 300, all, () -> a.console().contains("INFO checker: ") && b.console().contains("INFO checker: "));
            // (a starved guest can miss adverts while the other boots: then the roles swap once; wait until they hold)
            for (int round = 0, flips = -1; round < 4 && flips != transitions(a, b); round++) {
                flips = transitions(a, b);
                int longBefore = lines(lab, "LAB-LONG").size();
                await("the long connection answering 60 more lines", 120, all, () -> lines(lab, "LAB-LONG").size() >= longBefore + 60);
            }
            String longServer = lines(lab, "LAB-LONG").getLast().what().split(" ")[0];
            assertThat(oneMaster(a, b)).as("one MASTER before the cut: %s %s, %s %s", a.name(), state(a), b.name(), state(b)).isTrue();
            Guest master = "MASTER".equals(state(a)) ? a : b, backup = master == a ? b : a;
            System.out.printf("before the cut: %s MASTER, %s BACKUP, %d transition(s) on the two consoles%n", master.name(), backup.name(), transitions(a, b));

            // ---- power cut of the MASTER
            List<Line> httpBefore = lines(lab, "LAB-HTTP");
            List<Line> longPre = lines(lab, "LAB-LONG");
            master.close();
            long cutAt = System.nanoTime();
            all.remove(master);
            await("the BACKUP " + backup.name() + " MASTER", 120, all, () -> "MASTER".equals(state(backup)));
            System.out.printf("failover: %s MASTER on its console %.1f s after the power cut of %s%n",
                    backup.name(), (System.nanoTime() - cutAt) / 1e9, master.name());
            await("30 answers after the failover", 180, all, () -> lines(lab, "LAB-HTTP").size() >= httpBefore.size() + 30
                    && ok(lines(lab, "LAB-HTTP")).size() > ok(httpBefore).size() + 20);
            List<Line> http = lines(lab, "LAB-HTTP");
            // the gap: the longest wait between two answers from the last answer before the cut on
            Line lastBefore = ok(httpBefore).getLast(), gapFrom = lastBefore, gapTo = null;
            List<Line> after = ok(http.subList(http.indexOf(lastBefore), http.size()));
            for (int i = 1; i < after.size(); i++)
                if (gapTo == null || after.get(i).t() - after.get(i - 1).t() > gapTo.t() - gapFrom.t()) {
                    gapFrom = after.get(i - 1);
                    gapTo = after.get(i);
                }
            long failed = http.subList(http.indexOf(lastBefore), http.size()).stream().filter(l -> l.what().equals("FAIL")).count();
            double gapMs = (gapTo.t() - gapFrom.t()) * 1000;
            System.out.printf("failover gap seen by the client: %.0f ms (last answer before at %.2f s, first after at %.2f s guest uptime; %d failed requests)%n",
                    gapMs, gapFrom.t(), gapTo.t(), failed);
            List<Line> later = http.subList(http.indexOf(gapTo), http.size()).stream().filter(l -> l.what().startsWith("rs")).toList();
            assertThat(later.stream().map(l -> l.what().split(" ")[0]).distinct()).as("both real servers after the failover").contains("rs1", "rs2");
            assertThat(gapMs).as("the gap is a failover, not the normal pace").isGreaterThan(500).isLessThan(30_000);
            // the long connection goes on through the new MASTER: same server, numbers continuing, never ended
            Line gapEnd = gapTo;
            await("the long connection past the failover", 60, all, () -> lines(lab, "LAB-LONG").stream().anyMatch(l -> l.t() > gapEnd.t()));
            List<Line> longAll = lines(lab, "LAB-LONG");
            Line lastPre = longPre.getLast();
            List<Line> longAfter = longAll.subList(longAll.indexOf(lastPre) + 1, longAll.size());
            double longGap = 0;
            for (int i = 0; i < longAfter.size(); i++)
                longGap = Math.max(longGap, longAfter.get(i).t() - (i == 0 ? lastPre.t() : longAfter.get(i - 1).t()));
            System.out.printf("long connection (%s): %d lines before the cut, %d after, longest silence %.0f ms%n",
                    longServer, longPre.size(), longAfter.size(), longGap * 1000);
            assertThat(lab.console()).doesNotContain("LAB-LONG-END");
            assertThat(longAfter).isNotEmpty().allMatch(l -> l.what().startsWith(longServer + " "));
            int n0 = Integer.parseInt(lastPre.what().split(" ")[1]);
            for (int i = 0; i < longAfter.size(); i++)
                assertThat(longAfter.get(i).what()).as("the connection's own numbering goes on").isEqualTo(longServer + " " + (n0 + i + 1));

            // ---- the dead director boots again on its data disk alone
            Path deadData = master == a ? dataA : dataB;
            Guest again = director(master.name() + "-again", master.name(), master == a ? "52:54:00:00:02:11" : "52:54:00:00:02:12",
                    master == a ? "192.0.2.11" : "192.0.2.12", deadData, null);
            a2 = again;
            all.add(again);
            await(master.name() + " back as BACKUP", 600, all, () -> "BACKUP".equals(state(again)));
            Thread.sleep(8_000); // ext4 commits metadata every 5 s; the journal's own msyncs are MS_SYNC
            System.out.printf("reboot: %s BACKUP again %.0f s after qemu start (nopreempt: %s stays MASTER: %s)%n",
                    master.name(), again.secondsSinceStart(), backup.name(), state(backup));
            assertThat(again.console()).containsPattern("=== VIGIL-APPLIANCE data disk /dev/vda reused: journal \\S+, [1-9]\\d* hour file\\(s\\), 1 earlier boot\\(s\\)")
                    .contains("=== VIGIL-APPLIANCE configuration from the data disk /dev/vda");
            assertThat(state(backup)).isEqualTo("MASTER");
            assertThat(state(again)).as("nopreempt: the returning director stays BACKUP").isEqualTo("BACKUP");
        } finally {
            for (Guest g : all) g.close();
            if (a2 != null) a2.close();
        }
        // ---- both journals, read off the disks
        Path ja = ApplianceIsoIT.journalFromDisk(dataA, LAB.resolve("lb-a-journal"));
        Path jb = ApplianceIsoIT.journalFromDisk(dataB, LAB.resolve("lb-b-journal"));
        String incidents = ApplianceIsoIT.vigil("journal", "incidents", "--dir", ja.toString(), "--dir", jb.toString());
        System.out.println("vigil journal incidents over both data disks:\n" + incidents);
        assertThat(incidents).contains("journals: lb-a, lb-b");
        String crashed = Pattern.compile("^crash +(lb-[ab]) between .*\\(restart\\)$", Pattern.MULTILINE).matcher(incidents).results()
                .map(r -> r.group(1)).findFirst().orElseThrow(() -> new AssertionError("no crash with a restart:\n" + incidents));
        String survivor = crashed.equals("lb-a") ? "lb-b" : "lb-a";
        assertThat(incidents).containsPattern("failover VI_1 " + survivor + "#\\d+ \\S+ BACKUP->MASTER\\n\\s+<- master_down");
        assertThat(incidents).as("the takeover explained by the crash").contains(crashed + " crashed");
        for (Path j : List.of(ja, jb)) {
            String show = ApplianceIsoIT.vigil("journal", "show", "--dir", j.toString());
            long bytes = written(j);
            List<Long> ts = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+Z) ", Pattern.MULTILINE).matcher(show).results()
                    .map(r -> java.time.Instant.parse(r.group(1)).toEpochMilli()).toList();
            double hours = ts.isEmpty() ? 0 : (ts.getLast() - ts.getFirst()) / 3.6e6;
            System.out.printf(Locale.ROOT, "journal %s: %d entries, %d bytes written (non-zero 4 KiB blocks of its files) over %.1f min of journal (%.0f bytes/hour)%n",
                    j.getParent().getFileName(), show.lines().count(), bytes, hours * 60, hours > 0 ? bytes / hours : 0);
        }
        String crashedShow = ApplianceIsoIT.vigil("journal", "show", "--dir", (crashed.equals("lb-a") ? ja : jb).toString());
        assertThat(crashedShow.lines().filter(l -> l.contains("node-started")).toList()).hasSize(2)
                .last().asString().contains("previous run CRASHED after #");
        assertThat(crashedShow).contains("BACKUP->MASTER"); // its history before the power cut: it was MASTER
        System.out.printf("ApplianceLabIT wall time %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Bytes in the 4 KiB blocks of the directory's files that are not all zeros: Chronicle's files are sparse on the
     * disk, and debugfs rdump writes them out whole. */
    static long written(Path dir) throws IOException {
        long n = 0;
        byte[] block = new byte[4096];
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList())
                try (var in = Files.newInputStream(f)) {
                    for (int r; (r = in.readNBytes(block, 0, block.length)) > 0; ) {
                        boolean zero = true;
                        for (int i = 0; i < r && zero; i++) zero = block[i] == 0;
                        if (!zero) n += r;
                    }
                }
        }
        return n;
    }

    static Path blank(String name) throws IOException {
        Path p = LAB.resolve(name);
        Files.deleteIfExists(p);
        try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) { f.setLength(256L << 20); }
        return p;
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    static String tail(String s) { return s.length() > 4000 ? s.substring(s.length() - 4000) : s; }
}
