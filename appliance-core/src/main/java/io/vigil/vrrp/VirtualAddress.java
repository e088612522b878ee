package io.vigil.vrrp;

/**
 * One virtual_ipaddress entry: address/prefix, optional {@code dev} (null = the instance's interface) and
 * {@code label} (null = none).
 */
public record VirtualAddress(Ipv4Address address, int prefixLength, String device, String label) {
    public VirtualAddress {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix length " + prefixLength);
    }

    public static VirtualAddress of(String address, int prefixLength) {
        return new VirtualAddress(Ipv4Address.parse(address), prefixLength, null, null);
    }

    @Override public String toString() {
        return address + "/" + prefixLength + (device == null ? "" : " dev " + device) + (label == null ? "" : " label " + label);
    }
}
