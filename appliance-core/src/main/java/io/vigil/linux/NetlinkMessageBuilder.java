package io.vigil.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Builds one netlink message: the 16-byte {@code nlmsghdr} (filled in by {@link NetlinkSocket} with length,
 * sequence and port), a family header written raw (ifaddrmsg, genlmsghdr, ...), then {@code nlattr} TLVs, each
 * padded to 4 bytes, optionally nested. Host byte order except where a method says "Be" (network order, as
 * IPVS ports and addresses are).
 */
public final class NetlinkMessageBuilder {
    private final int type;
    private int flags;
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private final Deque<Integer> nests = new ArrayDeque<>();

    public NetlinkMessageBuilder(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buf.position(NetlinkMessage.HEADER_LENGTH);
    }

    public int type() { return type; }

    public int flags() { return flags; }

    public NetlinkMessageBuilder addFlags(int more) { flags |= more; return this; }

    private void ensure(int n) {
        if (buf.remaining() < n) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.nativeOrder());
            buf.flip();
            b.put(buf);
            buf = b;
        }
    }

    private void pad() {
        int p = NetlinkMessage.align(buf.position()) - buf.position();
        ensure(p);
        for (int i = 0; i < p; i++) buf.put((byte) 0);
    }

    // ---- raw family header fields ----
    public NetlinkMessageBuilder u8(int v) { ensure(1); buf.put((byte) v); return this; }
    public NetlinkMessageBuilder u16(int v) { ensure(2); buf.putShort((short) v); return this; }
    public NetlinkMessageBuilder u32(int v) { ensure(4); buf.putInt(v); return this; }
    public NetlinkMessageBuilder bytes(byte[] v) { ensure(v.length); buf.put(v); return this; }
    /** Pads the family header to 4 bytes before the first attribute. */
    public NetlinkMessageBuilder align() { pad(); return this; }

    // ---- attributes ----
    public NetlinkMessageBuilder attr(int attrType, byte[] value) {
        pad();
        ensure(4 + value.length);
        buf.putShort((short) (4 + value.length)).putShort((short) attrType).put(value);
        pad();
        return this;
    }

    public NetlinkMessageBuilder attrFlag(int attrType) { return attr(attrType, new byte[0]); }
    public NetlinkMessageBuilder attrU8(int attrType, int v) { return attr(attrType, new byte[] {(byte) v}); }
    public NetlinkMessageBuilder attrU16(int attrType, int v) {
        return attr(attrType, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) v).array());
    }
    public NetlinkMessageBuilder attrU32(int attrType, int v) {
        return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
    }
    public NetlinkMessageBuilder attrU64(int attrType, long v) {
        return attr(attrType, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array());
    }
    public NetlinkMessageBuilder attrU16Be(int attrType, int v) {
        return attr(attrType, new byte[] {(byte) (v >>> 8), (byte) v});
    }
    public NetlinkMessageBuilder attrU32Be(int attrType, int v) {
        return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(v).array());
    }
    /** NUL-terminated string, as the kernel's NLA_NUL_STRING / NLA_STRING policies accept. */
    public NetlinkMessageBuilder attrString(int attrType, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return attr(attrType, Arrays.copyOf(b, b.length + 1));
    }

    /** Opens a nested attribute (NLA_F_NESTED set); close it with {@link #endNested()}. */
    public NetlinkMessageBuilder beginNested(int attrType) {
        pad();
        ensure(4);
        nests.push(buf.position());
        buf.putShort((short) 0).putShort((short) (attrType | NetlinkAttributes.NLA_F_NESTED));
        return this;
    }

    public NetlinkMessageBuilder endNested() {
        int start = nests.pop();
        buf.putShort(start, (short) (buf.position() - start));
        pad();
        return this;
    }

    /** The finished message bytes with the header filled in; position 0, limit = length. */
    public ByteBuffer build(int sequence, int portId) {
        if (!nests.isEmpty()) throw new IllegalStateException("unclosed nested attribute");
        pad();
        ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder());
        int len = buf.position();
        out.putInt(0, len).putShort(4, (short) type).putShort(6, (short) flags).putInt(8, sequence).putInt(12, portId);
        out.position(0).limit(len);
        return out;
    }
}
