package io.vigil.journal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The journal's hash chain: {@code hash(n) = SHA-256(hash(n-1) ‖ bytes(n))} truncated to 16 bytes, with 16 zero
 * bytes before the first entry. Changing, removing or reordering any entry breaks the chain at that entry.
 * (Truncating the newest entries is only visible against a copy or an exported head hash.)
 */
public final class HashChain {
    public static final byte[] GENESIS = new byte[EventCodec.HASH_LEN];

    private final MessageDigest sha;
    private final byte[] digest = new byte[32];

    public HashChain() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** As {@link #next(byte[], byte[], int, int)} for bytes in {@code buf} from its position to its limit. */
    public byte[] next(byte[] prev, java.nio.ByteBuffer buf) {
        sha.update(prev, 0, EventCodec.HASH_LEN);
        sha.update(buf);
        return finish();
    }

    /** The hash of an entry whose bytes (hash excluded) are {@code buf[off, off+len)}, following {@code prev}. */
    public byte[] next(byte[] prev, byte[] buf, int off, int len) {
        sha.update(prev, 0, EventCodec.HASH_LEN);
        sha.update(buf, off, len);
        return finish();
    }

    /** The SHA-256 of what was fed, truncated to the stored hash length. */
    private byte[] finish() {
        try {
            sha.digest(digest, 0, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        byte[] out = new byte[EventCodec.HASH_LEN];
        System.arraycopy(digest, 0, out, 0, EventCodec.HASH_LEN);
        return out;
    }
}
