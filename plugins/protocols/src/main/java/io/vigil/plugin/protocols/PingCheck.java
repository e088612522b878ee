package io.vigil.plugin.protocols;

import io.vertx.core.Future;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PING_CHECK as check_ping.c: an echo request with 128 octets of filler, then wait for the echo reply. The
 * socket is non-blocking and polled with short sleeps, so a probe waiting for a silent host parks its virtual
 * thread instead of pinning a carrier in a native call.
 */
final class PingCheck implements Check {
    private static final int PAYLOAD = 128;
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        String who = "ICMP echo to " + ctx.address();
        return Probes.blocking(start, who, () -> {
            InetAddress dst = InetAddress.getByName(ctx.address());
            boolean v6 = dst instanceof Inet6Address;
            int seq = SEQ.getAndIncrement() & 0xffff;
            byte[] req = new byte[8 + PAYLOAD];
            req[0] = (byte) (v6 ? 128 : 8);          // echo request; id and checksum are the kernel's on a ping socket
            req[6] = (byte) (seq >> 8);
            req[7] = (byte) seq;
            System.arraycopy(filler(), 0, req, 8, PAYLOAD);
            try (PingSocket s = PingSocket.open(v6)) {
                if (ctx.bindTo().isPresent()) s.bind(InetAddress.getByName(ctx.bindTo().get()));
                s.send(req, dst);
                long deadline = start + ctx.connectTimeout().toNanos();
                byte[] buf = new byte[8 + PAYLOAD];
                long sleep = 1;
                while (true) {
                    int n = s.receive(buf);
                    if (n > 0) {
                        if (n < 8) return CheckResult.down(CheckResult.since(start), who + ": short ICMP packet, " + n + " octets");
                        int type = buf[0] & 0xff;
                        int replySeq = (buf[6] & 0xff) << 8 | buf[7] & 0xff;
                        if (type != (v6 ? 129 : 0)) {
                            return CheckResult.down(CheckResult.since(start), who + ": got ICMP type " + type + " instead of an echo reply");
                        }
                        if (replySeq != seq) continue;  // a late reply to an earlier probe
                        return CheckResult.up(CheckResult.since(start), who + ": echo reply in "
                                + String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - start) / 1e6) + " ms");
                    }
                    if (System.nanoTime() >= deadline) {
                        return CheckResult.down(CheckResult.since(start), who + ": no echo reply within "
                                + ctx.connectTimeout().toMillis() + " ms");
                    }
                    Thread.sleep(sleep);
                    sleep = Math.min(10, sleep * 2);
                }
            }
        });
    }

    private static byte[] filler() {
        byte[] s = "keepalived check - ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] b = new byte[PAYLOAD];
        for (int i = 0; i < b.length; i++) b[i] = s[i % s.length];
        return b;
    }

    @Override public String describe(CheckContext ctx) { return "PING_CHECK " + ctx.address(); }
}
