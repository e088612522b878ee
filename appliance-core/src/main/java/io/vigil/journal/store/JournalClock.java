package io.vigil.journal.store;

import java.time.Instant;

/** Where the journal takes time stamps from; tests and replays substitute their own. */
public interface JournalClock {
    long wallNs();
    long monoNs();

    JournalClock SYSTEM = new JournalClock() {
        @Override public long wallNs() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
        @Override public long monoNs() { return System.nanoTime(); }
    };
}
