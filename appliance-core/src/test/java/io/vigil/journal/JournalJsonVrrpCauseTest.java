package io.vigil.journal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A VRRP cause keeps its own kind through export and import (it used to be overwritten by the cause type). */
class JournalJsonVrrpCauseTest {
    @Test
    void vrrpCauseKindSurvivesTheJsonRoundTrip() {
        Cause c = new Cause.Vrrp(Cause.Vrrp.MASTER_DOWN, "192.0.2.12", "eth0", 100, 1_795_489_200_000_000_000L, "higher");
        Entry e = new Entry("lb-a", 7, 1_795_489_201_000_000_000L, 5, c,
                new Event.VrrpTransition("VI_1", Event.VrrpState.BACKUP, Event.VrrpState.MASTER, "no advert", 100));
        var json = JournalJson.toJson(e);
        assertThat(json.getJsonObject("causeData").getString("kind")).isEqualTo("vrrp");
        assertThat(json.getJsonObject("causeData").getString("vrrpKind")).isEqualTo("master_down");
        assertThat(JournalJson.fromJson(json).cause()).isEqualTo(c);
    }
}
