package io.vigil.config;

/** What a virtual_server line names: {@code IP PORT}, {@code fwmark N} or {@code group NAME}. */
public sealed interface VirtualServerAddress {
    /** {@code virtual_server 192.0.2.100 80}; port 0 means "all ports" (keepalived allows omitting it). */
    record IpPort(String ip, int port, boolean ipv6) implements VirtualServerAddress {
        @Override public String toString() { return (ipv6 ? "[" + ip + "]" : ip) + ":" + port; }
    }

    /** {@code virtual_server fwmark 7}. */
    record Fwmark(int mark) implements VirtualServerAddress {
        @Override public String toString() { return "fwmark " + mark; }
    }

    /** {@code virtual_server group NAME} — the addresses come from virtual_server_group NAME. */
    record Group(String name) implements VirtualServerAddress {
        @Override public String toString() { return "group " + name; }
    }
}
