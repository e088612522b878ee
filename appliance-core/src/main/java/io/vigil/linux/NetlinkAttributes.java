package io.vigil.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Parsed {@code nlattr} TLVs over a buffer (slices share the message copy; nothing is decoded until asked).
 * Types are compared with NLA_F_NESTED / NLA_F_NET_BYTEORDER masked off. When a type repeats, {@link #get}
 * returns the first and {@link #all} returns every one (nested arrays such as CTRL_ATTR_MCAST_GROUPS).
 */
public final class NetlinkAttributes {
    public static final int NLA_F_NESTED = 0x8000, NLA_F_NET_BYTEORDER = 0x4000, NLA_TYPE_MASK = 0x3fff;

    /** One attribute: its masked type and value bytes (position 0, host order). */
    public record Attribute(int type, ByteBuffer value) {}

    private final List<Attribute> attrs;

    private NetlinkAttributes(List<Attribute> attrs) {
        this.attrs = attrs;
    }

    public static NetlinkAttributes parse(ByteBuffer buf) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.nativeOrder());
        List<Attribute> list = new ArrayList<>();
        int pos = b.position();
        while (b.limit() - pos >= 4) {
            int len = Short.toUnsignedInt(b.getShort(pos));
            int type = Short.toUnsignedInt(b.getShort(pos + 2)) & NLA_TYPE_MASK;
            if (len < 4 || len > b.limit() - pos) break;
            list.add(new Attribute(type, b.slice(pos + 4, len - 4).order(ByteOrder.nativeOrder())));
            pos += NetlinkMessage.align(len);
        }
        return new NetlinkAttributes(list);
    }

    public List<Attribute> list() { return List.copyOf(attrs); }

    public boolean has(int type) {
        for (Attribute a : attrs) if (a.type == type) return true;
        return false;
    }

    /** The first attribute of this type; throws NoSuchElementException when absent. */
    public ByteBuffer get(int type) {
        for (Attribute a : attrs) if (a.type == type) return a.value.duplicate().order(ByteOrder.nativeOrder());
        throw new NoSuchElementException("netlink attribute " + type + " missing");
    }

    public List<ByteBuffer> all(int type) {
        List<ByteBuffer> out = new ArrayList<>();
        for (Attribute a : attrs) if (a.type == type) out.add(a.value.duplicate().order(ByteOrder.nativeOrder()));
        return out;
    }

    public int u8(int type) { return Byte.toUnsignedInt(get(type).get(0)); }
    public int u16(int type) { return Short.toUnsignedInt(get(type).getShort(0)); }
    public int u32(int type) { return get(type).getInt(0); }
    public long u64(int type) { return get(type).getLong(0); }
    public int u16Be(int type) { return Short.toUnsignedInt(get(type).order(ByteOrder.BIG_ENDIAN).getShort(0)); }
    public int u32Be(int type) { return get(type).order(ByteOrder.BIG_ENDIAN).getInt(0); }

    public int u32(int type, int absent) { return has(type) ? u32(type) : absent; }

    public byte[] bytes(int type) {
        ByteBuffer v = get(type);
        byte[] out = new byte[v.remaining()];
        v.get(out);
        return out;
    }

    /** A string attribute without its NUL terminator. */
    public String string(int type) {
        byte[] b = bytes(type);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    public Inet4Address inet4(int type) {
        byte[] b = bytes(type);
        if (b.length != 4) throw new IllegalArgumentException("attribute " + type + " is " + b.length + " bytes, not an IPv4 address");
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public NetlinkAttributes nested(int type) { return parse(get(type)); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("NetlinkAttributes[");
        for (Attribute a : attrs) sb.append(a.type).append(':').append(a.value.remaining()).append("B ");
        return sb.append(']').toString();
    }
}
