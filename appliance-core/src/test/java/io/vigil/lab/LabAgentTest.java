package io.vigil.lab;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guest agent's command line and request handling that need no guest (LabKernelIT runs the real thing). */
class LabAgentTest {
    @Test
    void optionsAsLabInitPassesThem() {
        var o = LabAgent.Options.parse(new String[] {"--prefix", "vigil-lab-", "--real-servers", "3", "--api-port", "9180",
                "--listen", "0.0.0.0:7179", "--uplink", "up-svc=br0", "--uplink", "up-mgmt=mgmt0", "--", "java", "-Xmx160m", "-jar", "/opt/vigil/vigil.jar"});
        assertThat(o.plan()).isEqualTo(new LabPlan("vigil-lab-", 3, 9180));
        assertThat(o.listen().getPort()).isEqualTo(7179);
        assertThat(o.uplinks()).extracting(u -> u[0] + ">" + u[1]).containsExactly("up-svc>br0", "up-mgmt>mgmt0");
        assertThat(o.nodeCommand()).containsExactly("java", "-Xmx160m", "-jar", "/opt/vigil/vigil.jar");
        assertThatThrownBy(() -> LabAgent.Options.parse(new String[] {"--prefix", "x-"})).hasMessageContaining("no node command");
        assertThatThrownBy(() -> LabAgent.Options.parse(new String[] {"--bogus", "--", "java"})).hasMessageContaining("--bogus");
    }

    @Test
    void unknownOrMalformedRequestsAreRefusedWithAnExitCode() {
        LabPlan plan = new LabPlan("nolab-", 2, 9179);
        for (var c : List.of(new Object[] {"reboot", 2}, new Object[] {"incident", 1}, new Object[] {"incident explode", 1},
                new Object[] {"log ../../etc/passwd", 1}, new Object[] {"ping", 0})) {
            var buf = new ByteArrayOutputStream();
            int rc = LabAgent.run(plan, (String) c[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertThat(rc).as("%s -> %s", c[0], buf).isEqualTo(c[1]);
        }
    }
}
