package io.vigil.api;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import io.vigil.journal.JournalJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay's events API and the JSON export show a check-summary with all its fields, its cause the run's first result. */
class CheckSummaryEventViewTest {
    @Test
    void checkSummaryIsShownWithItsCountsTimesAndLatencies() {
        var ev = new Event.CheckSummary("TCP_CHECK#0 198.51.100.13:80 (vs 192.0.2.100:80 TCP)", "198.51.100.13:80", false,
                "connect failed: Connection refused", 899, 1_790_000_001_000_000_000L, 1_790_000_900_000_000_000L,
                41_000, 2_500_000, 90_000_000, "64us:890 128us:8 4096us:1");
        Entry e = new Entry("lb1", 42, 1_790_000_900_100_000_000L, 5, Cause.event(7), ev);
        Views.Event v = JournalAccess.toView(e);
        assertThat(v.type()).isEqualTo("check-summary");
        assertThat(v.json().getJsonObject("data").getMap()).containsEntry("count", 899L).containsEntry("up", false)
                .containsEntry("histogram", "64us:890 128us:8 4096us:1").containsEntry("firstWallNs", 1_790_000_001_000_000_000L)
                .containsEntry("latencySumNs", 90_000_000L);
        var json = JournalJson.toJson(e);
        assertThat(json.getString("type")).isEqualTo("check-summary");
        assertThat(JournalJson.fromJson(json).event()).isEqualTo(ev);
    }
}
