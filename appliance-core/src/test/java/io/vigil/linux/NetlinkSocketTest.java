package io.vigil.linux;

import io.vigil.lab.NetnsTopology;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NetlinkSocket against the real kernel: generic netlink resolution, rtnetlink dumps and errors, in namespaces. */
class NetlinkSocketTest {

    @Test
    void builderAndParserRoundTripNestedAttributes() {
        ByteBuffer b = new NetlinkMessageBuilder(42, NetlinkMessage.NLM_F_REQUEST).u8(7).u8(1).u16(0)
                .attrString(1, "abc")
                .beginNested(2).attrU32(1, 0xdeadbeef).attrU16Be(2, 80).endNested()
                .attrU64(3, 1L << 40)
                .build(99, 0);
        List<NetlinkMessage> msgs = NetlinkMessage.parseAll(b);
        assertThat(msgs).hasSize(1);
        NetlinkMessage m = msgs.getFirst();
        assertThat(m.type()).isEqualTo(42);
        assertThat(m.sequence()).isEqualTo(99);
        assertThat(m.length()).isEqualTo(b.remaining()).isEqualTo(16 + 4 + 8 + (4 + 8 + 8) + 12);
        NetlinkAttributes a = m.attributes(GenericNetlink.HEADER_LENGTH);
        assertThat(a.string(1)).isEqualTo("abc");
        assertThat(a.nested(2).u32(1)).isEqualTo(0xdeadbeef);
        assertThat(a.nested(2).u16Be(2)).isEqualTo(80);
        assertThat(a.u64(3)).isEqualTo(1L << 40);
        assertThat(GenericNetlink.command(m)).isEqualTo(7);
    }

    @Test
    void resolvesNlctrlFamilyWithItsMulticastGroup() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC)) {
            GenericNetlink.Family f = GenericNetlink.resolve(s, "nlctrl");
            assertThat(f.id()).isEqualTo(GenericNetlink.GENL_ID_CTRL);
            assertThat(f.name()).isEqualTo("nlctrl");
            assertThat(f.version()).isGreaterThanOrEqualTo(1);
            assertThat(f.multicastGroups()).containsKey("notify");
        }
    }

    @Test
    void unknownFamilyIsEnoentWithAClearMessage() throws Exception {
        try (NetlinkSocket s = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC)) {
            assertThatThrownBy(() -> GenericNetlink.resolve(s, "VIGIL_NO_SUCH"))
                    .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                    .hasMessageContaining("VIGIL_NO_SUCH").hasMessageContaining("not in this kernel");
        }
    }

    @Test
    void rtnetlinkDumpAndErrorInsideANamespace() throws Exception {
        String name;
        try (NetnsTopology lab = NetnsTopology.createUnique("vl")) {
            NetnsTopology.Namespace ns = lab.namespace("nl");
            name = ns.name();
            ns.ip("link", "add", "vl-x0", "type", "veth", "peer", "name", "vl-x1");
            NetlinkSocket s = ns.call(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));
            try (s) {
                // RTM_GETLINK dump (ifinfomsg: family, pad, type, index, flags, change = 16 bytes)
                List<NetlinkMessage> links = s.dump(new NetlinkMessageBuilder(18, 0).u8(0).u8(0).u16(0).u32(0).u32(0).u32(0),
                        "RTM_GETLINK");
                List<String> names = links.stream().map(m -> m.attributes(16).string(3)).toList(); // IFLA_IFNAME
                assertThat(names).containsExactlyInAnyOrder("lo", "vl-x0", "vl-x1"); // only this namespace's links
                // RTM_NEWADDR on an ifindex that does not exist → ENODEV from the kernel
                NetlinkMessageBuilder add = new NetlinkMessageBuilder(20, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
                        .u8(Libc.AF_INET).u8(24).u8(0).u8(0).u32(9999).attr(2, new byte[] {(byte) 192, 0, 2, 1});
                assertThatThrownBy(() -> s.request(add, "RTM_NEWADDR 192.0.2.1/24 ifindex 9999"))
                        .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV))
                        .hasMessageStartingWith("RTM_NEWADDR 192.0.2.1/24 ifindex 9999: No such device (ENODEV)");
                // RTM_NEWLINK of an unknown kind: EOPNOTSUPP plus the kernel's extended-ACK text
                NetlinkMessageBuilder link = new NetlinkMessageBuilder(16, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL)
                        .u8(0).u8(0).u16(0).u32(0).u32(0).u32(0).attrString(3, "vl-q0")
                        .beginNested(18).attrString(1, "vlnope").endNested(); // IFLA_LINKINFO { IFLA_INFO_KIND }
                assertThatThrownBy(() -> s.request(link, "create link vl-q0"))
                        .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP))
                        .hasMessage("create link vl-q0: Operation not supported (EOPNOTSUPP): Unknown device type");
            }
        }
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/netns", name))).isFalse();
    }
}
