package io.vigil.vrrp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every golden advert captured from keepalived 2.2.7 decodes to its stated fields and re-encodes byte for byte. */
class VrrpAdvertVectorsTest {

    record Vector(String name, Map<String, String> lines, Map<String, String> fields) {}

    static List<Vector> vectors() throws IOException {
        List<Vector> out = new ArrayList<>();
        try (InputStream in = VrrpAdvertVectorsTest.class.getResourceAsStream("vrrp-adverts.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String name = null;
            Map<String, String> lines = null;
            for (String raw : text.split("\n")) {
                String line = raw.strip();
                if (line.startsWith("#") || line.isEmpty()) continue;
                if (line.startsWith("[")) {
                    if (name != null) out.add(toVector(name, lines));
                    name = line.substring(1, line.length() - 1);
                    lines = new LinkedHashMap<>();
                    continue;
                }
                int colon = line.indexOf(':');
                lines.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
            if (name != null) out.add(toVector(name, lines));
        }
        return out;
    }

    static Vector toVector(String name, Map<String, String> lines) {
        Map<String, String> fields = new LinkedHashMap<>();
        String f = lines.get("fields");
        if (f != null)
            for (String kv : f.split("\\s+"))
                if (kv.contains("=")) fields.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        return new Vector(name, lines, fields);
    }

    static byte[] hex(String s) { return HexFormat.of().parseHex(s); }

    @Test
    void fileHasTheExpectedVectors() throws IOException {
        List<Vector> vs = vectors();
        assertThat(vs.stream().filter(v -> v.lines().containsKey("vrrp")).count()).isEqualTo(8);
    }

    @Test
    void everyAdvertDecodesAndReencodesIdentically() throws IOException {
        int checked = 0;
        for (Vector v : vectors()) {
            if (!v.lines().containsKey("vrrp")) continue;
            checked++;
            byte[] vrrp = hex(v.lines().get("vrrp"));
            byte[] ip = hex(v.lines().get("ipv4"));
            byte[] frame = hex(v.lines().get("frame"));
            byte[] datagram = new byte[ip.length + vrrp.length];
            System.arraycopy(ip, 0, datagram, 0, ip.length);
            System.arraycopy(vrrp, 0, datagram, ip.length, vrrp.length);
            // the frame is Ethernet (14 bytes) + this very datagram
            assertThat(java.util.Arrays.copyOfRange(frame, 14, frame.length)).as(v.name()).isEqualTo(datagram);

            Ipv4HeaderFlyweight iph = new Ipv4HeaderFlyweight().wrap(MemorySegment.ofArray(datagram), 0);
            assertThat(iph.headerChecksumValid()).as(v.name() + " ip header checksum").isTrue();
            assertThat(iph.tos()).isEqualTo(0xc0);
            assertThat(iph.protocol()).isEqualTo(112);

            var decoded = ReceivedAdvert.decodeDatagram(MemorySegment.ofArray(datagram), 0, datagram.length);
            assertThat(decoded).as(v.name()).isInstanceOf(ReceivedAdvert.Decoded.Ok.class);
            ReceivedAdvert a = ((ReceivedAdvert.Decoded.Ok) decoded).advert();
            Map<String, String> f = v.fields();
            assertThat(a.version()).as(v.name()).isEqualTo(Integer.parseInt(f.get("ver")));
            assertThat(a.type()).isEqualTo(Integer.parseInt(f.get("type")));
            assertThat(a.vrid()).isEqualTo(Integer.parseInt(f.get("vrid")));
            assertThat(a.priority()).isEqualTo(Integer.parseInt(f.get("prio")));
            assertThat(a.source()).isEqualTo(Ipv4Address.parse(f.get("src")));
            assertThat(a.destination()).isEqualTo(Ipv4Address.parse(f.get("dst")));
            assertThat(a.ttl()).isEqualTo(Integer.parseInt(f.get("ttl")));
            assertThat(a.checksum()).isEqualTo(Integer.parseInt(f.get("checksum").substring(2), 16));
            assertThat(a.checksumValid()).as(v.name() + " checksum verifies").isTrue();
            assertThat(a.addresses()).containsExactly(Ipv4Address.parse("192.0.2.100"));
            assertThat(a.advertIntervalCentis()).isEqualTo(100);
            boolean pass = v.lines().get("config").contains("auth_type PASS");
            assertThat(a.authType()).isEqualTo(pass ? VrrpAdvertFlyweight.AUTH_PASS : VrrpAdvertFlyweight.AUTH_NONE);
            if (pass) assertThat(new String(a.authData(), StandardCharsets.US_ASCII)).isEqualTo("s3cr3t\0\0");

            byte[] again = VrrpAdvertFlyweight.encode(a.version(), a.vrid(), a.priority(), a.advertIntervalCentis(),
                    a.addresses(), a.authType(), pass ? "s3cr3t".getBytes(StandardCharsets.US_ASCII) : null,
                    a.source(), a.destination());
            assertThat(HexFormat.of().formatHex(again)).as(v.name() + " re-encoded").isEqualTo(v.lines().get("vrrp"));
        }
        assertThat(checked).isEqualTo(8);
    }

    @Test
    void v3ChecksumDependsOnThePseudoHeaderAndV2DoesNot() throws IOException {
        for (Vector v : vectors()) {
            if (!v.lines().containsKey("vrrp")) continue;
            byte[] vrrp = hex(v.lines().get("vrrp"));
            var f = new VrrpAdvertFlyweight().wrap(MemorySegment.ofArray(vrrp), 0);
            Ipv4Address src = Ipv4Address.parse(v.fields().get("src"));
            Ipv4Address other = Ipv4Address.parse("198.51.100.7");
            assertThat(f.checksumValid(src, Ipv4Address.parse(v.fields().get("dst")))).isTrue();
            assertThat(f.checksumValid(src, other)).as(v.name()).isEqualTo(f.version() == 2);
        }
    }

    @Test
    void corruptedByteFailsTheChecksum() throws IOException {
        Vector v = vectors().getFirst();
        byte[] vrrp = hex(v.lines().get("vrrp"));
        vrrp[2] ^= 1; // priority
        var d = (ReceivedAdvert.Decoded.Ok) ReceivedAdvert.decodeMessage(vrrp, Ipv4Address.parse("192.0.2.11"), Ipv4Address.VRRP_GROUP, 255);
        assertThat(d.advert().checksumValid()).isFalse();
    }

    @Test
    void truncatedAndOversizedDatagramsAreMalformed() throws IOException {
        Vector v = vectors().getFirst();
        byte[] datagram = hex(v.lines().get("ipv4") + v.lines().get("vrrp"));
        var seg = MemorySegment.ofArray(datagram);
        assertThat(ReceivedAdvert.decodeDatagram(seg, 0, 10)).isEqualTo(new ReceivedAdvert.Decoded.Malformed(DropReason.TRUNCATED, null));
        assertThat(ReceivedAdvert.decodeDatagram(seg, 0, datagram.length - 1))
                .isEqualTo(new ReceivedAdvert.Decoded.Malformed(DropReason.LENGTH_MISMATCH, Ipv4Address.parse("192.0.2.11")));
        byte[] vrrp = hex(v.lines().get("vrrp"));
        assertThat(ReceivedAdvert.decodeMessage(java.util.Arrays.copyOf(vrrp, 12), Ipv4Address.parse("192.0.2.11"), Ipv4Address.VRRP_GROUP, 255))
                .isEqualTo(new ReceivedAdvert.Decoded.Malformed(DropReason.TRUNCATED, Ipv4Address.parse("192.0.2.11")));
        datagram[9] = 17; // UDP
        assertThat(ReceivedAdvert.decodeDatagram(seg, 0, datagram.length))
                .isEqualTo(new ReceivedAdvert.Decoded.Malformed(DropReason.NOT_VRRP, Ipv4Address.parse("192.0.2.11")));
    }

    @Test
    void flyweightWorksOverANativeSegmentAtAnOffset() throws IOException {
        Vector v = vectors().get(5); // V3-MCAST-MASTER
        byte[] vrrp = hex(v.lines().get("vrrp"));
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            MemorySegment.copy(MemorySegment.ofArray(vrrp), 0, seg, 20, vrrp.length);
            var f = new VrrpAdvertFlyweight().wrap(seg, 20);
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.maxAdvertIntervalCentis()).isEqualTo(100);
            assertThat(f.priority()).isEqualTo(150);
            f.priority(0).fillChecksum(Ipv4Address.parse("192.0.2.11"), Ipv4Address.VRRP_GROUP);
            // now it must equal the captured v3 shutdown advert
            assertThat(HexFormat.of().formatHex(seg.asSlice(20, vrrp.length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)))
                    .isEqualTo(vectors().get(6).lines().get("vrrp"));
        }
    }
}
