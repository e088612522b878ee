package io.vigil.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VipFirewallTest {
    static final Ipv4Address A = Ipv4Address.parse("192.0.2.100"), B = Ipv4Address.parse("192.0.2.101");

    @Test void theTableIsMadeWithTheFirstAddressAfterDeletingALeftOver() {
        VipFirewall f = new VipFirewall("keepalived", -1, false);
        String s = f.add("VI_1", List.of(A, B)).orElseThrow();
        assertThat(s).startsWith("add table ip keepalived\ndelete table ip keepalived\ntable ip keepalived {\n")
                .contains("type filter hook input priority -1; policy accept;\n\t\tip daddr @vips drop\n")
                .contains("type filter hook output priority -1; policy accept;\n\t\tip saddr @vips drop\n")
                .endsWith("add element ip keepalived vips { 192.0.2.100, 192.0.2.101 }\n");
        assertThat(f.add("VI_1", List.of(A, B))).isEmpty();
        assertThat(f.remove("VI_1", List.of(A, B))).contains("delete element ip keepalived vips { 192.0.2.100, 192.0.2.101 }\n");
        assertThat(f.add("VI_1", List.of(A))).contains("add element ip keepalived vips { 192.0.2.100 }\n"); // table stays
        assertThat(f.delete()).contains("delete table ip keepalived\n");
        assertThat(f.delete()).isEmpty();
    }

    @Test void aSharedAddressLeavesTheSetWithItsLastHolder() {
        VipFirewall f = new VipFirewall("t", 0, false);
        f.add("VI_1", List.of(A));
        assertThat(f.add("VI_2", List.of(A, B))).contains("add element ip t vips { 192.0.2.101 }\n");
        assertThat(f.remove("VI_1", List.of(A))).isEmpty();
        assertThat(f.elements()).containsExactly(A, B);
        assertThat(f.remove("VI_2", List.of(A, B))).contains("delete element ip t vips { 192.0.2.100, 192.0.2.101 }\n");
        assertThat(f.remove("VI_3", List.of(A))).isEmpty(); // never held: nothing to delete (nft would fail)
    }

    @Test void priorityAndCountersAsConfigured() {
        String s = new VipFirewall("vigiltab", -5, true).add("VI_1", List.of(A)).orElseThrow();
        assertThat(s).contains("priority -5;").contains("ip daddr @vips counter drop").contains("ip saddr @vips counter drop");
    }

    @Test void nothingBeforeTheFirstAddress() {
        VipFirewall f = new VipFirewall("keepalived", -1, false);
        assertThat(f.remove("VI_1", List.of(A))).isEmpty();
        assertThat(f.delete()).isEmpty();
    }
}
