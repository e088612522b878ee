package io.vigil.journal.store;

import net.openhft.chronicle.queue.RollCycle;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** Maps roll cycles to Chronicle's cycle file names (UTC, epoch 0), for messages and retention. */
final class CycleFiles {
    static final String SUFFIX = ".cq4";

    private CycleFiles() {}

    static String fileName(RollCycle rc, int cycle) {
        return formatter(rc).format(Instant.ofEpochMilli((long) cycle * rc.lengthInMillis())) + SUFFIX;
    }

    /** The cycle of a cycle file name, or -1 if the name is not one. */
    static int cycleOf(RollCycle rc, String fileName) {
        if (!fileName.endsWith(SUFFIX)) return -1;
        String stem = fileName.substring(0, fileName.length() - SUFFIX.length());
        try {
            DateTimeFormatter f = new DateTimeFormatterBuilder().appendPattern(rc.format())
                    .parseDefaulting(ChronoField.HOUR_OF_DAY, 0).parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
                    .toFormatter().withZone(ZoneOffset.UTC);
            long epochMs = LocalDateTime.parse(stem, f).toInstant(ZoneOffset.UTC).toEpochMilli();
            return (int) (epochMs / rc.lengthInMillis());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static DateTimeFormatter formatter(RollCycle rc) {
        return DateTimeFormatter.ofPattern(rc.format()).withZone(ZoneOffset.UTC);
    }
}
