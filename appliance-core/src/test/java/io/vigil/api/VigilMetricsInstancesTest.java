package io.vigil.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The advert series exist before an instance's first advert, so the vrrp thread never builds them (NodeApi). */
class VigilMetricsInstancesTest {
    @Test
    void advertSeriesAreBuiltForTheConfiguredInstances() {
        VigilMetrics m = new VigilMetrics(new MemoryNode());
        assertThat(m.scrape()).doesNotContain("iname=\"VI_9\"");
        m.instances(List.of("VI_9"));
        assertThat(m.scrape()).contains("vigil_vrrp_advert_late_seconds_count{iname=\"VI_9\",} 0.0",
                "vigil_vrrp_advert_send_interval_seconds_count{iname=\"VI_9\",} 0.0",
                "vigil_vrrp_advert_wake_late_seconds_count{iname=\"VI_9\",} 0.0");
        m.observeAdvertLate("VI_9", 0.00005, 0.0003);
        assertThat(m.scrape()).contains("vigil_vrrp_advert_late_seconds_bucket{iname=\"VI_9\",le=\"5.0E-4\",} 1.0",
                "vigil_vrrp_advert_late_seconds_bucket{iname=\"VI_9\",le=\"2.5E-4\",} 0.0",
                "vigil_vrrp_advert_wake_late_seconds_bucket{iname=\"VI_9\",le=\"1.0E-4\",} 1.0");
    }
}
