package io.vigil.journal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetentionPolicyTest {
    static final long HOUR = 3_600_000;

    @Test
    void aCycleGoesOnceItEndedLongerAgoThanTheAgeLimit() {
        RetentionPolicy p = new RetentionPolicy(HOUR, 2 * HOUR, 0);
        long now = 10 * HOUR; // cycle 7 ends at 8h: exactly 2h ago
        assertThat(p.deletes(6, 1, 10, now)).isTrue();
        assertThat(p.deletes(7, 1, 10, now)).isFalse();
        assertThat(p.deletes(7, 1, 10, now + 1)).isTrue();
    }

    @Test
    void oldCyclesGoWhileTheDirectoryIsTooLarge() {
        RetentionPolicy p = new RetentionPolicy(HOUR, 0, 100);
        assertThat(p.deletes(9, 101, 10, 10 * HOUR)).isTrue();
        assertThat(p.deletes(9, 100, 10, 10 * HOUR)).isFalse();
    }

    @Test
    void theCurrentCycleAndUnlimitedJournalsKeepEverything() {
        RetentionPolicy harsh = new RetentionPolicy(HOUR, 1, 1);
        assertThat(harsh.deletes(10, Long.MAX_VALUE, 10, 100 * HOUR)).isFalse();
        assertThat(harsh.deletes(3, Long.MAX_VALUE, Integer.MIN_VALUE, 100 * HOUR)).isFalse();
        assertThat(new RetentionPolicy(HOUR, 0, 0).deletes(0, Long.MAX_VALUE, 10, 100 * HOUR)).isFalse();
    }
}
