package io.vigil.linux;

import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.ReceivedAdvert;
import io.vigil.vrrp.VrrpAdvertFlyweight;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real keepalived 2.2.7 in namespace vl-a (192.0.2.11, MASTER, priority 150) and a VrrpSocket in vl-b: we receive
 * and decode its adverts, then our priority-200 adverts make it give up MASTER (VIP removed, adverts stop).
 * Once VRRPv2 multicast with PASS authentication, once VRRPv3 unicast (unicast_src_ip / unicast_peer).
 */
class KeepalivedInteropTest {
    static final String CONFIG_V2_MULTICAST = """
            global_defs {
                router_id vl_k
                script_user root
                enable_script_security
                vrrp_version 2
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass s3cr3t
                }
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """;

    // [V3-UCAST-MASTER]: VRRPv3, unicast to 192.0.2.12 only
    static final String CONFIG_V3_UNICAST = """
            global_defs {
                router_id vl_k
                script_user root
                enable_script_security
                vrrp_version 3
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                unicast_src_ip 192.0.2.11
                unicast_peer {
                    192.0.2.12
                }
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """;

    @Test
    void multicastV2ReceivesKeepalivedAdvertsAndPreemptsIt() throws Exception {
        byte[] ours = VrrpAdvertFlyweight.encode(2, 51, 200, 100, List.of(Ipv4Address.parse("192.0.2.100")),
                VrrpAdvertFlyweight.AUTH_PASS, Arrays.copyOf("s3cr3t".getBytes(StandardCharsets.US_ASCII), 8),
                Ipv4Address.parse("192.0.2.12"), Ipv4Address.VRRP_GROUP);
        exchange(CONFIG_V2_MULTICAST, VrrpSocket.VRRP_GROUP, "2133960101017b4bc00002647333637233740000", ours, VrrpSocket.VRRP_GROUP);
    }

    @Test
    void unicastV3ReceivesKeepalivedAdvertsAndPreemptsIt() throws Exception {
        byte[] ours = VrrpAdvertFlyweight.encode(3, 51, 200, 100, List.of(Ipv4Address.parse("192.0.2.100")),
                VrrpAdvertFlyweight.AUTH_NONE, null, Ipv4Address.parse("192.0.2.12"), Ipv4Address.parse("192.0.2.11"));
        exchange(CONFIG_V3_UNICAST, VrrpSocketTest.B, "313396010064f16dc0000264", ours, VrrpSocketTest.A);
    }

    /**
     * Starts keepalived with {@code config} in vl-a, expects its advert (to {@code expectedDestination}, VRRP bytes
     * {@code expectedVrrp}) in vl-b, then sends {@code ours} (priority 200) to {@code ourDestination} until
     * keepalived gives up MASTER.
     */
    private static void exchange(String config, java.net.Inet4Address expectedDestination, String expectedVrrp, byte[] ours,
                                 java.net.Inet4Address ourDestination) throws Exception {
        Path dir = Files.createTempDirectory("vl-keepalived");
        Path conf = dir.resolve("keepalived.conf"), log = dir.resolve("keepalived.log");
        Files.writeString(conf, config);
        try (TwoHostLab lab = new TwoHostLab()) {
            lab.a.spawn(log, "keepalived", "--vrrp", "-n", "-l", "-D", "-f", conf.toString(),
                    "-p", dir.resolve("keepalived.pid").toString(), "-r", dir.resolve("vrrp.pid").toString());
            VrrpSocket s = lab.b.call(() -> VrrpSocket.open("eth0"));
            try (s) {
                // 1. keepalived's advert, decoded with the vrrp codec: the same bytes as the golden vector
                VrrpSocket.Received r = receiveFrom(s, Duration.ofSeconds(15));
                assertThat(r.ttl()).isEqualTo(255);
                assertThat(r.tos()).isEqualTo(0xc0);
                assertThat(r.packet()[6] & 0x40).as("DF clear").isZero();
                assertThat(r.destination()).isEqualTo(expectedDestination);
                ReceivedAdvert ad = decode(r);
                assertThat(ad.version()).isEqualTo(Character.digit(expectedVrrp.charAt(0), 16));
                assertThat(ad.vrid()).isEqualTo(51);
                assertThat(ad.priority()).isEqualTo(150);
                assertThat(ad.checksumValid()).isTrue();
                assertThat(ad.addresses()).containsExactly(Ipv4Address.parse("192.0.2.100"));
                if (ad.version() == 2) assertThat(new String(ad.authData(), StandardCharsets.US_ASCII)).startsWith("s3cr3t");
                assertThat(HexFormat.of().formatHex(r.packet(), r.headerLength(), r.packet().length)).isEqualTo(expectedVrrp);
                GarpSenderTest.waitFor(() -> lab.a.ip("-4", "addr", "show", "dev", "eth0").output().contains("192.0.2.100/24"),
                        "keepalived to add its VIP");

                // 2. our higher-priority adverts from 192.0.2.12: keepalived must drop to BACKUP
                AtomicBoolean sending = new AtomicBoolean(true);
                AtomicReference<Exception> sendError = new AtomicReference<>();
                Thread sender = Thread.ofPlatform().name("vl-sender").start(() -> {
                    try {
                        while (sending.get()) {
                            s.send(VrrpSocketTest.B, ourDestination, ByteBuffer.wrap(ours));
                            Thread.sleep(250);
                        }
                    } catch (Exception e) {
                        sendError.set(e);
                    }
                });
                try {
                    GarpSenderTest.waitFor(() -> !lab.a.ip("-4", "addr", "show", "dev", "eth0").output().contains("192.0.2.100"),
                            "keepalived to remove its VIP after our priority-200 adverts");
                    // drain what was in flight, then keepalived must stay silent while we are master
                    while (s.receive(Duration.ofMillis(100)).isPresent()) { }
                    long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
                    while (System.nanoTime() < quietUntil) {
                        Optional<VrrpSocket.Received> late = s.receive(Duration.ofMillis(200));
                        late.ifPresent(p -> assertThat(p.source()).as("advert from keepalived while BACKUP")
                                .isNotEqualTo(VrrpSocketTest.A));
                    }
                    assertThat(Files.readString(log)).contains("higher priority 200").contains("Entering BACKUP STATE");
                } finally {
                    sending.set(false);
                    sender.join();
                }
                assertThat(sendError.get()).isNull();
            }
        } finally {
            for (Path p : List.of(conf, log, dir.resolve("keepalived.pid"), dir.resolve("vrrp.pid"))) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        }
    }

    private static VrrpSocket.Received receiveFrom(VrrpSocket s, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<VrrpSocket.Received> r = s.receive(Duration.ofMillis(500));
            if (r.isPresent() && r.get().source().equals(VrrpSocketTest.A)) return r.get();
        }
        throw new AssertionError("no advert from keepalived within " + max);
    }

    private static ReceivedAdvert decode(VrrpSocket.Received r) {
        ReceivedAdvert.Decoded d = ReceivedAdvert.decodeDatagram(MemorySegment.ofArray(r.packet()), 0, r.packet().length);
        assertThat(d).isInstanceOf(ReceivedAdvert.Decoded.Ok.class);
        return ((ReceivedAdvert.Decoded.Ok) d).advert();
    }
}
