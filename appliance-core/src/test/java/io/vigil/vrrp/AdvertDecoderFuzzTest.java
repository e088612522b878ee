package io.vigil.vrrp;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz (seeded, fixed time budget, runs in CI): random datagrams and mutations of keepalived's golden adverts
 * through the decoder, and every advert it accepts through a BACKUP and a MASTER engine (unicast, with
 * check_unicast_src, and multicast with PASS). Nothing may throw: bad input is a {@code Malformed} or a counted drop.
 * A failure names the seed and iteration and the datagram in hex, so it can be replayed.
 */
class AdvertDecoderFuzzTest {
    static final long SEED = 0x5EED_18L;
    static final long BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(2500);

    @Test
    void decoderAndEngineSurviveRandomAndMutatedAdverts() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (VrrpAdvertVectorsTest.Vector v : VrrpAdvertVectorsTest.vectors()) {
            String ip = v.lines().get("ipv4"), vrrp = v.lines().get("vrrp");
            if (ip != null && vrrp != null && (ip + vrrp).matches("[0-9a-f]+")) seeds.add(HexFormat.of().parseHex(ip + vrrp));
        }
        assertThat(seeds).hasSizeGreaterThan(5);
        List<VrrpInstance> engines = engines();
        SplittableRandom rnd = new SplittableRandom(SEED);
        long t0 = System.nanoTime(), n = 0, ok = 0;
        long[] malformed = new long[DropReason.values().length];
        long now = 1_000_000_000L;
        while (System.nanoTime() - t0 < BUDGET_NANOS || n < 10_000) {
            byte[] d = rnd.nextInt(10) == 0 ? random(rnd) : mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                MemorySegment seg = MemorySegment.ofArray(d);
                ReceivedAdvert.Decoded r = ReceivedAdvert.decodeDatagram(seg, 0, d.length);
                int vrid = ReceivedAdvert.peekVrid(seg, 0, d.length);
                assertThat(vrid).isBetween(-1, 255);
                switch (r) {
                    case ReceivedAdvert.Decoded.Malformed m -> malformed[m.reason().ordinal()]++;
                    case ReceivedAdvert.Decoded.Ok(ReceivedAdvert a) -> {
                        ok++;
                        now += 1_000_000;
                        for (VrrpInstance e : engines) {
                            e.step(new VrrpInput.AdvertReceived(now, a));
                            e.step(new VrrpInput.Tick(now));
                        }
                    }
                }
            } catch (Throwable t) {
                throw new AssertionError("seed " + SEED + " iteration " + n + ": " + HexFormat.of().formatHex(d), t);
            }
            n++;
        }
        System.out.printf("advert fuzz: %d datagrams in %d ms, %d decoded, malformed %s%n", n,
                (System.nanoTime() - t0) / 1_000_000, ok, java.util.Arrays.toString(malformed));
        assertThat(ok).as("some mutations still decode, so the engines were exercised").isPositive();
    }

    private static List<VrrpInstance> engines() {
        List<VrrpInstance> out = new ArrayList<>();
        for (boolean master : new boolean[] {false, true}) {
            VrrpInstance uc = new VrrpInstance(VrrpInstanceSpec.builder("UC").interfaceName("eth0").vrid(51).version(3)
                    .priority(master ? 255 : 100).state(master ? VrrpState.MASTER : VrrpState.BACKUP)
                    .virtualAddress("192.0.2.100").sourceAddress("192.0.2.12").unicastPeer(Ipv4Address.parse("192.0.2.11"))
                    .checkUnicastSource(true).build());
            VrrpInstance mc = new VrrpInstance(VrrpInstanceSpec.builder("MC").interfaceName("eth0").vrid(51).version(2)
                    .priority(master ? 255 : 100).state(master ? VrrpState.MASTER : VrrpState.BACKUP)
                    .virtualAddress("192.0.2.100").sourceAddress("192.0.2.13").authPass("s3cr3t").build());
            for (VrrpInstance e : List.of(uc, mc)) {
                e.step(new VrrpInput.Start(0));
                out.add(e);
            }
        }
        return out;
    }

    private static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(0, 120)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) rnd.nextInt(256);
        if (b.length > 0 && rnd.nextBoolean()) b[0] = 0x45; // mostly IPv4, to get past the first check
        if (b.length > 9 && rnd.nextBoolean()) b[9] = 112;
        return b;
    }

    /** Bit flips, byte overwrites, truncation, extension, and the IP length / VRRP count made to disagree. */
    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int k = 0; k < edits; k++) {
            switch (rnd.nextInt(7)) {
                case 0 -> { int i = rnd.nextInt(b.length); b[i] ^= (byte) (1 << rnd.nextInt(8)); }
                case 1 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                case 3 -> b = java.util.Arrays.copyOf(b, b.length + rnd.nextInt(1, 40));
                case 4 -> { if (b.length > 3) { b[2] = (byte) rnd.nextInt(256); b[3] = (byte) rnd.nextInt(256); } }
                case 5 -> { if (b.length > 23) b[23] = (byte) rnd.nextInt(256); }          // VRRP address count
                default -> { if (b.length > 0) b[0] = (byte) (0x40 | rnd.nextInt(16)); }   // IHL
            }
            if (b.length == 0) break;
        }
        return b;
    }
}
