package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import java.nio.file.Path;
import java.time.Duration;

/** Child process for the kill -9 test: appends events as fast as it can and reports progress, until killed. */
public final class WriterChild {
    public static void main(String[] args) {
        Journal j = Journal.open(JournalConfig.defaults(Path.of(args[0]), "killme").withSnapshotEvery(500));
        long last = 0;
        for (long i = 0; ; i++) {
            long s = j.appendOrWait(Cause.timer("check-interval"), new Event.CheckResult("HTTP_GET",
                    "198.51.100." + (i % 250) + ":80", i % 3 != 0, i, "attempt " + i, 1), Duration.ofSeconds(5));
            if (s > 0) last = s;
            if (i % 5000 == 0) {
                j.awaitWritten(last, Duration.ofSeconds(5));
                System.out.println("written " + j.writtenSeq());
                System.out.flush();
            }
        }
    }
}
