package io.vigil.linux;

import io.vigil.lab.NetnsTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Rtnetlink and RtnetlinkMonitor in a namespace, checked against iproute2's view. */
class RtnetlinkTest {
    private NetnsTopology lab;
    private NetnsTopology.Namespace ns;
    private Rtnetlink rt;
    private RtnetlinkMonitor monitor;

    @BeforeEach
    void setUp() throws Exception {
        lab = NetnsTopology.createUnique("vl");
        ns = lab.namespace("rt");
        ns.ip("link", "add", "vl-r0", "type", "veth", "peer", "name", "vl-r1");
        ns.setLink("vl-r0", true);
        ns.setLink("vl-r1", true);
        rt = ns.call(Rtnetlink::open);
        monitor = ns.call(RtnetlinkMonitor::open);
    }

    @AfterEach
    void tearDown() {
        if (monitor != null) monitor.close();
        if (rt != null) rt.close();
        lab.close();
    }

    private <T extends RtnetlinkEvent> T await(Class<T> type, Predicate<T> match) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<RtnetlinkEvent> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (RtnetlinkEvent e : monitor.poll(Duration.ofMillis(200))) {
                seen.add(e);
                if (type.isInstance(e) && match.test(type.cast(e))) return type.cast(e);
            }
        }
        throw new AssertionError("no matching " + type.getSimpleName() + " within 5 s; saw " + seen);
    }

    @Test
    void vipAddAndRemoveAreIdempotentAndVisibleToIp() throws Exception {
        int idx = rt.ifindex("vl-r0");
        Ipv4InterfaceAddress vip = Ipv4InterfaceAddress.of(idx, "192.0.2.100/24")
                .withBroadcast(Ipv4InterfaceAddress.inet4("192.0.2.255")).withLabel("vl-r0:vip");

        assertThat(rt.addAddress(vip)).isEqualTo(Rtnetlink.Change.ADDED);
        assertThat(rt.addAddress(vip)).isEqualTo(Rtnetlink.Change.ALREADY_PRESENT);
        String shown = ns.ip("-4", "addr", "show", "dev", "vl-r0").output();
        assertThat(shown).contains("inet 192.0.2.100/24 brd 192.0.2.255 scope global vl-r0:vip");
        assertThat(rt.addresses(idx)).singleElement().satisfies(a -> {
            assertThat(a.address().getHostAddress()).isEqualTo("192.0.2.100");
            assertThat(a.prefixLength()).isEqualTo(24);
            assertThat(a.label()).isEqualTo("vl-r0:vip");
            assertThat(a.broadcast().getHostAddress()).isEqualTo("192.0.2.255");
            assertThat(a.scope()).isEqualTo(Ipv4InterfaceAddress.RT_SCOPE_UNIVERSE);
        });
        await(RtnetlinkEvent.AddressAdded.class, e -> e.address().sameAs(vip));

        assertThat(rt.removeAddress(vip)).isEqualTo(Rtnetlink.Change.REMOVED);
        assertThat(rt.removeAddress(vip)).isEqualTo(Rtnetlink.Change.ALREADY_ABSENT);
        assertThat(ns.ip("-4", "addr", "show", "dev", "vl-r0").output()).doesNotContain("192.0.2.100");
        assertThat(rt.addresses(idx)).isEmpty();
        await(RtnetlinkEvent.AddressRemoved.class, e -> e.address().sameAs(vip));
    }

    @Test
    void addressRemovedBehindOurBackIsNotified() throws Exception {
        int idx = rt.ifindex("vl-r0");
        Ipv4InterfaceAddress vip = Ipv4InterfaceAddress.of(idx, "198.51.100.7/32");
        assertThat(rt.addAddress(vip)).isEqualTo(Rtnetlink.Change.ADDED);
        await(RtnetlinkEvent.AddressAdded.class, e -> e.address().sameAs(vip));

        ns.ip("addr", "del", "198.51.100.7/32", "dev", "vl-r0");

        RtnetlinkEvent.AddressRemoved gone = await(RtnetlinkEvent.AddressRemoved.class, e -> e.address().sameAs(vip));
        assertThat(gone.address().ifindex()).isEqualTo(idx);
        assertThat(rt.addAddress(vip)).isEqualTo(Rtnetlink.Change.ADDED); // the node's reaction: put it back
    }

    @Test
    void linkDownAndUpAreNotifiedAndLinkInfoMatchesIp() throws Exception {
        LinkInfo l = rt.link("vl-r0").orElseThrow();
        String ipShow = ns.ip("link", "show", "vl-r0").output();
        assertThat(ipShow).contains("link/ether " + l.mac());
        assertThat(l.index()).isEqualTo(rt.ifindex("vl-r0"));
        assertThat(rt.link(l.index()).orElseThrow().name()).isEqualTo("vl-r0");
        assertThat(rt.links()).extracting(LinkInfo::name).contains("lo", "vl-r0", "vl-r1");
        assertThat(rt.link("vl-nope")).isEmpty();

        ns.setLink("vl-r0", false);
        LinkInfo down = await(RtnetlinkEvent.LinkChanged.class, e -> e.link().name().equals("vl-r0") && !e.link().isAdminUp()).link();
        assertThat(down.isUp()).isFalse();

        rt.setLinkUp(l.index(), true);
        await(RtnetlinkEvent.LinkChanged.class, e -> e.link().name().equals("vl-r0") && e.link().isUp());
        assertThat(ns.ip("link", "show", "vl-r0").output()).contains("state UP");
    }

    @Test
    void primaryAddressIsTheFirstNonSecondary() throws Exception {
        int idx = rt.ifindex("vl-r0");
        assertThat(rt.primaryAddress(idx)).isEmpty();
        ns.addAddress("vl-r0", "192.0.2.1/24");
        assertThat(rt.addAddress(Ipv4InterfaceAddress.of(idx, "192.0.2.100/24"))).isEqualTo(Rtnetlink.Change.ADDED);
        assertThat(rt.addresses(idx)).hasSize(2);
        assertThat(rt.primaryAddress(idx).orElseThrow().address().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(rt.addresses(idx).stream().filter(a -> a.address().getHostAddress().equals("192.0.2.100")).findFirst()
                .orElseThrow().flags() & Ipv4InterfaceAddress.IFA_F_SECONDARY).isNotZero();
    }

    @Test
    void dumpSpanningManyDatagramsIsCollectedWhole() throws Exception {
        int idx = rt.ifindex("vl-r1");
        for (int i = 1; i <= 250; i++) {
            assertThat(rt.addAddress(Ipv4InterfaceAddress.of(idx, "198.51.100." + i + "/32"))).isEqualTo(Rtnetlink.Change.ADDED);
            assertThat(rt.addAddress(Ipv4InterfaceAddress.of(idx, "203.0.113." + i + "/32"))).isEqualTo(Rtnetlink.Change.ADDED);
        }
        // 500 RTM_NEWADDR messages (~80 bytes each) cannot fit one datagram: NLM_F_MULTI parts up to NLMSG_DONE
        assertThat(rt.addresses(idx)).hasSize(500);
        long inIp = ns.ip("-4", "-o", "addr", "show", "dev", "vl-r1").output().lines().count();
        assertThat(inIp).isEqualTo(500);
    }

    @Test
    void monitorWakeupReturnsAtOnce() throws Exception {
        long t0 = System.nanoTime();
        Thread waker = Thread.ofPlatform().start(() -> {
            try { Thread.sleep(100); } catch (InterruptedException ignored) { }
            monitor.wakeup();
        });
        // late notifications from setUp (veth carrier coming up) may be returned first; then the wakeup
        List<RtnetlinkEvent> got;
        do {
            got = monitor.poll(Duration.ofSeconds(30));
        } while (!got.isEmpty() && System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
        assertThat(got).isEmpty();
        waker.join();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
}
