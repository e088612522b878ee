package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gratuitous ARPs of a takeover take the interface's MAC from the link monitor's view, not from a lookup on the
 * takeover's path: a MAC changed while the node is BACKUP (after the start-up rehearsal looked the link up) is the one
 * announced when it becomes MASTER.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GarpMacFollowsLinkTest {
    static final String NEW_MAC = "02:00:5e:00:be:ef";

    static boolean isGarp(String tcpdumpLine) {
        return tcpdumpLine.contains("who-has 192.0.2.100 ") && tcpdumpLine.contains("tell 192.0.2.100,");
    }

    @Test void takeoverAnnouncesTheMacTheLinkHasNow() throws Exception {
        try (NetLab lab = new NetLab("vg")) {
            String a = lab.node("a", "192.0.2.11");
            String before = NetLab.run("ip", "-n", a, "-br", "link", "show", "eth0").trim().split("\\s+")[2];
            Conf c = Conf.node("a", 100);
            c.advertInt = "3"; // master down ~9.6 s: room to change the MAC after the rehearsal, before the takeover
            NetLab.Proc cap = lab.capture("cap");
            NetLab.Proc v = lab.vigil("v", a, lab.write("a.conf", c.text()));
            NetLab.awaitStarted(v);
            Thread.sleep(3000); // the start-up rehearsal has looked eth0 up (old MAC) by now
            assertThat(lab.hasAddr(a, "192.0.2.100/24")).as("still BACKUP").isFalse();
            NetLab.run("ip", "-n", a, "link", "set", "eth0", "address", NEW_MAC);
            await("MASTER", lab::logs, Duration.ofSeconds(20), quiet(() -> lab.hasAddr(a, "192.0.2.100/24")));
            await("GARP for the VIP", lab::logs, Duration.ofSeconds(5),
                    () -> cap.logText().lines().anyMatch(l -> isGarp(l)));
            var garps = cap.logText().lines().filter(l -> isGarp(l)).toList();
            assertThat(garps).as("from the new MAC, none from " + before).allMatch(l -> l.contains(NEW_MAC + " > ff:ff:ff:ff:ff:ff"));
        }
    }
}
