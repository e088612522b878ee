package io.vigil.node;

import java.time.Duration;
import java.util.List;

/**
 * What one script run did. {@code exitCode} is -1 when it did not exit by itself (timed out and killed, or could
 * not be started; then {@code error} says why).
 */
public record ScriptOutcome(ScriptCommand command, int exitCode, Duration duration, List<String> firstLines,
                            boolean timedOut, String error) {
    public ScriptOutcome { firstLines = List.copyOf(firstLines); }

    public boolean ok() { return exitCode == 0 && !timedOut && error == null; }
}
