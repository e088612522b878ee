package io.vigil.linux;

import io.vigil.lab.NetnsTopology;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Without CAP_NET_RAW/CAP_NET_ADMIN every edge fails with one clear message. Capabilities are per thread on
 * Linux, so the test drops them (capset) on a namespace thread of its own; the rest of the JVM keeps root.
 */
class PrivilegeTest {
    private static final int CAP_NET_ADMIN = 12, CAP_NET_RAW = 13, LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle CAPGET = L.downcallHandle(L.defaultLookup().find("capget").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CAPSET = L.downcallHandle(L.defaultLookup().find("capset").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    /** Clears CAP_NET_RAW and CAP_NET_ADMIN from the calling thread's effective and permitted sets. */
    private static void dropNetCapabilities() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hdr = a.allocate(8), data = a.allocate(24); // {version, pid}; 2 x {effective, permitted, inheritable}
            hdr.set(JAVA_INT, 0, LINUX_CAPABILITY_VERSION_3);
            assertThat((int) CAPGET.invokeExact(hdr, data)).isZero();
            int mask = ~((1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW));
            data.set(JAVA_INT, 0, data.get(JAVA_INT, 0) & mask);
            data.set(JAVA_INT, 4, data.get(JAVA_INT, 4) & mask);
            assertThat((int) CAPSET.invokeExact(hdr, data)).isZero();
        }
    }

    @Test
    void everyEdgeSaysItNeedsRootOrCapabilities() throws Exception {
        try (NetnsTopology lab = NetnsTopology.createUnique("vl")) {
            NetnsTopology.Namespace ns = lab.namespace("cap");
            ns.ip("link", "add", "vl-c0", "type", "veth", "peer", "name", "vl-c1");
            NetnsExecutor t = ns.thread();
            t.call(() -> { try { dropNetCapabilities(); } catch (Throwable e) { throw new AssertionError(e); } return null; });

            assertThatThrownBy(() -> t.call(() -> VrrpSocket.open("vl-c0")))
                    .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.isPermissionDenied()).isTrue())
                    .hasMessage("socket(AF_INET, SOCK_RAW, 112) for VRRP on vl-c0: needs root or CAP_NET_RAW/CAP_NET_ADMIN (EPERM)");
            assertThatThrownBy(() -> t.call(GarpSender::open))
                    .hasMessage("socket(AF_PACKET, SOCK_RAW) for gratuitous ARP: needs root or CAP_NET_RAW/CAP_NET_ADMIN (EPERM)");
            // rtnetlink opens unprivileged (reading is allowed) but changing an address is refused
            int idx = t.call(() -> Libc.ifNameToIndex("vl-c0"));
            assertThatThrownBy(() -> t.call(() -> {
                try (Rtnetlink rt = Rtnetlink.open()) {
                    assertThat(rt.links()).isNotEmpty();
                    return rt.addAddress(Ipv4InterfaceAddress.of(idx, "192.0.2.100/24"));
                }
            })).isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM))
                    .hasMessageStartingWith("add address 192.0.2.100/24 ifindex " + idx)
                    .hasMessageContaining("needs root or CAP_NET_RAW/CAP_NET_ADMIN (EPERM)");
            assertThat(ns.ip("-4", "addr").output()).doesNotContain("192.0.2.100");
        }
    }
}
