package io.vigil.vrrp;

import io.vigil.vrrp.VrrpEffect.LowerPriorityHeard;
import io.vigil.vrrp.VrrpEffect.SendAdvert;
import io.vigil.vrrp.VrrpEffect.SendGarp;
import io.vigil.vrrp.VrrpInput.AdvertReceived;
import io.vigil.vrrp.VrrpInput.Start;
import io.vigil.vrrp.VrrpInput.Tick;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.vigil.vrrp.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** keepalived's advert knobs (AdvertOptions, garp_lower_prio_*) in the engine, and their reading from keepalived.conf. */
class VrrpAdvertKnobsTest {
    static final long T0 = 5 * S;

    static VrrpInstance master(VrrpInstanceSpec spec) { return VrrpInstanceTest.master(spec); }

    static VrrpInstanceSpec.Builder with(AdvertOptions o) { return d1(2).advertOptions(o); }

    // ------------------------------------------------------------ higher_prio_send_advert

    @Test
    void masterHearingHigherPrioritySendsOneAdvertBeforeBackupOnlyWithHigherPrioSendAdvert() {
        VrrpInstanceSpec plain = d1(2).build(), knob = with(AdvertOptions.DEFAULT.withHigherPrioSendAdvert(true)).build();
        List<VrrpEffect> without = master(plain).step(new AdvertReceived(T0 + 10 * S, advert(plain, D2, 200)));
        assertThat(only(without, SendAdvert.class)).isEmpty();
        VrrpInstance i = master(knob);
        List<VrrpEffect> out = i.step(new AdvertReceived(T0 + 10 * S, advert(knob, D2, 200)));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(only(out, SendAdvert.class)).singleElement().satisfies(a -> assertThat(a.priority()).isEqualTo(150));
        // the advert goes before the transition's address removal, as keepalived sends it before leaving MASTER
        assertThat(out.indexOf(only(out, SendAdvert.class).getFirst()))
                .isLessThan(out.indexOf(only(out, VrrpEffect.RemoveAddresses.class).getFirst()));
        // equal priority, higher address: the peer wins too, and hears us first
        VrrpInstance j = master(knob);
        assertThat(only(j.step(new AdvertReceived(T0 + 10 * S, advert(knob, D2, 150))), SendAdvert.class)).hasSize(1);
        assertThat(j.state()).isEqualTo(VrrpState.BACKUP);
    }

    // ------------------------------------------------------------ lower_prio_no_advert and the lower-priority event

    @Test
    void masterAnswersLowerPriorityAtOnceUnlessLowerPrioNoAdvert() {
        VrrpInstanceSpec plain = d1(2).garp(new GarpSpec(Duration.ZERO, 1, Duration.ZERO, 1, Duration.ZERO, 0)).build();
        List<VrrpEffect> out = master(plain).step(new AdvertReceived(T0 + 10 * S, advert(plain, D2, 100)));
        assertThat(only(out, SendAdvert.class)).singleElement().satisfies(a -> assertThat(a.priority()).isEqualTo(150));
        assertThat(out.getFirst()).isEqualTo(new LowerPriorityHeard("VI_1", D2, 100, 150, null));

        VrrpInstanceSpec quiet = d1(2).garp(plain.garp()).advertOptions(AdvertOptions.DEFAULT.withLowerPrioNoAdvert(true)
                .withNotifyMasterRxLowerPri("/bin/rx-lower")).build();
        VrrpInstance i = master(quiet);
        List<VrrpEffect> q = i.step(new AdvertReceived(T0 + 10 * S, advert(quiet, D2, 100)));
        assertThat(only(q, SendAdvert.class)).isEmpty();
        assertThat(only(q, LowerPriorityHeard.class)).containsExactly(new LowerPriorityHeard("VI_1", D2, 100, 150, "/bin/rx-lower"));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        // a BACKUP hearing a lower priority raises no such event (keepalived: master only)
        VrrpInstance b = new VrrpInstance(quiet);
        b.step(new Start(T0));
        assertThat(only(b.step(new AdvertReceived(T0 + S, advert(quiet, D2, 100))), LowerPriorityHeard.class)).isEmpty();
    }

    // ------------------------------------------------------------ garp_lower_prio_delay / _repeat

    @Test
    void lowerPriorityGarpsNowAndAfterTheDelayOncePerAdvertHeard() {
        var spec = d1(2).garp(new GarpSpec(Duration.ZERO, 1, Duration.ZERO, 1, Duration.ofSeconds(5), 2)).build();
        VrrpInstance i = master(spec);
        long t = T0 + 10 * S;
        List<VrrpEffect> out = i.step(new AdvertReceived(t, advert(spec, D2, 100)));
        assertThat(only(out, SendGarp.class)).containsExactly(new SendGarp("VI_1", "eth0", List.of(VIP), 2, GarpReason.LOWER_PRIO));
        i.step(new AdvertReceived(t + S, advert(spec, D2, 100)));
        assertThat(only(i.step(new Tick(t + 5 * S - 1)), SendGarp.class)).isEmpty();
        assertThat(only(i.step(new Tick(t + 5 * S)), SendGarp.class))
                .containsExactly(new SendGarp("VI_1", "eth0", List.of(VIP), 2, GarpReason.LOWER_PRIO_DELAY));
        assertThat(i.nextDeadline().getAsLong()).isLessThanOrEqualTo(t + 6 * S);
        assertThat(only(i.step(new Tick(t + 6 * S)), SendGarp.class)).extracting(SendGarp::reason).containsExactly(GarpReason.LOWER_PRIO_DELAY);
    }

    @Test
    void lowerPriorityGarpsOffWithRepeatZeroAndPendingOnesDieWithMaster() {
        var none = d1(2).garp(new GarpSpec(Duration.ZERO, 1, Duration.ZERO, 1, Duration.ofSeconds(5), 0)).build();
        assertThat(only(master(none).step(new AdvertReceived(T0 + 10 * S, advert(none, D2, 100))), SendGarp.class)).isEmpty();

        var spec = d1(2).garp(new GarpSpec(Duration.ZERO, 1, Duration.ZERO, 1, Duration.ofSeconds(2), 1)).build();
        VrrpInstance i = master(spec);
        i.step(new AdvertReceived(T0 + 10 * S, advert(spec, D2, 100)));
        i.step(new AdvertReceived(T0 + 11 * S, advert(spec, D2, 200))); // loses: BACKUP, its VIPs gone
        List<VrrpEffect> later = i.step(new Tick(T0 + 12 * S));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(only(later, SendGarp.class)).isEmpty();
    }

    @Test
    void defaultGarpSpecSendsKeepalivedsDefaultLowerPriorityGarps() {
        assertThat(GarpSpec.DEFAULT.lowerPrioRepeat()).isEqualTo(5);
        assertThat(GarpSpec.DEFAULT.lowerPrioDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    // ------------------------------------------------------------ down_timer_adverts

    @Test
    void downTimerAdvertsSetsTheMasterDownInterval() {
        VrrpInstance rfc = new VrrpInstance(d1(2).build());
        VrrpInstance one = new VrrpInstance(with(AdvertOptions.DEFAULT.withDownTimerAdverts(1)).build());
        VrrpInstance ten = new VrrpInstance(with(AdvertOptions.DEFAULT.withDownTimerAdverts(10)).build());
        long skew = rfc.skewNanos();
        assertThat(rfc.masterDownIntervalNanos()).isEqualTo(3 * S + skew);
        assertThat(one.masterDownIntervalNanos()).isEqualTo(S + skew);
        assertThat(ten.masterDownIntervalNanos()).isEqualTo(10 * S + skew);
        assertThat(timer(ten.step(new Start(T0)))).isEqualTo(T0 + 10 * S + skew);
        // a BACKUP re-arms with it on every advert from the master
        var spec = with(AdvertOptions.DEFAULT.withDownTimerAdverts(10)).build();
        assertThat(timer(ten.step(new AdvertReceived(T0 + 2 * S, advert(spec, D2, 200))))).isEqualTo(T0 + 12 * S + skew);
    }

    // ------------------------------------------------------------ unicast_ttl, peers' TTL ranges, multicast group

    @Test
    void unicastTtlOnUnicastAdvertsOnlyAndTheMulticastGroupAsDestination() {
        var uni = d1(2).unicastPeer(D2).unicastPeer(D3).advertOptions(AdvertOptions.DEFAULT.withUnicastTtl(7)).build();
        List<VrrpEffect> out = new VrrpInstance(uni).step(new Start(T0));
        VrrpInstance m = master(uni);
        List<SendAdvert> sent = only(m.step(new Tick(m.nextDeadline().getAsLong())), SendAdvert.class);
        assertThat(sent).extracting(SendAdvert::destination).containsExactly(D2, D3);
        assertThat(sent).extracting(SendAdvert::ttl).containsOnly(7);
        assertThat(out).isNotEmpty();

        Ipv4Address group = Ipv4Address.parse("239.1.2.3");
        var mc = with(AdvertOptions.DEFAULT.withMulticastGroup(group).withUnicastTtl(7)).build();
        VrrpInstance g = master(mc);
        List<SendAdvert> ms = only(g.step(new Tick(g.nextDeadline().getAsLong())), SendAdvert.class);
        assertThat(ms).singleElement().satisfies(a -> {
            assertThat(a.destination()).isEqualTo(group);
            assertThat(a.ttl()).isEqualTo(255);
        });
        // an advert to 224.0.0.18 is not for this instance; one to its group is
        VrrpInstance b = new VrrpInstance(mc);
        b.step(new Start(T0));
        b.step(new AdvertReceived(T0 + S, advert(mc, D2, Ipv4Address.VRRP_GROUP, 255, 200, 100)));
        assertThat(b.dropCount(DropReason.UNEXPECTED_DESTINATION)).isEqualTo(1);
        b.step(new AdvertReceived(T0 + S, advert(mc, D2, group, 255, 200, 100)));
        assertThat(b.advertsAccepted()).isEqualTo(1);
    }

    @Test
    void peerTtlRangeCheckedOnlyWithCheckUnicastSrc() {
        var ranges = AdvertOptions.DEFAULT.withPeerTtls(List.of(new AdvertOptions.PeerTtl(D2, 250, 255)));
        var checked = d1(2).unicastPeer(D2).checkUnicastSource(true).advertOptions(ranges).build();
        VrrpInstance i = new VrrpInstance(checked);
        i.step(new Start(T0));
        i.step(new AdvertReceived(T0 + S, advert(checked, D2, D1, 64, 200, 100)));
        assertThat(i.dropCount(DropReason.BAD_TTL)).isEqualTo(1);
        i.step(new AdvertReceived(T0 + S, advert(checked, D2, D1, 252, 200, 100)));
        assertThat(i.advertsAccepted()).isEqualTo(1);

        var unchecked = d1(2).unicastPeer(D2).advertOptions(ranges).build();
        VrrpInstance u = new VrrpInstance(unchecked);
        u.step(new Start(T0));
        u.step(new AdvertReceived(T0 + S, advert(unchecked, D2, D1, 64, 200, 100)));
        assertThat(u.advertsAccepted()).isEqualTo(1); // keepalived: unicast TTL is not checked otherwise
    }

    @Test
    void unicastFaultNoPeerHoldsTheInstanceInFault() {
        VrrpInstance i = new VrrpInstance(with(AdvertOptions.DEFAULT.withFaultNoPeer(true)).build());
        i.step(new Start(T0));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        VrrpInstance p = new VrrpInstance(d1(2).unicastPeer(D2).advertOptions(AdvertOptions.DEFAULT.withFaultNoPeer(true)).build());
        p.step(new Start(T0));
        assertThat(p.state()).isEqualTo(VrrpState.BACKUP);
    }

    // ------------------------------------------------------------ sync group: the other members' lower-priority GARPs

    @Test
    void syncGroupMembersSendTheirLowerPriorityGarpsToo() {
        var garp = new GarpSpec(Duration.ZERO, 1, Duration.ZERO, 1, Duration.ZERO, 3);
        var a = d1(2).garp(garp).build();
        var b = VrrpInstanceSpec.builder("VI_2").interfaceName("eth1").vrid(52).priority(150).sourceAddress(D1)
                .virtualAddress("198.51.100.100").garp(garp).build();
        VrrpInstance ia = new VrrpInstance(a), ib = new VrrpInstance(b);
        VrrpSyncGroup g = new VrrpSyncGroup(new SyncGroupSpec("G", List.of("VI_1", "VI_2"), NotifySpec.NONE), List.of(ia, ib));
        g.step("VI_1", new Start(T0));
        g.step("VI_2", new Start(T0));
        g.tick(T0 + 10 * S);
        assertThat(g.state()).isEqualTo(VrrpState.MASTER);
        List<VrrpEffect> out = g.step("VI_1", new AdvertReceived(T0 + 11 * S, advert(a, D2, 100)));
        assertThat(only(out, SendGarp.class)).extracting(SendGarp::instance, SendGarp::repeat, SendGarp::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("VI_1", 3, GarpReason.LOWER_PRIO),
                        org.assertj.core.groups.Tuple.tuple("VI_2", 3, GarpReason.LOWER_PRIO));
    }

    // ------------------------------------------------------------ from keepalived.conf

    @Test
    void keywordsResolveAsKeepalivedInstanceOverGlobalOverDefault() {
        var cfg = VrrpSpecsTest.load("""
                global_defs {
                    vrrp_higher_prio_send_advert
                    vrrp_lower_prio_no_advert true
                    vrrp_down_timer_adverts 5
                    vrrp_mcast_group4 239.9.9.9
                    vrrp_garp_lower_prio_repeat 2
                }
                vrrp_instance A {
                    interface eth0
                    virtual_router_id 1
                    mcast_src_ip 192.0.2.11
                    higher_prio_send_advert false
                    down_timer_adverts 2
                    mcast_dst_ip 224.0.0.99
                    garp_lower_prio_delay 7
                    notify_master_rx_lower_pri "/usr/local/bin/rx.sh arg"
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                vrrp_instance B {
                    interface eth0
                    virtual_router_id 2
                    unicast_src_ip 192.0.2.11
                    unicast_ttl 9
                    unicast_peer {
                        192.0.2.12 min_ttl 200 max_ttl 255
                    }
                    virtual_ipaddress {
                        192.0.2.101/24
                    }
                }
                """);
        var m = VrrpSpecs.fromConfig(cfg);
        var a = m.instances().get(0).advertOptions();
        assertThat(a.higherPrioSendAdvert()).isFalse();
        assertThat(a.lowerPrioNoAdvert()).isTrue();
        assertThat(a.downTimerAdverts()).isEqualTo(2);
        assertThat(a.multicastGroup()).isEqualTo(Ipv4Address.parse("224.0.0.99"));
        assertThat(a.notifyMasterRxLowerPri()).isEqualTo("/usr/local/bin/rx.sh arg");
        assertThat(m.instances().get(0).garp().lowerPrioDelay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(m.instances().get(0).garp().lowerPrioRepeat()).isEqualTo(2);
        var b = m.instances().get(1).advertOptions();
        assertThat(b.higherPrioSendAdvert()).isTrue();
        assertThat(b.downTimerAdverts()).isEqualTo(5);
        assertThat(b.unicastTtl()).isEqualTo(9);
        assertThat(b.multicastGroup()).isEqualTo(Ipv4Address.VRRP_GROUP);
        assertThat(b.peerTtls()).containsExactly(new AdvertOptions.PeerTtl(Ipv4Address.parse("192.0.2.12"), 200, 255));
        assertThat(m.instances().get(1).garp().lowerPrioDelay()).isEqualTo(Duration.ofSeconds(5)); // = vrrp_garp_master_delay
    }

    @Test
    void minGarpMakesOneGarpWithoutDelayUnlessSetBefore() {
        String inst = """
                vrrp_instance A {
                    interface eth0
                    virtual_router_id 1
                    mcast_src_ip 192.0.2.11
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """;
        var min = VrrpSpecs.fromConfig(VrrpSpecsTest.load("global_defs {\n vrrp_min_garp\n}\n" + inst)).instances().getFirst().garp();
        assertThat(min).isEqualTo(new GarpSpec(Duration.ZERO, 1, Duration.ZERO, 1, Duration.ZERO, 1));
        var before = VrrpSpecs.fromConfig(VrrpSpecsTest.load("global_defs {\n vrrp_garp_master_repeat 3\n vrrp_min_garp\n}\n" + inst))
                .instances().getFirst().garp();
        assertThat(before.masterRepeat()).isEqualTo(3);
        assertThat(before.lowerPrioRepeat()).isEqualTo(3);
        assertThat(before.masterDelay()).isZero();
        var plain = VrrpSpecs.fromConfig(VrrpSpecsTest.load(inst)).instances().getFirst().garp();
        assertThat(plain).isEqualTo(GarpSpec.DEFAULT);
    }
}
