package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ha_suspend on a running node: the virtual server's TCP_CHECK reaches a real TCP server (python, logging each accepted
 * connection) only while the virtual server's address is on the node's interface, as keepalived runs such checkers only
 * while the VIP is up locally.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HaSuspendNetnsTest {
    NetLab lab;
    String a;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("hs");
        a = lab.node("a", "192.0.2.11");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    @Test void checkersRunOnlyWhileTheVipIsHere() throws Exception {
        NetLab.Proc rs = lab.start("rs", a, List.of("python3", "-u", "-c", """
                import socket
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", 8081))
                s.listen(16)
                print("listening")
                while True:
                    c, _ = s.accept()
                    print("accept")
                    c.close()
                """));
        await("rs listening", rs::logText, Duration.ofSeconds(20), () -> rs.logText().contains("listening"));
        var conf = lab.write("ha.conf", """
                virtual_server 192.0.2.100 80 {
                  delay_loop 1
                  lb_algo rr
                  lb_kind NAT
                  protocol TCP
                  ha_suspend
                  real_server 127.0.0.1 8081 {
                    TCP_CHECK {
                      connect_timeout 1
                    }
                  }
                }
                """);
        NetLab.Proc vigil = lab.vigil("vigil", a, conf);
        NetLab.awaitStarted(vigil);
        await("suspended", vigil::logText, Duration.ofSeconds(30), () -> vigil.logText().contains("Suspending healthchecker for service 192.0.2.100:80"));
        Thread.sleep(4000);
        assertThat(accepts(rs)).as("no probe while 192.0.2.100 is not on this node").isZero();

        NetLab.sh("ip", "-n", a, "addr", "add", "192.0.2.100/32", "dev", "eth0");
        await("probes with the VIP here", vigil::logText, Duration.ofSeconds(15), () -> accepts(rs) >= 2);
        assertThat(vigil.logText()).contains("Activating healthchecker for service 192.0.2.100:80");

        NetLab.sh("ip", "-n", a, "addr", "del", "192.0.2.100/32", "dev", "eth0");
        await("suspended again", vigil::logText, Duration.ofSeconds(15), () -> vigil.logText().split("Suspending healthchecker").length > 2);
        Thread.sleep(1500); // a probe already running may still land
        long n = accepts(rs);
        Thread.sleep(4000);
        assertThat(accepts(rs)).as("no probe once the VIP left").isEqualTo(n);
        assertThat(lab.term(vigil, Duration.ofSeconds(20))).isZero();
    }

    private static long accepts(NetLab.Proc p) { return p.logText().lines().filter("accept"::equals).count(); }
}
