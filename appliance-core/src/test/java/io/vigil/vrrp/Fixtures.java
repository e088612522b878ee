package io.vigil.vrrp;

import java.util.List;

/** Helpers shared by the engine tests: adverts made by the real encoder and decoded by the real decoder. */
final class Fixtures {
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final Ipv4Address D1 = Ipv4Address.parse("192.0.2.11");
    static final Ipv4Address D2 = Ipv4Address.parse("192.0.2.12");
    static final Ipv4Address D3 = Ipv4Address.parse("192.0.2.13");
    static final Ipv4Address VIP = Ipv4Address.parse("192.0.2.100");

    private Fixtures() {}

    /** The keepalived config the golden vectors were captured with (d1: 192.0.2.11). */
    static VrrpInstanceSpec.Builder d1(int version) {
        var b = VrrpInstanceSpec.builder("VI_1").interfaceName("eth0").vrid(51).priority(150).version(version)
                .virtualAddress(VirtualAddress.of("192.0.2.100", 24)).sourceAddress(D1);
        if (version == 2) b.authPass("s3cr3t");
        return b;
    }

    static ReceivedAdvert advert(VrrpInstanceSpec like, Ipv4Address from, int priority) {
        return advert(like, from, Ipv4Address.VRRP_GROUP, 255, priority, like.advertIntervalCentis());
    }

    static ReceivedAdvert advert(VrrpInstanceSpec like, Ipv4Address from, Ipv4Address to, int ttl, int priority, int advCentis) {
        byte[] msg = VrrpAdvertFlyweight.encode(like.version(), like.vrid(), priority, advCentis,
                like.virtualAddresses().stream().map(VirtualAddress::address).toList(), like.authType(),
                like.authPassword(), from, to);
        return decode(msg, from, to, ttl);
    }

    static ReceivedAdvert decode(byte[] msg, Ipv4Address from, Ipv4Address to, int ttl) {
        return ((ReceivedAdvert.Decoded.Ok) ReceivedAdvert.decodeMessage(msg, from, to, ttl)).advert();
    }

    static <T extends VrrpEffect> List<T> only(List<VrrpEffect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static long timer(List<VrrpEffect> effects) {
        List<VrrpEffect.TimerRequest> t = only(effects, VrrpEffect.TimerRequest.class);
        if (t.size() != 1) throw new AssertionError("expected one TimerRequest in " + effects);
        return t.getFirst().deadline();
    }
}
