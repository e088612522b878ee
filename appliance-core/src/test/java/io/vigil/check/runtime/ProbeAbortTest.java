package io.vigil.check.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-probe abort signal across runs: registered, aborted, late registrations, released verdicts. */
class ProbeAbortTest {
    @Test void runsTheActionOfTheCurrentRunOnlyWhenTheHostGivesUp() {
        ProbeAbort a = new ProbeAbort();
        AtomicInteger first = new AtomicInteger(), second = new AtomicInteger(), late = new AtomicInteger();
        a.begin();
        a.onAbort(first::incrementAndGet);
        a.onAbort(second::incrementAndGet);            // replaces: the first connection is gone already
        assertThat(a.aborted()).isFalse();
        a.abort();
        assertThat(first).hasValue(0);
        assertThat(second).hasValue(1);
        assertThat(a.aborted()).isTrue();
        a.onAbort(late::incrementAndGet);              // registered after the deadline: runs at once
        assertThat(late).hasValue(1);
        a.release();                                   // the deadline's verdict: stays aborted
        assertThat(a.aborted()).isTrue();

        a.begin();                                     // the next run
        assertThat(a.aborted()).isFalse();
        AtomicInteger ok = new AtomicInteger();
        a.onAbort(ok::incrementAndGet);
        a.release();                                   // a verdict in time: its action is dropped, never run
        a.abort();
        assertThat(ok).hasValue(0);
        assertThat(second).hasValue(1);
    }
}
