package io.vigil.linux.ipvs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs ipvsadm (only in tests: cross-checking what the netlink backend did) and reduces -Ln to comparable lines. */
final class IpvsadmListing {
    private IpvsadmListing() {}

    static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ipvsadm"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    /**
     * "TCP 192.0.2.10:80 wrr" / "  -> 198.51.100.1:80 Route 3" lines of {@code ipvsadm -Ln}, whitespace
     * normalised and the connection columns dropped, in ipvsadm's order.
     */
    static List<String> normalise(String ipvsadmLn) {
        List<String> out = new ArrayList<>();
        for (String line : ipvsadmLn.split("\n")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("IP Virtual Server") || t.startsWith("Prot ") || t.startsWith("-> RemoteAddress")) continue;
            String[] w = t.split("\\s+");
            if (w[0].equals("->")) out.add("  -> " + w[1] + " " + w[2] + " " + w[3]);
            else out.add(String.join(" ", w));
        }
        return out;
    }

    /** The same reduction of our own snapshot, for comparison with {@link #normalise}. */
    static List<String> normalise(IpvsSnapshot s) {
        List<String> out = new ArrayList<>();
        for (IpvsSnapshot.Service svc : s.services()) {
            var k = svc.service().key();
            String head = switch (k) {
                case io.vigil.ipvs.ServiceKey.Addr a -> a.protocol() + " " + a;
                case io.vigil.ipvs.ServiceKey.Fwmark f -> "FWM " + f.mark();
            };
            head = head.replaceFirst("^(TCP|UDP|SCTP) (TCP|UDP|SCTP) ", "$1 ");
            out.add(head + " " + svc.service().scheduler());
            for (IpvsSnapshot.Dest d : svc.dests()) {
                out.add("  -> " + d.dest().key() + " " + d.dest().forward().ipvsadmName() + " " + d.dest().weight());
            }
        }
        return out;
    }

    /** Service blocks sorted by their service line and destinations sorted within — the kernel lists in hash order. */
    static List<String> canonical(List<String> lines) {
        java.util.TreeMap<String, java.util.TreeSet<String>> blocks = new java.util.TreeMap<>();
        String head = null;
        for (String l : lines) {
            if (l.startsWith("  ->")) blocks.get(head).add(l);
            else blocks.put(head = l, new java.util.TreeSet<>());
        }
        List<String> out = new ArrayList<>();
        blocks.forEach((h, ds) -> { out.add(h); out.addAll(ds); });
        return out;
    }

    /** ipvsadm's listing reduced like {@link #normalise(IpvsSnapshot)} and both made canonical: equal iff the tables agree. */
    static void assertSame(String ipvsadmLn, IpvsSnapshot s) {
        List<String> adm = canonical(headsOnly(normalise(ipvsadmLn)));
        List<String> ours = canonical(normalise(s));
        if (!adm.equals(ours)) throw new AssertionError("ipvsadm -Ln " + adm + " but netlink listed " + ours);
        System.out.println("  ipvsadm -Ln agrees with the netlink listing (" + adm.size() + " lines)");
    }

    /** Only the first three words of a service line (protocol, address, scheduler) — flags are printed differently. */
    static List<String> headsOnly(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("  ->")) { out.add(l); continue; }
            String[] w = l.split(" ");
            out.add(w[0] + " " + w[1] + " " + w[2]);
        }
        return out;
    }
}
