package io.vigil.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadTuningTest {
    /** keepalived's increment_process_priority: from 1 if not real-time, one step at a time, never past the max. */
    @Test void autoPriorityStepsAsKeepalived() {
        assertThat(ThreadTuning.nextAutoPriority(0, 5)).isEqualTo(1);
        assertThat(ThreadTuning.nextAutoPriority(7, 9)).isEqualTo(8);
        assertThat(ThreadTuning.nextAutoPriority(9, 9)).isZero();
        assertThat(ThreadTuning.nextAutoPriority(10, 9)).isZero(); // Vigil's default 10 above a low max: left alone
        assertThat(ThreadTuning.nextAutoPriority(3, 0)).isZero();  // off
    }
}
