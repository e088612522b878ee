package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static io.vigil.node.NetLab.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code nohup vigil run}: the JVM inherits SIGHUP ignored, and the JDK then installs no handler. Vigil puts the
 * signal back to its default first, as keepalived installs its handlers whatever it inherited, so SIGHUP still
 * reloads (before the fix the reload below never came).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignalsNohupTest {
    @Test void sighupReloadsUnderNohup() throws Exception {
        try (NetLab lab = new NetLab("vh")) {
            String a = lab.node("a", "192.0.2.11");
            Conf c = Conf.node("a", 150);
            Path conf = lab.write("a.conf", c.text());
            List<String> cmd = new ArrayList<>(List.of("nohup"));
            cmd.addAll(NetLab.vigilCommand());
            cmd.addAll(List.of("run", "-f", conf.toString(), "--journal", lab.dir.resolve("journal").toString()));
            NetLab.Proc v = lab.start("v", a, cmd); // ip netns exec and nohup both exec: the pid is the JVM's
            NetLab.awaitStarted(v);
            await("MASTER with 192.0.2.100", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(a, "192.0.2.100/24")));
            assertThat(v.logText()).contains("SIGHUP had been ignored");

            c.vip = "192.0.2.100/24\n    192.0.2.101/24";
            Files.writeString(conf, c.text());
            NetLab.sh("kill", "-HUP", Long.toString(v.pid()));
            await("SIGHUP reload adds 192.0.2.101", lab::logs, Duration.ofSeconds(10), quiet(() -> lab.hasAddr(a, "192.0.2.101/24")));
            assertThat(lab.term(v, Duration.ofSeconds(10))).isZero();
        }
    }
}
