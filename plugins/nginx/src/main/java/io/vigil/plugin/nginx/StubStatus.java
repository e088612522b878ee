package io.vigil.plugin.nginx;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx {@code stub_status} output:
 * <pre>
 * Active connections: 2
 * server accepts handled requests
 *  10 10 12
 * Reading: 0 Writing: 1 Waiting: 1
 * </pre>
 * {@code accepts - handled} is the number of connections nginx accepted but dropped (worker_connections
 * or other resource limits reached).
 */
public record StubStatus(long active, long accepts, long handled, long requests, long reading, long writing, long waiting) {
    private static final Pattern FORMAT = Pattern.compile(
            "Active connections:\\s*(\\d+)\\s+server accepts handled requests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+"
                    + "Reading:\\s*(\\d+)\\s+Writing:\\s*(\\d+)\\s+Waiting:\\s*(\\d+)");

    public static Optional<StubStatus> parse(String body) {
        Matcher m = FORMAT.matcher(body);
        if (!m.find()) return Optional.empty();
        long[] v = new long[7];
        for (int i = 0; i < 7; i++) v[i] = Long.parseLong(m.group(i + 1));
        return Optional.of(new StubStatus(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
    }

    public long dropped() { return accepts - handled; }

    @Override public String toString() {
        return "active=" + active + " accepts=" + accepts + " handled=" + handled + " dropped=" + dropped()
                + " requests=" + requests;
    }
}
