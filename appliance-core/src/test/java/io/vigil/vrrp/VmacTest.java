package io.vigil.vrrp;

import io.vigil.config.KeepalivedConfig;
import io.vigil.vrrp.VrrpEffect.AddAddresses;
import io.vigil.vrrp.VrrpEffect.SendGarp;
import io.vigil.vrrp.VrrpInput.Tick;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.vigil.vrrp.Fixtures.*;
import static io.vigil.vrrp.VrrpInstanceTest.T0;
import static io.vigil.vrrp.VrrpInstanceTest.master;
import static org.assertj.core.api.Assertions.assertThat;

/** use_vmac, vmac_xmit_base and garp_extra_if: what the mapping decides and what the engine does with it. */
class VmacTest {

    private static VrrpInstanceSpec spec(String conf) {
        VrrpSpecs.Mapped m = VrrpSpecs.fromConfig(VrrpSpecsTest.load(conf));
        assertThat(m.diagnostics()).isEmpty();
        return m.instances().getFirst();
    }

    private static String instance(String extra) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n" + extra
                + "\n virtual_ipaddress {\n  192.0.2.100/24\n  192.0.2.101/24 dev eth1\n }\n}\n";
    }

    @Test void useVmacMakesUpKeepalivedsNameAndMacAndMovesAdvertsAndAddressesOntoIt() {
        VrrpInstanceSpec s = spec(instance(" use_vmac"));
        assertThat(s.vmac()).isEqualTo(new VmacSpec("vrrp.51", "eth0", "00:00:5e:00:01:33", false));
        assertThat(s.interfaceName()).isEqualTo("vrrp.51");
        assertThat(s.addressInterface()).isEqualTo("vrrp.51");
        assertThat(s.baseInterface()).isEqualTo("eth0");
        assertThat(s.vmac().describe()).isEqualTo("link vrrp.51 type macvlan mode private address 00:00:5e:00:01:33 link eth0");
    }

    @Test void nameMacPrefixAndXmitBase() {
        VrrpInstanceSpec s = spec("global_defs {\n vmac_prefix vx\n}\n" + instance(" use_vmac\n vmac_xmit_base"));
        assertThat(s.vmac()).isEqualTo(new VmacSpec("vx.51", "eth0", "00:00:5e:00:01:33", true));
        assertThat(s.interfaceName()).isEqualTo("eth0"); // adverts on the base
        assertThat(s.addressInterface()).isEqualTo("vx.51");
        // five octets: the VRID is the sixth (keepalived.conf(5))
        assertThat(spec(instance(" use_vmac mine 02:00:5e:10:20")).vmac())
                .isEqualTo(new VmacSpec("mine", "eth0", "02:00:5e:10:20:33", false));
        assertThat(spec(instance(" use_vmac 02:00:5e:10:20:07 mine")).vmac().mac()).isEqualTo("02:00:5e:10:20:07");
        assertThat(spec(instance("")).vmac()).isNull();
    }

    @Test void garpExtraIfFromTheInstanceElseGlobalZeroIsOff() {
        assertThat(spec(instance(" garp_extra_if all 30")).garpExtraIf()).isEqualTo(new GarpExtraIfSpec(Duration.ofSeconds(30), true));
        String global = "global_defs {\n vrrp_garp_extra_if 60\n}\n";
        assertThat(spec(global + instance("")).garpExtraIf()).isEqualTo(new GarpExtraIfSpec(Duration.ofSeconds(60), false));
        assertThat(spec(global + instance(" garp_extra_if 0")).garpExtraIf()).isNull();
        assertThat(spec(instance("")).garpExtraIf()).isNull();
    }

    @Test void badWordsAreWarnedAboutWithTheirLine() {
        KeepalivedConfig c = VrrpSpecsTest.load(instance(" use_vmac 01:00:5e:00:01:33\n garp_extra_if soon"));
        assertThat(c.vrrpInstances().getFirst().useVmac()).isTrue();
        var r = io.vigil.config.source.ConfigLoader.loadText("keepalived.conf", instance(" use_vmac 01:00:5e:00:01:33\n garp_extra_if soon"),
                java.nio.file.Path.of("."), io.vigil.config.LoadOptions.defaults());
        assertThat(r.diagnostics().stream().map(io.vigil.config.Diagnostic::format).toList()).containsExactly(
                "keepalived.conf:4:2: warning: (VI_1) use_vmac MAC '01:00:5e:00:01:33' is not a unicast address; using 00:00:5e:00:01:VRID",
                "keepalived.conf:5:2: warning: (VI_1) garp_extra_if 'soon' invalid (keepalived accepts 0..86400 seconds and 'all'); ignored");
    }

    @Test void unicastPeersSetXmitBaseWithAWarningAsKeepalived() {
        String conf = instance(" use_vmac\n unicast_peer {\n  192.0.2.12\n }");
        var r = io.vigil.config.source.ConfigLoader.loadText("keepalived.conf", conf, java.nio.file.Path.of("."), io.vigil.config.LoadOptions.defaults());
        assertThat(r.diagnostics().stream().map(io.vigil.config.Diagnostic::format).toList()).containsExactly(
                "keepalived.conf:4:2: warning: (VI_1) unicast with use_vmac requires vmac_xmit_base; set (as keepalived)");
        VrrpInstanceSpec s = VrrpSpecs.fromConfig(r.config().orElseThrow()).instances().getFirst();
        assertThat(s.vmac().xmitBase()).isTrue();
        assertThat(s.interfaceName()).isEqualTo("eth0");
    }

    @Test void twoInstancesCannotShareAVmacNameWithDifferentMacs() {
        VrrpSpecs.Mapped m = VrrpSpecs.fromConfig(VrrpSpecsTest.load(instance(" use_vmac shared")
                + instance(" use_vmac shared").replace("VI_1", "VI_2").replace("router_id 51", "router_id 52")));
        assertThat(m.instances()).extracting(VrrpInstanceSpec::name).containsExactly("VI_1");
        assertThat(m.diagnostics()).singleElement().satisfies(d -> assertThat(d.format()).contains("VMAC shared is also VI_1's"));
    }

    @Test void planRemovesWhatIsNoLongerWantedAndRemakesAChangedLink() {
        VmacSpec a = new VmacSpec("vrrp.51", "eth0", "00:00:5e:00:01:33", false);
        VmacSpec b = new VmacSpec("vrrp.52", "eth0", "00:00:5e:00:01:34", false);
        VmacSpec bMoved = new VmacSpec("vrrp.52", "eth1", "00:00:5e:00:01:34", false);
        assertThat(VmacSpec.plan(List.of(), List.of(a, b))).isEqualTo(new VmacSpec.Plan(List.of(), List.of(a, b)));
        assertThat(VmacSpec.plan(List.of(a, b), List.of(a, b.withXmitBase()))).matches(VmacSpec.Plan::isEmpty);
        assertThat(VmacSpec.plan(List.of(a, b), List.of(bMoved))).isEqualTo(new VmacSpec.Plan(List.of(a, b), List.of(bMoved)));
    }

    @Test void addressesAndGarpsGoOnTheVmacAdvertsFollowTheInterface() {
        VrrpInstanceSpec s = d1(2).vmac(new VmacSpec("vrrp.51", "eth0", "00:00:5e:00:01:33", false)).build();
        assertThat(s.interfaceName()).isEqualTo("vrrp.51");
        VrrpInstance i = new VrrpInstance(s);
        List<VrrpEffect> out = i.step(new VrrpInput.Start(T0));
        out = i.step(new Tick(timer(out)));
        assertThat(only(out, AddAddresses.class)).singleElement().extracting(AddAddresses::interfaceName).isEqualTo("vrrp.51");
        assertThat(only(out, SendGarp.class)).singleElement().extracting(SendGarp::interfaceName).isEqualTo("vrrp.51");
    }

    /** As keepalived 2.2.7 on the wire: only with all; other devs, and the own VMAC with xmit_base only. */
    @Test void extraGarpsEveryIntervalOnTheInterfacesAdvertsDoNotRefresh() {
        VirtualAddress onEth1 = new VirtualAddress(Ipv4Address.parse("192.0.2.101"), 24, "eth1", null);
        VirtualAddress alsoEth1 = new VirtualAddress(Ipv4Address.parse("192.0.2.102"), 24, "eth1", null);
        VmacSpec vmac = new VmacSpec("vrrp.51", "eth0", "00:00:5e:00:01:33", false);
        GarpExtraIfSpec every2 = new GarpExtraIfSpec(Duration.ofSeconds(2), false);

        assertThat(extraGarps(d1(2).vmac(vmac).virtualAddress(onEth1).garpExtraIf(every2))).isEmpty();
        assertThat(extraGarps(d1(2).vmac(vmac.withXmitBase()).virtualAddress(onEth1).garpExtraIf(every2))).isEmpty();
        assertThat(extraGarps(d1(2).vmac(vmac.withXmitBase()).virtualAddress(onEth1)
                .garpExtraIf(new GarpExtraIfSpec(Duration.ofSeconds(2), true)))).containsExactly("vrrp.51 192.0.2.100", "eth1 192.0.2.101");
        assertThat(extraGarps(d1(2).vmac(vmac).virtualAddress(onEth1).virtualAddress(alsoEth1)
                .garpExtraIf(new GarpExtraIfSpec(Duration.ofSeconds(2), true)))).containsExactly("eth1 192.0.2.101");
        assertThat(extraGarps(d1(2).virtualAddress(onEth1).garpExtraIf(new GarpExtraIfSpec(Duration.ofSeconds(2), true))))
                .containsExactly("eth1 192.0.2.101");
    }

    /** The extra GARPs of the first and second interval after becoming MASTER (none before the first). */
    private static List<String> extraGarps(VrrpInstanceSpec.Builder b) {
        VrrpInstance i = master(b.build());
        long became = T0 + i.masterDownIntervalNanos();
        List<String> seen = new java.util.ArrayList<>();
        for (long t = became + S / 2; t <= became + 4 * S + S / 2; t += S / 2) {
            for (SendGarp g : only(i.step(new Tick(t)), SendGarp.class)) {
                assertThat(g.reason()).isIn(GarpReason.EXTRA_IF, GarpReason.MASTER_DELAY);
                if (g.reason() != GarpReason.EXTRA_IF) continue;
                assertThat(g.repeat()).isEqualTo(1);
                assertThat(t - became).as("every 2 s").isIn(2 * S, 4 * S);
                seen.add(g.interfaceName() + " " + String.join(",", g.addresses().stream().map(Object::toString).toList()));
            }
        }
        if (!seen.isEmpty()) assertThat(seen).hasSize(2 * (int) seen.stream().distinct().count());
        return seen.stream().distinct().toList();
    }
}
