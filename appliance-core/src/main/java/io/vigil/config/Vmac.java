package io.vigil.config;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** use_vmac's words as keepalived 2.2.7 reads them: the VMAC's name and MAC address. */
public final class Vmac {
    private static final Pattern MAC = Pattern.compile("\\p{XDigit}{1,2}(:\\p{XDigit}{1,2}){4,5}");

    private Vmac() { }

    /** Five or six hex octets separated by colons: a MAC (five: the VRID is the sixth). */
    public static boolean isMac(String word) { return MAC.matcher(word).matches(); }

    /** {@code word} as "xx:xx:xx:xx:xx:xx" with {@code vrid} as a missing sixth octet; empty for a multicast address. */
    public static Optional<String> mac(String word, int vrid) {
        String[] parts = word.split(":");
        byte[] b = new byte[6];
        for (int i = 0; i < parts.length; i++) b[i] = (byte) Integer.parseInt(parts[i], 16);
        if (parts.length == 5) b[5] = (byte) vrid;
        if ((b[0] & 1) != 0) return Optional.empty();
        return Optional.of(HexFormat.ofDelimiter(":").formatHex(b));
    }

    /** RFC 3768's virtual router MAC for IPv4, 00:00:5e:00:01:VRID. */
    public static String defaultMac(int vrid) { return String.format("00:00:5e:00:01:%02x", vrid); }

    /** keepalived's made-up name: vmac_prefix (default "vrrp") "." VRID. */
    public static String defaultName(String prefix, int vrid) { return prefix + "." + vrid; }
}
