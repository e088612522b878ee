package io.vigil.linux;

import io.vigil.lab.NetnsTopology;

import java.io.IOException;

/** Test fixture: namespace vl_PID-sw with bridge br0, hosts vl_PID-a (192.0.2.11) and vl_PID-b (192.0.2.12) on eth0. */
final class TwoHostLab implements AutoCloseable {
    final NetnsTopology lab = NetnsTopology.createUnique("vl");
    final NetnsTopology.Namespace sw, a, b;

    TwoHostLab() throws IOException {
        try {
            sw = lab.namespace("sw");
            lab.bridge(sw, "br0");
            a = lab.host("a", "eth0", "192.0.2.11/24", sw, "br0");
            b = lab.host("b", "eth0", "192.0.2.12/24", sw, "br0");
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    @Override public void close() {
        lab.close();
    }
}
