package io.vigil.linux;

import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.ReceivedAdvert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VRRP raw sockets in two namespaces on a bridge; bytes checked against keepalived 2.2.7's golden vectors. */
class VrrpSocketTest {
    static final HexFormat HEX = HexFormat.of();
    // [V2-MCAST-MASTER] and [V2-UCAST-MASTER] from shared/vectors/vrrp-adverts.txt
    static final String V2_VRRP = "2133960101017b4bc00002647333637233740000";
    static final String V2_MCAST_IP = "45c0002800010000ff701887c000020be0000012";
    static final String V2_UCAST_IP = "45c0002800010000ff70368dc000020bc000020c";
    static final Inet4Address A = Ipv4InterfaceAddress.inet4("192.0.2.11"), B = Ipv4InterfaceAddress.inet4("192.0.2.12");

    private TwoHostLab lab;
    private VrrpSocket sa, sb;

    @BeforeEach
    void setUp() throws Exception {
        lab = new TwoHostLab();
        sa = lab.a.call(() -> VrrpSocket.open("eth0"));
        sb = lab.b.call(() -> VrrpSocket.open("eth0"));
    }

    @AfterEach
    void tearDown() {
        if (sa != null) sa.close();
        if (sb != null) sb.close();
        lab.close();
    }

    @Test
    void headerWriterMatchesKeepalivedBytes() {
        ByteBuffer b = ByteBuffer.allocate(20);
        Ipv4Header.write(b, 1, A, VrrpSocket.VRRP_GROUP, 20, 0xc0, 255, 112);
        assertThat(HEX.formatHex(b.array())).isEqualTo(V2_MCAST_IP);
        b.clear();
        Ipv4Header.write(b, 1, A, B, 20, 0xc0, 255, 112);
        assertThat(HEX.formatHex(b.array())).isEqualTo(V2_UCAST_IP);
    }

    private VrrpSocket.Received receiveFrom(VrrpSocket s, Inet4Address source) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Optional<VrrpSocket.Received> r = s.receive(Duration.ofMillis(500));
            if (r.isPresent() && r.get().source().equals(source)) return r.get();
        }
        throw new AssertionError("nothing from " + source + " within 5 s");
    }

    @Test
    void multicastAdvertArrivesWithKeepalivedsExactBytes() throws Exception {
        sa.send(1, A, VrrpSocket.VRRP_GROUP, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        VrrpSocket.Received r = receiveFrom(sb, A);

        assertThat(HEX.formatHex(r.packet())).isEqualTo(V2_MCAST_IP + V2_VRRP);
        assertThat(r.ttl()).isEqualTo(255);
        assertThat(r.tos()).isEqualTo(0xc0);
        assertThat(r.destination()).isEqualTo(VrrpSocket.VRRP_GROUP);
        assertThat(r.ifindex()).isEqualTo(sb.ifindex()).isEqualTo(lab.b.call(() -> Libc.ifNameToIndex("eth0")));
        ReceivedAdvert.Decoded d = ReceivedAdvert.decodeDatagram(MemorySegment.ofArray(r.packet()), 0, r.packet().length);
        assertThat(d).isInstanceOfSatisfying(ReceivedAdvert.Decoded.Ok.class, ok -> {
            assertThat(ok.advert().vrid()).isEqualTo(51);
            assertThat(ok.advert().priority()).isEqualTo(150);
            assertThat(ok.advert().checksumValid()).isTrue();
            assertThat(ok.advert().addresses()).containsExactly(Ipv4Address.parse("192.0.2.100"));
        });
    }

    @Test
    void warmSendPutsNothingOnTheWireAndKeepsTheIpId() throws Exception {
        int before = sa.send(A, B, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        receiveFrom(sb, A);
        assertThat(sa.warmSend(A, VrrpSocket.VRRP_GROUP, 255, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)))).as("kernel refused it").isTrue();
        assertThat(sa.warmSend(A, B, 255, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)))).isTrue();
        assertThat(sb.receive(Duration.ofMillis(300))).as("nothing arrived").isEmpty();
        int after = sa.send(A, B, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        assertThat(after).isEqualTo(before + 1);
        VrrpSocket.Received r = receiveFrom(sb, A);
        assertThat(((r.packet()[4] & 0xff) << 8) | (r.packet()[5] & 0xff)).isEqualTo(after);
    }

    @Test
    void warmSendNeverWaitsForTheSendersLock() throws Exception {
        CompletableFuture<Void> held = new CompletableFuture<>(), release = new CompletableFuture<>();
        Thread sender = Thread.ofPlatform().start(() -> { // a sender in the middle of a send
            sa.sendLock.lock();
            try { held.complete(null); release.join(); } finally { sa.sendLock.unlock(); }
        });
        held.get(5, TimeUnit.SECONDS);
        try {
            boolean refused = CompletableFuture.supplyAsync(() -> {
                try { return sa.warmSend(A, VrrpSocket.VRRP_GROUP, 255, ByteBuffer.wrap(HEX.parseHex(V2_VRRP))); }
                catch (ClosedChannelException e) { throw new IllegalStateException(e); }
            }).get(5, TimeUnit.SECONDS);
            assertThat(refused).isTrue();
        } finally {
            release.complete(null);
            sender.join();
        }
    }

    @Test
    void idCountsUpAndUnicastArrivesAtThePeer() throws Exception {
        int id1 = sa.send(A, B, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        int id2 = sa.send(A, B, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        assertThat(id2).isEqualTo(id1 + 1);
        VrrpSocket.Received r1 = receiveFrom(sb, A), r2 = receiveFrom(sb, A);
        assertThat(r1.destination()).isEqualTo(B);
        assertThat(r1.ttl()).isEqualTo(255);
        assertThat(((r1.packet()[4] & 0xff) << 8) | (r1.packet()[5] & 0xff)).isEqualTo(id1);
        assertThat(((r2.packet()[4] & 0xff) << 8) | (r2.packet()[5] & 0xff)).isEqualTo(id2);
        // with id 1 the unicast datagram is keepalived's [V2-UCAST-MASTER] byte for byte
        sa.send(1, A, B, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        assertThat(HEX.formatHex(receiveFrom(sb, A).packet())).isEqualTo(V2_UCAST_IP + V2_VRRP);
    }

    @Test
    void receiveIntoFillsTheCallersSegmentAndPrimitiveFields() throws Exception {
        sa.send(1, A, VrrpSocket.VRRP_GROUP, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        MemorySegment dst = MemorySegment.ofArray(new byte[VrrpSocket.MAX_PACKET]);
        int n = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) { // only the advert sent here counts
            n = sb.receiveInto(dst, TimeUnit.MILLISECONDS.toNanos(500));
            if (n > 0 && sb.lastSource() == 0xc000020b) break;
        }
        assertThat(n).isEqualTo(40);
        assertThat(HEX.formatHex(dst.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))).isEqualTo(V2_MCAST_IP + V2_VRRP);
        assertThat(sb.lastDestination()).isEqualTo(0xe0000012);
        assertThat(sb.lastTtl()).isEqualTo(255);
        assertThat(sb.lastIfindex()).isEqualTo(sb.ifindex());
        // a datagram that does not fit is consumed and reported as none
        sa.send(1, A, VrrpSocket.VRRP_GROUP, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        assertThat(sb.receiveInto(MemorySegment.ofArray(new byte[10]), TimeUnit.SECONDS.toNanos(2))).isEqualTo(-1);
        assertThat(sb.receiveInto(dst, TimeUnit.MILLISECONDS.toNanos(300))).isEqualTo(-1);
    }

    @Test
    void arrivalIsTheKernelsReceiveTimestampNotTheRead() throws Exception {
        // The kernel turns receive stamping on a moment after SO_TIMESTAMPNS (deferred static key): until then a datagram
        // is stamped when read, as before. So a few tries; one stamped datagram is what this test asks for.
        MemorySegment dst = MemorySegment.ofArray(new byte[VrrpSocket.MAX_PACKET]);
        long age = 0, sinceArrival = 0;
        for (int attempt = 0; attempt < 5 && age < 2_900_000L; attempt++) {
            sa.send(1, A, VrrpSocket.VRRP_GROUP, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
            Thread.sleep(3); // the datagram waits in the socket: as a receive thread that wakes late
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                int n = sb.receiveInto(dst, TimeUnit.MILLISECONDS.toNanos(500));
                long read = System.nanoTime();
                if (n > 0 && sb.lastSource() == 0xc000020b) {
                    age = sb.lastStampAgeNanos();
                    sinceArrival = read - sb.lastArrivedNanos();
                    break;
                }
            }
        }
        assertThat(age).as("the kernel's stamp dates it at least the 3 ms it waited").isBetween(2_900_000L, VrrpSocket.MAX_STAMP_AGE_NANOS);
        assertThat(sinceArrival).isGreaterThanOrEqualTo(2_900_000L);
    }

    @Test
    void arrivalFallsBackToTheReadAndBoundsTheStampsAge() {
        long mono = 1_000_000_000L, real = 1_796_000_000_000_000_000L;
        assertThat(VrrpSocket.arrival(real - 300_000, real, mono)).as("stamped 0.3 ms before the read").isEqualTo(mono - 300_000);
        assertThat(VrrpSocket.arrival(0, real, mono)).as("no stamp").isEqualTo(mono);
        assertThat(VrrpSocket.arrival(real - 300_000, Long.MIN_VALUE, mono)).as("no clock").isEqualTo(mono);
        assertThat(VrrpSocket.arrival(real + 2_000_000, real, mono)).as("stamp after the read: clock stepped back").isEqualTo(mono);
        assertThat(VrrpSocket.arrival(real - 3_600_000_000_000L, real, mono)).as("an hour: clock stepped forward")
                .isEqualTo(mono - VrrpSocket.MAX_STAMP_AGE_NANOS);
    }

    @Test
    void ownMulticastIsNotLoopedBack() throws Exception {
        sa.send(A, VrrpSocket.VRRP_GROUP, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)));
        receiveFrom(sb, A); // it did go out
        assertThat(sa.receive(Duration.ofMillis(300))).isEmpty();
    }

    @Test
    void blockedReceiveIsWokenAndClosed() throws Exception {
        CompletableFuture<Optional<VrrpSocket.Received>> woken = CompletableFuture.supplyAsync(() -> {
            try { return sb.receive(Duration.ofSeconds(30)); } catch (Exception e) { throw new RuntimeException(e); }
        });
        Thread.sleep(100);
        sb.wakeup();
        assertThat(woken.get(5, TimeUnit.SECONDS)).isEmpty();

        CompletableFuture<Optional<VrrpSocket.Received>> closed = CompletableFuture.supplyAsync(() -> {
            try { return sb.receive(Duration.ofSeconds(30)); } catch (Exception e) { throw new RuntimeException(e); }
        });
        Thread.sleep(100);
        sb.close();
        assertThatThrownBy(() -> closed.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RuntimeException.class)
                .hasRootCauseInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> sb.send(B, A, ByteBuffer.wrap(HEX.parseHex(V2_VRRP)))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void unknownInterfaceIsAClearError() {
        assertThatThrownBy(() -> lab.a.call(() -> VrrpSocket.open("vl-nope0")))
                .isInstanceOf(LinuxException.class).hasMessageContaining("vl-nope0").hasMessageContaining("no such interface");
    }
}
