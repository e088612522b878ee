package io.vigil.check.api;

import java.time.Duration;
import java.util.List;

/**
 * What one script run did. {@code exitCode} is -1 when it did not exit by itself (timed out and killed, or could
 * not be started, or refused by enable_script_security; then {@code error} says why). {@code killed} counts the
 * processes of its group signalled when it ended or timed out.
 */
public record ScriptOutcome(ScriptCommand command, int exitCode, Duration duration, List<String> firstLines,
                            boolean timedOut, String error, int killed) {
    public ScriptOutcome { firstLines = List.copyOf(firstLines); }

    public ScriptOutcome(ScriptCommand command, int exitCode, Duration duration, List<String> firstLines,
                         boolean timedOut, String error) {
        this(command, exitCode, duration, firstLines, timedOut, error, 0);
    }

    public boolean ok() { return exitCode == 0 && !timedOut && error == null; }
}
