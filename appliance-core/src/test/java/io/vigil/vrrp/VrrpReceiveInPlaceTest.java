package io.vigil.vrrp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.vigil.vrrp.Fixtures.D1;
import static io.vigil.vrrp.Fixtures.D2;
import static io.vigil.vrrp.Fixtures.D3;
import static io.vigil.vrrp.Fixtures.S;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code VrrpRouter.receive} (the node's path: the datagram read in place by a flyweight) does exactly what
 * {@code Input.Datagram} with the decoded record does (the simulators' path): same batches, states and counters,
 * over good adverts, every kind of drop, malformed datagrams, a takeover and a master hearing others.
 */
class VrrpReceiveInPlaceTest {
    private static final VrrpInstanceSpec SPEC = Fixtures.d1(2).priority(100).build();
    private static final VrrpInstanceSpec OTHER = VrrpInstanceSpec.builder("VI_2").interfaceName("eth0").vrid(52)
            .priority(100).version(3).virtualAddress(VirtualAddress.of("192.0.2.101", 24)).sourceAddress(D1).build();

    /** An IPv4 datagram as the raw socket returns it: a 20-byte header, then the message. */
    static byte[] datagram(Ipv4Address from, Ipv4Address to, int ttl, byte[] msg) {
        ByteBuffer b = ByteBuffer.allocate(20 + msg.length);
        b.put((byte) 0x45).put((byte) 0xc0).putShort((short) (20 + msg.length)).putShort((short) 1).putShort((short) 0)
                .put((byte) ttl).put((byte) 112).putShort((short) 0).putInt(from.bits()).putInt(to.bits()).put(msg);
        return b.array();
    }

    static byte[] advert(VrrpInstanceSpec like, Ipv4Address from, int priority, int ttl, List<Ipv4Address> addresses, byte[] pass) {
        byte[] msg = VrrpAdvertFlyweight.encode(like.version(), like.vrid(), priority, like.advertIntervalCentis(), addresses,
                like.authType(), pass, from, Ipv4Address.VRRP_GROUP);
        return datagram(from, Ipv4Address.VRRP_GROUP, ttl, msg);
    }

    static byte[] advert(VrrpInstanceSpec like, Ipv4Address from, int priority) {
        return advert(like, from, priority, 255, List.of(like.virtualAddresses().getFirst().address()), like.authPassword());
    }

    /** The node hands the kernel's receive time in (SO_TIMESTAMPNS), not when the vrrp thread got to the datagram. */
    @Test
    void masterDownRunsFromTheArrivalTimeGiven() {
        VrrpRouter r = new VrrpRouter();
        r.apply(r.plan(List.of(SPEC), List.of()), 0, VrrpRouter.Origin.RUN, 0, x -> { });
        byte[] d = advert(SPEC, D2, 150);
        long arrived = 5 * S + 123_456;
        r.receive(arrived, "eth0", MemorySegment.ofArray(d), 0, d.length, x -> { });
        long mdi = new VrrpInstance(SPEC).masterDownIntervalNanos();
        assertThat(r.nextDeadline()).hasValue(arrived + mdi);
        List<String> out = new ArrayList<>();
        r.step(new VrrpRouter.Input.Tick(arrived + mdi - 1), x -> out.add(render(x)));
        assertThat(out).noneMatch(s -> s.contains("to=MASTER"));
        r.step(new VrrpRouter.Input.Tick(arrived + mdi), x -> out.add(render(x)));
        assertThat(out).anyMatch(s -> s.contains("to=MASTER"));
    }

    @Test
    void receiveInPlaceAgreesWithTheDecodedValue() {
        VrrpRouter values = new VrrpRouter(), inPlace = new VrrpRouter();
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        values.apply(values.plan(List.of(SPEC, OTHER), List.of()), 0, VrrpRouter.Origin.RUN, 0, x -> a.add(render(x)));
        inPlace.apply(inPlace.plan(List.of(SPEC, OTHER), List.of()), 0, VrrpRouter.Origin.RUN, 0, x -> b.add(render(x)));
        byte[] good = advert(SPEC, D2, 150);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        truncated[3] = (byte) truncated.length; // a consistent IP length, a VRRP message too short for its count
        List<byte[]> traffic = List.of(good, good,
                advert(SPEC, D2, 150, 255, List.of(Fixtures.VIP), "wrong".getBytes()),             // auth failure
                advert(SPEC, D2, 150, 254, List.of(Fixtures.VIP), SPEC.authPassword()),            // TTL
                advert(SPEC, D2, 150, 255, List.of(Ipv4Address.parse("192.0.2.99")), SPEC.authPassword()), // addresses
                advert(SPEC, D1, 150),                                                              // our own address
                advert(OTHER, D3, 90), advert(OTHER, D2, 120),                                      // v3 instance
                truncated, java.util.Arrays.copyOf(good, 10),                                       // malformed
                advert(Fixtures.d1(2).vrid(99).build(), D2, 150),                                   // nobody's VRID
                advert(SPEC, D3, 200), advert(SPEC, D2, 0));                                        // new master, then leaving
        long now = S;
        for (int round = 0; round < 2; round++) {
            for (byte[] d : traffic) {
                now += S;
                values.step(new VrrpRouter.Input.Datagram(now, "eth0", ReceivedAdvert.decodeDatagram(MemorySegment.ofArray(d), 0, d.length),
                        ReceivedAdvert.peekVrid(MemorySegment.ofArray(d), 0, d.length)), x -> a.add(render(x)));
                inPlace.receive(now, "eth0", MemorySegment.ofArray(d), 0, d.length, x -> b.add(render(x)));
                assertThat(inPlace.nextDeadline()).isEqualTo(values.nextDeadline());
            }
            now += 10 * S; // silence: both take over, then hear others as MASTER
            values.step(new VrrpRouter.Input.Tick(now), x -> a.add(render(x)));
            inPlace.step(new VrrpRouter.Input.Tick(now), x -> b.add(render(x)));
        }
        assertThat(b).isEqualTo(a);
        assertThat(a).anyMatch(s -> s.contains("MasterSeen")).anyMatch(s -> s.contains("OtherMaster"))
                .anyMatch(s -> s.contains("AUTH_FAILURE")).anyMatch(s -> s.contains("BAD_TTL")).anyMatch(s -> s.contains("TRUNCATED"))
                .anyMatch(s -> s.contains("to=MASTER"));
        assertThat(inPlace.instances()).isEqualTo(values.instances());
        assertThat(inPlace.interfaceDrops()).isEqualTo(values.interfaceDrops()).isNotEmpty();
    }

    /** A batch as text; a sent advert by its bytes (arrays compare by identity in records). */
    private static String render(VrrpRouter.Batch batch) {
        List<String> out = new ArrayList<>();
        for (VrrpEffect e : batch.effects())
            out.add(e instanceof VrrpEffect.SendAdvert s ? "SendAdvert " + s.destination() + " " + HexFormat.of().formatHex(s.message()) : e.toString());
        return batch.now() + " " + batch.origin() + " " + out;
    }
}
