package io.vigil.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * keepalived's SMTP dialogue, nothing more: HELO, MAIL FROM, one RCPT TO per address, DATA, QUIT; no TLS, no AUTH
 * (keepalived has neither). {@code timeout} bounds the connect and each reply, as smtp_connect_timeout does.
 * Blocking: called on the mail thread, never on the VRRP thread.
 */
final class SmtpClient {
    /** A refused step: the server's reply code (or -1 for I/O) and what it said. */
    static final class Failure extends IOException {
        final int code;
        Failure(int code, String message) { super(message); this.code = code; }
    }

    private SmtpClient() { }

    static void send(String host, int port, Duration timeout, String helo, String from, List<String> to, String data)
            throws IOException {
        int ms = (int) Math.max(1, timeout.toMillis());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), ms);
            s.setSoTimeout(ms);
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            expect(in, "greeting", 220);
            command(out, in, "HELO " + helo, 250);
            command(out, in, "MAIL FROM:<" + from + ">", 250);
            for (String rcpt : to) command(out, in, "RCPT TO:<" + rcpt + ">", 250, 251);
            command(out, in, "DATA", 354);
            out.write((dotStuffed(data) + "\r\n.\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            expect(in, "end of DATA", 250);
            command(out, in, "QUIT", 221);
        }
    }

    private static void command(OutputStream out, BufferedReader in, String line, int... ok) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, line.split("[ :]")[0], ok);
    }

    /** Reads one reply (multi-line "250-..." continued until "250 ...") and checks its code. */
    private static void expect(BufferedReader in, String step, int... ok) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new Failure(-1, step + ": connection closed by the server");
        } while (line.length() > 3 && line.charAt(3) == '-');
        int code;
        try { code = Integer.parseInt(line.substring(0, Math.min(3, line.length()))); } catch (NumberFormatException e) { code = -1; }
        for (int c : ok) if (c == code) return;
        throw new Failure(code, step + ": " + line);
    }

    /** A body line starting with '.' gets one more (RFC 5321 4.5.2). */
    static String dotStuffed(String data) {
        return data.startsWith(".") ? "." + data.replace("\r\n.", "\r\n..") : data.replace("\r\n.", "\r\n..");
    }
}
