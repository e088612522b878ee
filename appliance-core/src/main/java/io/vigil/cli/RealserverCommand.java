package io.vigil.cli;

import io.vigil.linux.ipvs.DrRealServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vigil realserver up|down|status --vip ADDR}: lvs_realserver.sh start|stop for an LVS-DR real server. */
@Command(name = "realserver", mixinStandardHelpOptions = true,
        description = {"Prepare this host as an LVS-DR real server (what lvs_realserver.sh start|stop does), idempotently:",
                "  up     VIP/32 on lo (label lo:0), arp_ignore=1 and arp_announce=2 on all and lo",
                "  down   remove the VIPs; ARP sysctls back to 0 unless other VIPs remain on lo",
                "  status show VIPs and sysctls; exit 0 when ready, 3 when not",
                "Acts in the current network namespace (run it under 'ip netns exec NS' for another)."})
public final class RealserverCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "up|down|status", description = "what to do")
    String action;

    @Option(names = "--vip", required = true, paramLabel = "ADDR", description = "virtual IPv4 address (repeatable)")
    List<String> vips = new ArrayList<>();

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Inet4Address> addrs;
        try {
            addrs = DrRealServer.parseVips(vips);
        } catch (IllegalArgumentException e) {
            err.println("vigil realserver: " + e.getMessage());
            return 2;
        }
        DrRealServer rs = new DrRealServer();
        try {
            switch (action) {
                case "up", "start" -> {
                    rs.up(addrs).forEach(out::println);
                    out.println("RealServer up: " + String.join(", ", vips));
                    return 0;
                }
                case "down", "stop" -> {
                    rs.down(addrs).forEach(out::println);
                    out.println("RealServer down: " + String.join(", ", vips));
                    return 0;
                }
                case "status" -> {
                    DrRealServer.Status s = rs.status(addrs);
                    for (Inet4Address a : s.vipsPresent()) out.println("VIP " + a.getHostAddress() + "/32 on lo: yes");
                    for (Inet4Address a : s.vipsMissing()) out.println("VIP " + a.getHostAddress() + "/32 on lo: NO");
                    out.println("lo up: " + (s.loUp() ? "yes" : "NO"));
                    out.println("net.ipv4.conf.all.arp_ignore = " + s.allArpIgnore() + (s.allArpIgnore() == 1 ? "" : " (want 1)"));
                    out.println("net.ipv4.conf.all.arp_announce = " + s.allArpAnnounce() + (s.allArpAnnounce() == 2 ? "" : " (want 2)"));
                    out.println("net.ipv4.conf.lo.arp_ignore = " + s.loArpIgnore() + (s.loArpIgnore() == 1 ? "" : " (want 1)"));
                    out.println("net.ipv4.conf.lo.arp_announce = " + s.loArpAnnounce() + (s.loArpAnnounce() == 2 ? "" : " (want 2)"));
                    out.println(s.ready() ? "ready" : "not ready");
                    return s.ready() ? 0 : 3;
                }
                default -> {
                    err.println("vigil realserver: action must be up, down or status, not '" + action + "'");
                    return 2;
                }
            }
        } catch (IOException e) {
            err.println("vigil realserver " + action + ": " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }
}
