package io.vigil.bench;

import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.ReceivedAdvert;
import io.vigil.vrrp.ReceivedAdvertView;
import io.vigil.vrrp.VirtualAddress;
import io.vigil.vrrp.VrrpAdvertFlyweight;
import io.vigil.vrrp.VrrpEffect;
import io.vigil.vrrp.VrrpInput;
import io.vigil.vrrp.VrrpInstance;
import io.vigil.vrrp.VrrpInstanceSpec;
import io.vigil.vrrp.VrrpRouter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * How long the VRRP hot path takes on this machine: decoding a received datagram (IP header + advert) out of a
 * native buffer, one backup engine step for it (validation, timer reset), and the same datagram through
 * {@code VrrpRouter}. Prints ns and allocated bytes per operation for the node's path (read in place by the router's
 * flyweight: {@code VrrpRouter.receive}, allocation-free for an advert that changes nothing) and, for comparison, for
 * the value path the simulators take (decoded into a {@code ReceivedAdvert} record, {@code Input.Datagram}).
 * Usage: bin/bench io.vigil.bench.VrrpBench [iterations]
 */
public final class VrrpBench {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        Ipv4Address src = Ipv4Address.parse("192.0.2.12"), self = Ipv4Address.parse("192.0.2.11");
        VrrpInstanceSpec spec = VrrpInstanceSpec.builder("VI_1").interfaceName("eth0").vrid(51).priority(100).authPass("s3cr3t")
                .virtualAddress(VirtualAddress.of("192.0.2.100", 24)).sourceAddress(self).build();
        byte[] msg = VrrpAdvertFlyweight.encode(2, 51, 150, 100, List.of(Ipv4Address.parse("192.0.2.100")), 1,
                "s3cr3t".getBytes(), src, Ipv4Address.VRRP_GROUP);
        byte[] ip = java.util.HexFormat.of().parseHex("45c0002800010000ff701886c000020ce0000012");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(2048);
            MemorySegment.copy(MemorySegment.ofArray(ip), 0, buf, 0, 20);
            MemorySegment.copy(MemorySegment.ofArray(msg), 0, buf, 20, msg.length);
            long len = 20 + msg.length;

            VrrpInstance vi = new VrrpInstance(spec);
            vi.step(new VrrpInput.Start(0));
            VrrpRouter router = new VrrpRouter();
            router.apply(router.plan(List.of(spec), List.of()), 0, VrrpRouter.Origin.RUN, 0, b -> { });
            VrrpRouter inPlace = new VrrpRouter();
            inPlace.apply(inPlace.plan(List.of(spec), List.of()), 0, VrrpRouter.Origin.RUN, 0, b -> { });
            ReceivedAdvertView view = new ReceivedAdvertView();
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long sink = 0;
            for (int round = 0; round < 3; round++) {
                long a0 = threads.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    var d = (ReceivedAdvert.Decoded.Ok) ReceivedAdvert.decodeDatagram(buf, 0, len);
                    sink += d.advert().priority();
                }
                long t1 = System.nanoTime();
                long a1 = threads.getCurrentThreadAllocatedBytes();
                ReceivedAdvert a = ((ReceivedAdvert.Decoded.Ok) ReceivedAdvert.decodeDatagram(buf, 0, len)).advert();
                long now = 1;
                for (int i = 0; i < n; i++) {
                    List<VrrpEffect> out = vi.step(new VrrpInput.AdvertReceived(now += 1_000_000_000L, a));
                    sink += out.size();
                }
                long t2 = System.nanoTime();
                long a2 = threads.getCurrentThreadAllocatedBytes();
                long[] count = new long[1];
                for (int i = 0; i < n; i++) {
                    router.step(new VrrpRouter.Input.Datagram(now += 1_000_000_000L, "eth0",
                            ReceivedAdvert.decodeDatagram(buf, 0, len), -1), b -> count[0]++);
                }
                long t3 = System.nanoTime();
                long a3 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    if (view.wrapDatagram(buf, 0, len) == null) sink += view.priority();
                }
                long t4 = System.nanoTime();
                long a4 = threads.getCurrentThreadAllocatedBytes();
                VrrpRouter.Sink counting = b -> count[0]++;
                for (int i = 0; i < n; i++) inPlace.receive(now += 1_000_000_000L, "eth0", buf, 0, len, counting);
                long t5 = System.nanoTime();
                long a5 = threads.getCurrentThreadAllocatedBytes();
                sink += count[0];
                System.out.printf("round %d: read in place %.0f ns/op %.0f B/op, router.receive %.0f ns/op %.0f B/op;"
                                + " values: decode datagram %.0f ns/op %.0f B/op, backup step on advert %.0f ns/op %.0f B/op,"
                                + " decode + router step %.0f ns/op %.0f B/op (%d ops each)%n",
                        round, (t4 - t3) / (double) n, (a4 - a3) / (double) n, (t5 - t4) / (double) n, (a5 - a4) / (double) n,
                        (t1 - t0) / (double) n, (a1 - a0) / (double) n, (t2 - t1) / (double) n, (a2 - a1) / (double) n,
                        (t3 - t2) / (double) n, (a3 - a2) / (double) n, n);
            }
            System.out.println("state " + vi.state() + ", accepted " + vi.advertsAccepted() + "; in place: "
                    + inPlace.state("VI_1") + ", accepted " + inPlace.instances().getFirst().advertsAccepted() + " (sink " + sink + ")");
        }
    }
}
