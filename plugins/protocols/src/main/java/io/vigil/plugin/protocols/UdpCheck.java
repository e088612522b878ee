package io.vigil.plugin.protocols;

import io.vertx.core.Future;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/** One UDP_CHECK as check_udp.c; ICMP errors surface on the connected socket as PortUnreachableException. */
final class UdpCheck implements Check {
    /** keepalived's default datagram: 32 octets of "keepalived check - " repeated (layer4.c set_buf). */
    static final byte[] DEFAULT_PAYLOAD = filler(32);

    private final byte[] payload;
    private final boolean requireReply;
    private final Optional<HexString> reply;
    private final int minLength;
    private final int maxLength;

    UdpCheck(Optional<byte[]> payload, boolean requireReply, Optional<HexString> reply, int minLength, int maxLength) {
        this.payload = payload.orElse(DEFAULT_PAYLOAD);
        this.requireReply = requireReply;
        this.reply = reply;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    private static byte[] filler(int n) {
        byte[] s = "keepalived check - ".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = s[i % s.length];
        return b;
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        String who = "UDP " + ctx.authority(0);
        return Probes.blocking(start, who, () -> {
            try (DatagramSocket s = new DatagramSocket(Probes.local(ctx.bindTo()).orElse(null))) {
                s.connect(Probes.socket(ctx.address(), ctx.port()));
                s.send(new DatagramPacket(payload, payload.length));
                byte[] buf = new byte[maxLength + 1];        // one more than allowed: a longer reply shows as too long
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.setSoTimeout((int) Math.max(1, ctx.connectTimeout().toMillis()));
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    return requireReply
                            ? CheckResult.down(CheckResult.since(start), who + ": no reply within " + ctx.connectTimeout().toMillis() + " ms")
                            : CheckResult.up(CheckResult.since(start), who + ": sent " + payload.length + " octets, no ICMP error");
                }
                int len = p.getLength();
                if (reply.isPresent()) {
                    if (len < minLength || len > maxLength) {
                        return CheckResult.down(CheckResult.since(start), who + ": reply of " + len + " octets outside "
                                + minLength + ".." + maxLength);
                    }
                    if (!reply.get().matches(buf, len)) {
                        return CheckResult.down(CheckResult.since(start), who + ": reply data mismatch ("
                                + HexFormat.of().formatHex(buf, 0, Math.min(len, 16)) + (len > 16 ? "..." : "") + ")");
                    }
                }
                return CheckResult.up(CheckResult.since(start), who + ": reply of " + len + " octets");
            }
        });
    }

    @Override public String describe(CheckContext ctx) { return "UDP_CHECK " + ctx.authority(0); }
}
