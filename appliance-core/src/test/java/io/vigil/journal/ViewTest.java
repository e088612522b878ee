package io.vigil.journal;

import io.vigil.journal.Event.*;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ViewTest {
    private long seq;

    private View step(View v, Event e) {
        seq++;
        return v.apply(new Entry("lb1", seq, seq * 1_000_000_000L, seq, Cause.NONE, e));
    }

    @Test
    void foldTracksInstancesVipsRealServersIpvsAndChecks() {
        View v = View.EMPTY;
        v = step(v, new ConfigApplied("/etc/keepalived/keepalived.conf", "sha256:1", "+VI_1"));
        v = step(v, new VrrpTransition("VI_1", VrrpState.INIT, VrrpState.BACKUP, "start", 100));
        v = step(v, new MasterSeen("VI_1", "192.0.2.1", 150, false));
        v = step(v, new PriorityChanged("VI_1", 100, 80, "track_script chk_nginx weight -20"));
        assertThat(v.instances().get("VI_1")).isEqualTo(new View.Instance("VI_1", VrrpState.BACKUP, 80, "192.0.2.1", 150, 2, 2_000_000_000L));
        v = step(v, new VrrpTransition("VI_1", VrrpState.BACKUP, VrrpState.MASTER, "master_down", 0)); // prio 0 = unknown: kept
        assertThat(v.instances().get("VI_1").state()).isEqualTo(VrrpState.MASTER);
        assertThat(v.instances().get("VI_1").priority()).isEqualTo(80);
        assertThat(v.instances().get("VI_1").sinceSeq()).isEqualTo(5);

        v = step(v, new VipChanged("VI_1", "192.0.2.100/24", "eth0", true, true, ""));
        v = step(v, new VipChanged("VI_1", "192.0.2.101/24", "eth0", true, false, "EPERM")); // failed add: not held
        assertThat(v.vips().keySet()).containsExactly("192.0.2.100/24");
        assertThat(v.vips().get("192.0.2.100/24").sinceSeq()).isEqualTo(6);

        v = step(v, new IpvsChanged(IpvsOp.SERVICE_ADD, "TCP 192.0.2.100:80 wrr", "", 0, "", true, ""));
        v = step(v, new IpvsChanged(IpvsOp.DEST_ADD, "TCP 192.0.2.100:80 wrr", "198.51.100.13:80", 3, "masq", true, ""));
        v = step(v, new IpvsChanged(IpvsOp.DEST_ADD, "TCP 192.0.2.100:80 wrr", "198.51.100.12:80", 1, "masq", true, ""));
        v = step(v, new IpvsChanged(IpvsOp.DEST_EDIT, "TCP 192.0.2.100:80 wrr", "198.51.100.12:80", 2, "masq", true, ""));
        assertThat(v.ipvs().get("TCP 192.0.2.100:80 wrr").destinations().get("198.51.100.12:80"))
                .isEqualTo(new View.IpvsDest("198.51.100.12:80", 2, "masq", 11));
        v = step(v, new CheckResult("HTTP_GET", "198.51.100.13:80", false, 3_000_000_000L, "timeout", 3));
        v = step(v, new RealServerChanged("TCP 192.0.2.100:80", "198.51.100.13:80", false, 0, true));
        v = step(v, new IpvsChanged(IpvsOp.DEST_DELETE, "TCP 192.0.2.100:80 wrr", "198.51.100.13:80", 3, "masq", true, ""));
        v = step(v, new IpvsChanged(IpvsOp.DEST_DELETE, "TCP 192.0.2.100:80 wrr", "198.51.100.12:80", 2, "masq", false, "EBUSY"));
        assertThat(v.ipvs().get("TCP 192.0.2.100:80 wrr").destinations().keySet()).containsExactly("198.51.100.12:80");
        assertThat(v.realServers().get("TCP 192.0.2.100:80|198.51.100.13:80").up()).isFalse();
        assertThat(v.quorum()).containsEntry("TCP 192.0.2.100:80", true);
        assertThat(v.checks().get("HTTP_GET|198.51.100.13:80").detail()).isEqualTo("timeout");
        assertThat(v.configHash()).isEqualTo("sha256:1");

        View before = v;
        v = step(v, new VipChanged("VI_1", "192.0.2.100/24", "eth0", false, true, ""));
        v = step(v, new IpvsChanged(IpvsOp.SERVICE_DELETE, "TCP 192.0.2.100:80 wrr", "", 0, "", true, ""));
        assertThat(v.vips()).isEmpty();
        assertThat(v.ipvs()).isEmpty();
        assertThat(before.vips()).hasSize(1); // the fold never mutates an earlier view
        assertThat(v.seq()).isEqualTo(17);

        // a snapshot replaces the state wholesale; informational events only advance seq
        View snap = step(View.EMPTY, new Snapshot(before));
        assertThat(snap).isEqualTo(before);
        View after = step(before, new GarpSent("VI_1", "192.0.2.100", "eth0", 5));
        assertThat(after.vips()).isEqualTo(before.vips());
        assertThat(after.seq()).isEqualTo(seq);
    }
}
