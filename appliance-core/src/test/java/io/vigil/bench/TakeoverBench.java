package io.vigil.bench;

import io.vigil.node.NetLab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Takeover latency, Vigil vs keepalived 2.2.7, on the same netns bridge: keepalived (priority 150) is MASTER,
 * the backup under test (priority 100) is Vigil or keepalived. The master is killed with SIGKILL; we measure from
 * the last advert the backup received (tcpdump kernel timestamp in the backup's namespace) to the VIP appearing on
 * the backup ({@code ip -ts monitor address} in that namespace). Measuring from the last advert rather than the
 * kill removes the random phase of the kill within the advert interval; what remains is master_down_interval plus
 * the implementation's reaction time. The backup's first advert (same capture) is timed as well: that is the takeover
 * on the wire, the VIP follows. An advert_int below 1 s runs VRRPv3 (v2 counts whole seconds). Then advert send
 * jitter: see {@link JitterBench}.
 *
 * <p>Usage: {@code bin/bench io.vigil.bench.TakeoverBench [runs] [advert_int]} (root; default 5 runs, 1 s), after
 * {@code ./mvnw -q -DskipTests package}: Vigil runs through bin/vigil.
 */
public final class TakeoverBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String advertInt = args.length > 1 ? args[1] : "1";
        double[] vigil = new double[runs], ka = new double[runs], vigilAdv = new double[runs], kaAdv = new double[runs];
        double[] vigilGarp = new double[runs], kaGarp = new double[runs];
        try (NetLab lab = new NetLab("vnb")) {
            String m = lab.node("m", "192.0.2.11");
            String b = lab.node("b", "192.0.2.12");
            Path mConf = lab.write("m.conf", conf("m", 150, advertInt));
            Path bConf = lab.write("b.conf", conf("b", 100, advertInt));
            for (int i = 0; i < runs; i++) {
                double[] k = onceOrNaN(lab, m, b, mConf, bConf, false, i), v = onceOrNaN(lab, m, b, mConf, bConf, true, i);
                ka[i] = k[1];
                kaAdv[i] = k[0];
                vigil[i] = v[1];
                vigilAdv[i] = v[0];
                kaGarp[i] = k[2];
                vigilGarp[i] = v[2];
                System.out.printf(Locale.ROOT, "run %d: keepalived advert %.2f VIP %.2f GARP %.2f ms, vigil advert %.2f VIP %.2f GARP %.2f ms%n",
                        i + 1, kaAdv[i], ka[i], kaGarp[i], vigilAdv[i], vigil[i], vigilGarp[i]);
            }
        }
        double kMed = median(ka), vMed = median(vigil);
        System.out.printf(Locale.ROOT, "takeover, advert_int %s (VRRPv%d), %d runs; RFC ideal (Master_Down_Interval at priority 100) %.2f ms%n",
                advertInt, version(advertInt), runs, idealMs(advertInt));
        System.out.printf(Locale.ROOT, "  last advert -> backup's first advert: keepalived median %.2f ms (min %.2f max %.2f), vigil median %.2f ms (min %.2f max %.2f)%n",
                median(kaAdv), min(kaAdv), max(kaAdv), median(vigilAdv), min(vigilAdv), max(vigilAdv));
        System.out.printf(Locale.ROOT, "  last advert -> VIP on backup:        keepalived median %.2f ms (min %.2f max %.2f), vigil median %.2f ms (min %.2f max %.2f)%n",
                kMed, min(ka), max(ka), vMed, min(vigil), max(vigil));
        System.out.printf(Locale.ROOT, "  last advert -> backup's first GARP:  keepalived median %.2f ms (min %.2f max %.2f), vigil median %.2f ms (min %.2f max %.2f)%n",
                median(kaGarp), min(kaGarp), max(kaGarp), median(vigilGarp), min(vigilGarp), max(vigilGarp));
        System.out.printf(Locale.ROOT, "  ratio vigil/keepalived (medians): advert %.3f, VIP %.3f, GARP %.3f (target <= 1.0)%n",
                median(vigilAdv) / median(kaAdv), vMed / kMed, median(vigilGarp) / median(kaGarp));
    }

    /** A run that saw no takeover (a box too loaded for the capture to start in time) is reported and left out. */
    static double[] onceOrNaN(NetLab lab, String m, String b, Path mConf, Path bConf, boolean vigilBackup, int run) throws Exception {
        try {
            return once(lab, m, b, mConf, bConf, vigilBackup, run);
        } catch (IllegalStateException e) {
            System.out.println("run " + (run + 1) + " " + (vigilBackup ? "vigil" : "keepalived") + " left out: "
                    + e.getMessage().lines().findFirst().orElse(""));
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    /** VRRPv2 counts whole seconds: a shorter interval needs v3 (which has no authentication). */
    static int version(String advertInt) { return Double.parseDouble(advertInt) < 1 ? 3 : 2; }

    /** RFC 3768/5798 Master_Down_Interval of the backup (priority 100): 3 * interval + Skew_Time. */
    static double idealMs(String advertInt) {
        double adv = Double.parseDouble(advertInt) * 1000;
        return 3 * adv + (version(advertInt) == 3 ? (256 - 100) * adv / 256 : (256 - 100) * 1000.0 / 256);
    }

    static String conf(String id, int prio, String advertInt) {
        String auth = version(advertInt) == 3 ? "" : """
                  authentication {
                    auth_type PASS
                    auth_pass s3cr3t
                  }
                """;
        return """
            global_defs {
              router_id %s
              vrrp_garp_master_delay 1
              vrrp_version %d
            }
            vrrp_instance VI_1 {
              state BACKUP
              interface eth0
              virtual_router_id 51
              priority %d
              advert_int %s
            %s  virtual_ipaddress {
                192.0.2.100/24
              }
            }
            """.formatted(id, version(advertInt), prio, advertInt, auth);
    }

    /**
     * One takeover; returns milliseconds from the last advert of the master to the backup's first advert, to the VIP
     * on the backup (as {@code ip monitor} saw it: a user-space time stamp, late when the backup's threads hold both
     * CPUs) and to the backup's first gratuitous ARP for the VIP (kernel time stamp; both implementations send it
     * after the address is in: the takeover as clients see it).
     */
    static double[] once(NetLab lab, String m, String b, Path mConf, Path bConf, boolean vigilBackup, int run) throws Exception {
        String tag = (vigilBackup ? "v" : "k") + run;
        NetLab.Proc master = lab.keepalived("kam" + tag, m, mConf);
        NetLab.Proc backup = vigilBackup ? packaged(lab, "vig" + tag, b, bConf) : lab.keepalived("kab" + tag, b, bConf);
        try {
            return measure(lab, m, b, master, backup, tag);
        } finally { // a failed run leaves nothing behind for the next one
            if (backup.process().isAlive()) lab.kill9(backup);
            if (master.process().isAlive()) lab.crashKeepalived(master);
            new ProcessBuilder("ip", "-n", b, "addr", "del", "192.0.2.100/24", "dev", "eth0").start().waitFor();
        }
    }

    /**
     * Vigil as an operator runs it: bin/vigil (its JVM flags, the jar and the AOT cache the package step built), not
     * the tests' class directories, where every class on the first takeover's path is loaded and verified then.
     */
    static NetLab.Proc packaged(NetLab lab, String name, String ns, Path conf) throws IOException {
        Path vigil = NetLab.ROOT.resolve("bin/vigil");
        if (!java.nio.file.Files.isRegularFile(NetLab.ROOT.resolve("appliance-core/target/vigil.jar")))
            throw new IllegalStateException("package first: ./mvnw -q -DskipTests package");
        return lab.start(name, ns, List.of(vigil.toString(), "run", "-f", conf.toString(), "--journal",
                lab.dir.resolve(name + "-journal").toString()));
    }

    static double[] measure(NetLab lab, String m, String b, NetLab.Proc master, NetLab.Proc backup, String tag) throws Exception {
        NetLab.awaitStarted(master);
        NetLab.awaitStarted(backup);
        NetLab.await("master holds the VIP", Duration.ofSeconds(15), NetLab.quiet(() -> lab.hasAddr(m, "192.0.2.100/24")));
        Thread.sleep(2500); // the backup has heard adverts for a while
        if (lab.hasAddr(b, "192.0.2.100/24")) throw new IllegalStateException("backup holds the VIP before the kill\n" + lab.logs());
        Process mon = new ProcessBuilder("ip", "-n", b, "-ts", "monitor", "address").redirectErrorStream(true).start();
        Process dump = new ProcessBuilder("ip", "netns", "exec", b, "tcpdump", "-tt", "-l", "-n", "-i", "eth0",
                "ip proto 112 or arp").redirectErrorStream(true).start();
        List<String> dumpLines = new ArrayList<>();
        Thread dr = Thread.ofPlatform().start(() -> collect(dump, dumpLines));
        Thread.sleep(1200);
        lab.crashKeepalived(master);
        double vipAt = Double.NaN;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(mon.getInputStream(), StandardCharsets.UTF_8))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String l, stamp = null;
            while (System.nanoTime() < end && (l = r.readLine()) != null) {
                if (l.startsWith("[") && l.contains("]")) stamp = l.substring(1, l.indexOf(']'));
                if (l.contains("192.0.2.100/24") && !l.startsWith("Deleted") && !l.contains("Deleted")) {
                    vipAt = epochSeconds(stamp);
                    break;
                }
            }
        }
        mon.destroy();
        Thread.sleep(200); // the capture catches up with the backup's first adverts
        dump.destroy();
        dr.join(2000);
        double lastAdvert = Double.NaN, firstOwn = Double.NaN, firstGarp = Double.NaN;
        synchronized (dumpLines) {
            for (String l : dumpLines) {
                if (!l.contains("VRRP") && !l.contains("ARP")) continue;
                double t = Double.parseDouble(l.substring(0, l.indexOf(' ')));
                if (l.contains("VRRP") && l.contains(" 192.0.2.11 >") && Double.isNaN(firstOwn)) lastAdvert = t;
                else if (l.contains("VRRP") && l.contains(" 192.0.2.12 >") && Double.isNaN(firstOwn)) firstOwn = t;
                // the backup's gratuitous ARP for the VIP (the master's last ones were a second after its takeover)
                else if (l.contains("ARP") && l.contains("192.0.2.100") && !Double.isNaN(lastAdvert) && Double.isNaN(firstGarp)) firstGarp = t;
            }
        }
        lab.term(backup, Duration.ofSeconds(10));
        if (Double.isNaN(vipAt) || Double.isNaN(lastAdvert) || Double.isNaN(firstOwn))
            throw new IllegalStateException("no takeover seen (" + tag + ")\n" + lab.logs());
        return new double[] {(firstOwn - lastAdvert) * 1000, (vipAt - lastAdvert) * 1000, (firstGarp - lastAdvert) * 1000};
    }

    /** ip -ts prints local wall time as 2026-11-24T00:55:39.123456. */
    static double epochSeconds(String stamp) {
        LocalDateTime t = LocalDateTime.parse(stamp);
        java.time.ZoneOffset off = java.time.ZoneId.systemDefault().getRules().getOffset(t);
        return t.toEpochSecond(off == null ? ZoneOffset.UTC : off) + t.getNano() / 1e9;
    }

    static void collect(Process p, List<String> out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) synchronized (out) { out.add(l); }
        } catch (IOException ignored) {
            // process ended
        }
    }

    static double median(double[] all) { double[] s = valid(all); if (s.length == 0) return Double.NaN; Arrays.sort(s); return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; }
    static double[] valid(double[] a) { return Arrays.stream(a).filter(x -> !Double.isNaN(x)).toArray(); }
    static double min(double[] a) { return Arrays.stream(valid(a)).min().orElse(Double.NaN); }
    static double max(double[] a) { return Arrays.stream(valid(a)).max().orElse(Double.NaN); }

}
