package io.vigil.linux.ipvs;

import io.vigil.ipvs.ForwardMethod;
import io.vigil.ipvs.IpvsPlanner;
import io.vigil.ipvs.Protocol;
import io.vigil.ipvs.RealServerSpec;
import io.vigil.ipvs.ServiceKey;
import io.vigil.ipvs.VirtualServerSpec;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** On this host the kernel has no IPVS: the backend must say so clearly, once, and let the caller go on. */
class IpvsUnavailableTest {

    @Test
    void hostWithoutIpvsIsReportedAndSurvived() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/net/ip_vs"))).as("this host kernel has IPVS loaded").isFalse();
        assertThatThrownBy(IpvsNetlink::open)
                .isInstanceOf(IpvsUnavailableException.class)
                .hasMessageContaining("this kernel has no IPVS")
                .hasMessageContaining("modprobe ip_vs");

        var vs = VirtualServerSpec.simple("192.0.2.10 80", new ServiceKey.Addr(Protocol.TCP, InetAddress.getByName("192.0.2.10"), 80),
                "wrr", ForwardMethod.DR, List.of(RealServerSpec.of(InetAddress.getByName("198.51.100.1"), 80, 1)));
        java.io.PrintStream err = System.err;
        var captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try (IpvsReconciler r = new IpvsReconciler()) {
            assertThat(r.available()).isFalse();
            for (int i = 0; i < 3; i++) { // every reload: nothing done, no exception, still reported unavailable
                IpvsReconciler.Result res = r.reconcile(IpvsPlanner.plan(List.of(vs), Map.of(), Map.of()));
                assertThat(res.unavailable()).isTrue();
                assertThat(res.ok()).isFalse();
                assertThat(res.applied()).isEmpty();
            }
            assertThat(r.netlink()).isNull();
        } finally {
            System.setErr(err);
        }
        String said = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        err.print(said);
        assertThat(said.split("this kernel has no IPVS", -1)).as("reported exactly once: %s", said).hasSize(2);
    }
}
