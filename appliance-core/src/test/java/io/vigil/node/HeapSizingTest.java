package io.vigil.node;

import io.vigil.config.LoadOptions;
import io.vigil.node.HeapSizing.Load;
import io.vigil.config.source.ConfigLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HeapSizingTest {
    static final long MB = 1L << 20;
    @TempDir Path dir;

    @Test void aSmallNodeGetsTheFloorALargeOneItsEstimateAndTheCeilingCaps() {
        assertThat(HeapSizing.softMax(Load.NONE, 512 * MB)).isEqualTo(96 * MB);
        assertThat(HeapSizing.softMax(new Load(1_000, 0), 512 * MB)).isEqualTo(96 * MB); // 21.8 MB live x 1.5 < floor
        // NodeScaleBench's TCP node: 10,000 real servers, 93-98 MB live measured, 138 MB soft
        assertThat(HeapSizing.softMax(new Load(10_000, 0), 512 * MB)).isBetween(138 * MB, 139 * MB);
        // the same with HTTP_GET at delay_loop 1: ~7 KB allocated per probe needs ~117 MB more (256 MB: 0.92 cores)
        assertThat(HeapSizing.softMax(new Load(10_000, 10_000), 512 * MB)).isBetween(255 * MB, 256 * MB);
        // keepalived's production anchor, 2,284 x ~16 TCP_CHECK: ~300 MB live
        assertThat(HeapSizing.softMax(new Load(36_544, 0), 512 * MB)).isBetween(449 * MB, 450 * MB);
        assertThat(HeapSizing.softMax(new Load(36_544, 0), 256 * MB)).isEqualTo(256 * MB);
        assertThat(HeapSizing.softMax(Load.NONE, 64 * MB)).isEqualTo(64 * MB); // never above -Xmx
    }

    @Test void aCeilingTooLowForTheEstimateIsNamedWithItsFix() {
        assertThat(HeapSizing.ceilingWarning(new Load(10_000, 10_000), 512 * MB)).isNull();
        assertThat(HeapSizing.ceilingWarning(new Load(36_544, 0), 256 * MB))
                .isEqualTo("heap: 36544 real servers need about 449 MB of heap but -Xmx is 256 MB: the node will collect "
                        + "garbage back to back or run out of memory; set VIGIL_JAVA_OPTS=-Xmx513m");
        assertThat(HeapSizing.ceilingWarning(new Load(10_000, 40_000), 512 * MB))
                .startsWith("heap: 10000 real servers and 40000 plugin probes/s need about 606 MB of heap but -Xmx is 512 MB");
    }

    @Test void theLoadCountsRealServersAndEveryProbeButTheBuiltInTcpChecksPerSecond() {
        String conf = """
                virtual_server 192.0.2.10 80 {
                  delay_loop 2
                  lb_kind NAT
                  protocol TCP
                  real_server 192.0.2.21 80 {
                    HTTP_GET {
                      url {
                        path /health
                        status_code 200
                      }
                    }
                    TCP_CHECK {
                    }
                  }
                  real_server 192.0.2.22 80 {
                    MISC_CHECK {
                      misc_path /bin/true
                      delay_loop 4
                    }
                  }
                  real_server 192.0.2.23 80 {
                  }
                }
                """;
        var r = ConfigLoader.loadText("heap.conf", conf, dir, LoadOptions.defaults());
        Load load = Load.of(r.config().orElseThrow());
        assertThat(load.realServers()).isEqualTo(3);
        assertThat(load.pluginProbesPerSecond()).isCloseTo(0.5 + 0.25, within(1e-9)); // HTTP_GET every 2 s, MISC_CHECK every 4 s
    }
}
