package io.vigil.plugin.protocols;

import io.vertx.core.Future;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One SMTP_CHECK: the HELO/QUIT dialogue keepalived's check_smtp.c has with each target, in order. */
final class SmtpCheck implements Check {
    /** A {@code host {}} sub-block: unset fields fall back to the real server (and the checker's connect_timeout). */
    record Host(Optional<String> connectIp, Optional<Integer> connectPort, Optional<String> bindTo,
                Optional<Duration> connectTimeout) {}

    /** keepalived reads into a 512-byte buffer and only looks at the start of the first line. */
    private static final int LINE_MAX = 512;

    private final String helo;
    private final boolean probeOwnTarget;
    private final List<Host> hosts;
    private final Optional<Duration> budget;

    SmtpCheck(String helo, boolean probeOwnTarget, List<Host> hosts, Optional<Duration> budget) {
        this.helo = helo;
        this.probeOwnTarget = probeOwnTarget;
        this.hosts = List.copyOf(hosts);
        this.budget = budget;
    }

    private record Target(String address, int port, Optional<String> bindTo, Duration timeout) {}

    private List<Target> targets(CheckContext ctx) {
        List<Target> t = new ArrayList<>();
        int port = ctx.portOr(25);
        if (probeOwnTarget) t.add(new Target(ctx.address(), port, ctx.bindTo(), ctx.connectTimeout()));
        for (Host h : hosts) {
            t.add(new Target(h.connectIp().orElse(ctx.address()), h.connectPort().orElse(port), h.bindTo(),
                    h.connectTimeout().orElse(ctx.connectTimeout())));
        }
        return t;
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        List<String> ok = new ArrayList<>();
        for (Target t : targets(ctx)) {
            String who = "SMTP server " + Probes.authority(t.address, t.port);
            try {
                String verdict = dialogue(t);
                if (verdict != null) return Future.succeededFuture(CheckResult.down(CheckResult.since(start), verdict + " from " + who));
                ok.add(who);
            } catch (IOException e) {
                return Future.succeededFuture(CheckResult.down(CheckResult.since(start), who + ": " + Probes.describe(e)));
            }
        }
        return Future.succeededFuture(CheckResult.up(CheckResult.since(start), String.join(", ", ok) + ": HELO " + helo + " accepted"));
    }

    /** null when the server passed, else what went wrong (keepalived's wording). */
    private String dialogue(Target t) throws IOException {
        int ms = (int) Math.max(1, t.timeout.toMillis());
        try (Socket s = new Socket()) {
            if (t.bindTo.isPresent()) s.bind(Probes.socket(t.bindTo.get(), 0));
            s.connect(Probes.socket(t.address, t.port), ms);
            s.setSoTimeout(ms);          // keepalived gives every read and write connect_timeout
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String banner = readReply(in);
            if (status(banner) != 220) return "bad greeting banner '" + printable(banner) + "'";
            out.write(("HELO " + helo + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = readReply(in);
            if (status(reply) != 250) return "bad HELO response '" + printable(reply) + "'";
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readLine(in);                // any answer to QUIT will do, as in keepalived
            return null;
        }
    }

    /**
     * One reply: RFC 5321 continuation lines ({@code 250-...}) are read up to the final {@code 250 ...} line, which is
     * returned. keepalived looks only at the first line and so fails a server that greets or answers HELO on
     * several lines (GreenMail answers HELO that way); such a server is healthy, so Vigil reads the whole reply.
     */
    static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        for (int n = 0; n < 100 && line.length() >= 4 && line.charAt(3) == '-' && status(line.substring(0, 3)) > 0; n++) {
            line = readLine(in);
        }
        return line;
    }

    /** One line (without the newline); the connection closing first is a read failure. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("read failure: connection closed" + (b.isEmpty() ? "" : " after '" + printable(b.toString()) + "'"));
            if (c == '\n') return b.toString();
            if (b.length() < LINE_MAX) b.append((char) c);
        }
    }

    /**
     * The reply code as keepalived's smtp_get_status reads it: exactly three digits followed by a space or the
     * end of the line; anything else is -1. A CR ending the line is dropped first.
     */
    static int status(String line) {
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        int i = 0;
        while (i < line.length() && Character.isDigit(line.charAt(i))) i++;
        if (i != 3 || (i < line.length() && line.charAt(i) != ' ')) return -1;
        return Integer.parseInt(line.substring(0, 3));
    }

    private static String printable(String s) {
        return s.replaceAll("[\\r\\n]+$", "").replaceAll("\\p{Cntrl}", "?");
    }

    @Override public Optional<Duration> timeout() { return budget; }

    @Override public String describe(CheckContext ctx) {
        return "SMTP_CHECK " + String.join(" ", targets(ctx).stream().map(t -> Probes.authority(t.address, t.port)).toList());
    }
}
