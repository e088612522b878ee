package io.vigil.journal;

import io.vigil.journal.Event.*;

import java.util.List;

/** One event of every type, with non-default values in every field. */
public final class SampleEvents {
    private SampleEvents() {}

    public static List<Event> all() {
        View view = View.EMPTY;
        long s = 1;
        for (Event e : List.<Event>of(
                new VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down timer expired", 100),
                new VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""),
                new RealServerChanged("TCP 192.0.2.100:80", "198.51.100.13:80", true, 3, true),
                new IpvsChanged(IpvsOp.SERVICE_ADD, "TCP 192.0.2.100:80 wrr", "", 0, "", true, ""),
                new IpvsChanged(IpvsOp.DEST_ADD, "TCP 192.0.2.100:80 wrr", "198.51.100.13:80", 3, "masq", true, ""),
                new CheckResult("HTTP_GET", "198.51.100.13:80", true, 1_234_567, "200 OK", 1)))
            view = view.apply(new Entry("n1", s++, s * 1000, s, Cause.NONE, e));
        return List.of(
                new NodeStarted("vigil 0.1.0", 4242),
                new NodeStarted("vigil 0.1.0", 4243, NodeStarted.CRASHED, 99, 1_700_000_000_000_000_000L),
                new NodeAlive(1000, "VI_1 51 192.0.2.11 MASTER 100;VI_2 52 192.0.2.11 BACKUP 90"),
                new QuorumChanged("TCP 192.0.2.100:80", false, "alive weight 1 < quorum 2"),
                new RouteChanged("VI_1", "203.0.113.64/26 via 192.0.2.254", true, true, ""),
                new HostChanged("VI_1", "nftables", "add element ip keepalived vips { 192.0.2.100 }", true, ""),
                new HostChanged("vrrp", "scheduler", "SCHED_RR 10", false, "EPERM"),
                new NodeStopped("SIGTERM"),
                new ConfigApplied("/etc/keepalived/keepalived.conf", "sha256:ab12cd", "+VI_1 +VS TCP 192.0.2.100:80"),
                new VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down timer expired", 100),
                new PriorityChanged("VI_1", 100, 80, "track_script chk_nginx weight -20"),
                new AdvertAnomaly("VI_1", AnomalyKind.AUTH_FAILURE, "192.0.2.2", "auth_pass mismatch"),
                new MasterSeen("VI_1", "192.0.2.2", 150, true),
                new VipChanged("VI_1", "192.0.2.100/24", "eth0", false, false, "EADDRNOTAVAIL"),
                new GarpSent("VI_1", "192.0.2.100", "eth0", 5),
                new CheckResult("HTTP_GET", "198.51.100.13:80", false, 3_000_000_000L, "connect timeout", 3),
                new CheckSummary("TCP_CHECK#0 198.51.100.13:80", "198.51.100.13:80", false, "connect failed: Connection refused",
                        299, 1_700_000_000_000_000_000L, 1_700_000_300_000_000_000L, 41_000, 2_500_000, 30_000_000, "64us:290 128us:8 4096us:1"),
                new RealServerChanged("TCP 192.0.2.100:80", "198.51.100.13:80", false, 0, false),
                new IpvsChanged(IpvsOp.DEST_DELETE, "TCP 192.0.2.100:80 wrr", "198.51.100.13:80", 3, "masq", false, "ENOENT"),
                new NotifyRun("/etc/keepalived/notify.sh", "notify_master", -1, 12_000_000, "started nginx\nok"),
                new OperatorAction("root", "reload", "vigil reload"),
                new Snapshot(view),
                new Dropped(17));
    }

    public static List<Cause> causes() {
        return List.of(Cause.NONE, Cause.event(42), Cause.packet("192.0.2.2", "eth0"), Cause.timer("master_down"),
                Cause.signal("SIGHUP"), Cause.operator("root", "cli"), Cause.configReload("sha256:ab12"),
                new Cause.Vrrp(Cause.Vrrp.PREEMPT, "192.0.2.12", "eth0", 90, 1_700_000_000_500_000_000L, "lower"));
    }
}
