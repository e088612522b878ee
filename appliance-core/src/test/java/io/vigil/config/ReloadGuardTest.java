package io.vigil.config;

import io.vigil.config.source.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReloadGuardTest {
    static final String RUNNING = """
            vrrp_instance VI_1 {
              interface eth0
              virtual_router_id 51
              priority 100
              virtual_ipaddress {
                192.0.2.100/24
              }
            }
            virtual_server 192.0.2.100 80 {
              real_server 192.0.2.21 80 {
                TCP_CHECK {
                }
              }
            }
            """;

    static KeepalivedConfig load(String text) {
        LoadResult r = ConfigLoader.loadText("new.conf", text, Path.of("."), LoadOptions.defaults().withConfigId("t"));
        assertThat(r.errors()).isEmpty();
        return r.config().orElseThrow();
    }

    @Test void anEmptyFileWouldStopEverything() {
        var errs = ReloadGuard.check(load(RUNNING), load(""), "new.conf");
        assertThat(errs).extracting(Diagnostic::format).containsExactly(
                "new.conf:1:1: error: the new configuration has no vrrp_instance; it would stop all 1 running (VI_1); refusing the reload"
                        + " (force it with POST /api/v1/reload?force=true, or run with --allow-empty-reload)",
                "new.conf:1:1: error: the new configuration has no virtual_server; it would remove all 1 from IPVS; refusing the reload"
                        + " (force it with POST /api/v1/reload?force=true, or run with --allow-empty-reload)");
    }

    @Test void aTypoInTheOnlyVipIsRefusedAtItsBlock() {
        KeepalivedConfig next = ConfigLoader.loadText("new.conf", RUNNING.replace("192.0.2.100/24", "192.0.2.1000/24"), Path.of("."),
                LoadOptions.defaults().withConfigId("t")).config().orElseThrow();
        assertThat(next.vrrpInstance("VI_1").orElseThrow().virtualIpAddresses()).isEmpty();
        assertThat(ReloadGuard.check(load(RUNNING), next, "new.conf")).singleElement().satisfies(d -> {
            assertThat(d.where().line()).isEqualTo(5); // the virtual_ipaddress block
            assertThat(d.message()).startsWith("vrrp_instance VI_1 would have no virtual_ipaddress (it holds 192.0.2.100/24 now");
        });
    }

    @Test void ordinaryChangesPass() {
        assertThat(ReloadGuard.check(load(RUNNING), load(RUNNING.replace("priority 100", "priority 50")), "new.conf")).isEmpty();
        assertThat(ReloadGuard.check(load(""), load(""), "new.conf")).isEmpty();
    }
}
