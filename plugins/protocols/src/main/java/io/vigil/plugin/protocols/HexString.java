package io.vigil.plugin.protocols;

import java.util.Optional;

/**
 * keepalived's HEX_STR (parser.c read_hex_str): hex digits in pairs, spaces and tabs separate, a lone digit before
 * a space or the end is one octet ("Ab12f 3 456" is AB 12 0F 03 45 06). In a reply pattern an {@code x}/{@code X}
 * nibble matches anything (its mask bits are set).
 */
record HexString(byte[] data, Optional<byte[]> mask) {

    /** Empty when the text is not a valid HEX_STR (keepalived: "Invalid hex string"). */
    static Optional<HexString> parse(String text, boolean wildcards) {
        byte[] data = new byte[(text.length() + 1) / 2];
        byte[] mask = new byte[data.length];
        boolean masked = false;
        int len = 0;
        int i = 0;
        while (true) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
            if (i >= text.length()) break;
            int hi = nibble(text.charAt(i++), wildcards);
            if (hi < 0) return Optional.empty();
            int value = hi == WILD ? 0 : hi;
            int m = hi == WILD ? 0x0f : 0;
            if (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                int lo = nibble(text.charAt(i++), wildcards);
                if (lo < 0) return Optional.empty();
                value = value << 4 | (lo == WILD ? 0 : lo);
                m = m << 4 | (lo == WILD ? 0x0f : 0);
            }
            masked |= m != 0;
            data[len] = (byte) value;
            mask[len] = (byte) m;
            len++;
        }
        if (len == 0) return Optional.empty();
        return Optional.of(new HexString(java.util.Arrays.copyOf(data, len),
                masked ? Optional.of(java.util.Arrays.copyOf(mask, len)) : Optional.empty()));
    }

    private static final int WILD = 16;

    private static int nibble(char c, boolean wildcards) {
        if (c >= '0' && c <= '9') return c - '0';
        char u = Character.toUpperCase(c);
        if (u >= 'A' && u <= 'F') return u - 'A' + 10;
        if (wildcards && u == 'X') return WILD;
        return -1;
    }

    /** Whether {@code reply}'s first min(length, data length) octets match, ignoring masked bits. */
    boolean matches(byte[] reply, int length) {
        int n = Math.min(length, data.length);
        for (int i = 0; i < n; i++) {
            int care = mask.isPresent() ? ~mask.get()[i] & 0xff : 0xff;
            if (((reply[i] ^ data[i]) & care) != 0) return false;
        }
        return true;
    }
}
