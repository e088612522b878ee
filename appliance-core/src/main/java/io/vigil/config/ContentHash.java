package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 of the effective configuration: the statement tree after includes, conditionals, parameters and
 * sequences — keywords, arguments and block structure, not comments, whitespace or where braces were put. The
 * journal records it so a reload that changes nothing is recognisable as such.
 */
final class ContentHash {
    private ContentHash() {}

    static String of(List<ConfigNode> tree) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
        var buf = new Buf();
        for (ConfigNode n : tree) add(n, md, buf);
        buf.flush(md);
        return HexFormat.of().formatHex(md.digest());
    }

    private static void add(ConfigNode n, MessageDigest md, Buf buf) {
        buf.put(n.keyword(), md);
        for (String a : n.args()) {
            buf.put('\u001f', md); // unit separator between words: "a b" differs from "ab"
            buf.put(a, md);
        }
        if (!n.children().isEmpty()) {
            buf.put('{', md);
            buf.put('\n', md);
            for (ConfigNode c : n.children()) add(c, md, buf);
            buf.put('}', md);
        }
        buf.put('\n', md);
    }

    /** A reusable UTF-8 staging buffer: hashing a 40,000-real-server tree allocates nothing per word. */
    private static final class Buf {
        final byte[] b = new byte[8192];
        int n;

        void put(String s, MessageDigest md) {
            for (int i = 0; i < s.length(); i++) put(s.charAt(i), md);
        }

        void put(char c, MessageDigest md) {
            if (n + 4 > b.length) flush(md);
            if (c < 0x80) {
                b[n++] = (byte) c;
            } else if (c < 0x800) {
                b[n++] = (byte) (0xc0 | c >> 6);
                b[n++] = (byte) (0x80 | c & 0x3f);
            } else { // surrogate halves hashed in their 3-byte form: stable, which is all a hash needs
                b[n++] = (byte) (0xe0 | c >> 12);
                b[n++] = (byte) (0x80 | c >> 6 & 0x3f);
                b[n++] = (byte) (0x80 | c & 0x3f);
            }
        }

        void flush(MessageDigest md) {
            md.update(b, 0, n);
            n = 0;
        }
    }

}
