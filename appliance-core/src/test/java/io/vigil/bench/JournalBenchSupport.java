package io.vigil.bench;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.Event.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Event mix and helpers shared by the journal benchmarks. */
final class JournalBenchSupport {
    private JournalBenchSupport() {}

    private static final String[] RS = new String[64];
    static { for (int i = 0; i < RS.length; i++) RS[i] = "198.51.100." + (10 + i) + ":80"; }
    private static final String VS = "TCP 192.0.2.100:80 wrr";

    /** A director's mix: mostly check results, some real-server/IPVS changes, a few VRRP events. */
    static Event event(long i) {
        int k = (int) (i % 100);
        String rs = RS[(int) (i % RS.length)];
        if (k < 80) return new CheckResult("HTTP_GET", rs, (i & 7) != 0, 1_000_000 + (i % 5_000_000), "", 1);
        if (k < 88) return new RealServerChanged(VS, rs, (i & 1) == 0, (int) (i % 5), true);
        if (k < 95) return new IpvsChanged((i & 1) == 0 ? IpvsOp.DEST_ADD : IpvsOp.DEST_DELETE, VS, rs, 1, "masq", true, "");
        if (k < 97) return new MasterSeen("VI_1", "192.0.2.2", 150, true);
        if (k < 98) return new PriorityChanged("VI_1", 100, 80, "track_script chk_nginx weight -20");
        if (k < 99) return new VrrpTransition("VI_1", (i & 1) == 0 ? VrrpState.BACKUP : VrrpState.MASTER,
                (i & 1) == 0 ? VrrpState.MASTER : VrrpState.BACKUP, "master_down timer expired", 100);
        return new VipChanged("VI_1", "192.0.2.100/24", "eth0", (i & 1) == 0, true, "");
    }

    static Cause cause(long i, long prevSeq) {
        return (i % 100) < 80 ? Cause.timer("check-interval") : Cause.event(prevSeq);
    }

    /** Disk blocks allocated to the queue files (du), not their sparse mapped length. */
    static long dirBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> cmd = new java.util.ArrayList<>(List.of("du", "-c", "-B1"));
            s.filter(p -> p.toString().endsWith(".cq4")).forEach(p -> cmd.add(p.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            String[] lines = out.strip().split("\n");
            return Long.parseLong(lines[lines.length - 1].split("\\s+")[0]);
        }
    }

    /** CPU time (ns) used so far by the journal writer thread, or -1. */
    static long writerCpuNs() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet())
            if (t.getName().equals("vigil-journal")) return mx.getThreadCpuTime(t.threadId());
        return -1;
    }

    /** CPU time (ns) used so far by this process. */
    static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
