package io.vigil.plugin.protocols;

import io.vertx.core.Future;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** One DNS_CHECK as check_dns.c: query over a connected UDP socket, wait for the matching response. */
final class DnsCheck implements Check {
    /** keepalived's receive buffer (DNS_BUFFER_SIZE). */
    private static final int BUFFER = 768;
    private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

    private final String name;
    private final String type;
    private final int qtype;

    DnsCheck(String name, String type) {
        this.name = name;
        this.type = type;
        this.qtype = DnsCheckFactory.TYPES.get(type);
    }

    /** Header (id, RD set, one question), QNAME as labels, QTYPE, QCLASS IN. */
    static byte[] query(int id, String name, int qtype) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        b.write(id >> 8); b.write(id);
        b.write(0x01); b.write(0x00);                  // flags: RD
        b.write(0); b.write(1);                        // QDCOUNT 1
        for (int i = 0; i < 6; i++) b.write(0);        // AN, NS, AR 0
        if (!name.isEmpty()) {
            for (String label : name.split("\\.")) {
                byte[] l = label.getBytes(StandardCharsets.US_ASCII);
                if (l.length > 63) throw new IllegalArgumentException("label '" + label + "' is longer than 63 octets");
                b.write(l.length);
                b.writeBytes(l);
            }
        }
        b.write(0);
        b.write(qtype >> 8); b.write(qtype);
        b.write(0); b.write(1);                        // IN
        return b.toByteArray();
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        long start = System.nanoTime();
        String who = "DNS server " + ctx.authority(53);
        return Probes.blocking(start, who, () -> {
            long deadline = start + ctx.connectTimeout().toNanos();
            int id = ThreadLocalRandom.current().nextInt(0x10000);
            byte[] q = query(id, name, qtype);
            try (DatagramSocket s = new DatagramSocket(Probes.local(ctx.bindTo()).orElse(null))) {
                s.connect(Probes.socket(ctx.address(), ctx.portOr(53)));
                s.send(new DatagramPacket(q, q.length));
                byte[] buf = new byte[BUFFER];
                while (true) {
                    s.setSoTimeout(Probes.millisLeft(deadline));
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    // as keepalived: short packets, other ids and non-responses are skipped, the wait goes on
                    if (p.getLength() < 12) continue;
                    int rid = (buf[0] & 0xff) << 8 | buf[1] & 0xff;
                    int flags = (buf[2] & 0xff) << 8 | buf[3] & 0xff;
                    if (rid != id || (flags & 0x8000) == 0) continue;
                    int rcode = flags & 0x0f;
                    int answers = (buf[6] & 0xff) << 8 | buf[7] & 0xff;
                    String what = type + " " + (name.isEmpty() ? "." : name);
                    if (rcode != 0) {
                        return CheckResult.down(CheckResult.since(start), who + ": " + what + " answered rcode " + rcode
                                + (rcode < RCODES.length ? " (" + RCODES[rcode] + ")" : ""));
                    }
                    return CheckResult.up(CheckResult.since(start), who + ": " + what + " NOERROR, " + answers + " answer(s)");
                }
            }
        });
    }

    @Override public String describe(CheckContext ctx) {
        return "DNS_CHECK " + type + " " + (name.isEmpty() ? "." : name) + " @" + ctx.authority(53);
    }
}
