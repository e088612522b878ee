package io.vigil.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message (a private heap copy, host byte order): the {@code nlmsghdr} fields and the
 * payload that follows (family header + attributes).
 */
public final class NetlinkMessage {
    public static final int HEADER_LENGTH = 16;
    // nlmsg types
    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4;
    // nlmsg flags
    public static final int NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_ECHO = 0x8,
            NLM_F_DUMP_INTR = 0x10, NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = 0x300,
            NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800,
            NLM_F_CAPPED = 0x100, NLM_F_ACK_TLVS = 0x200;

    private final ByteBuffer msg;

    private NetlinkMessage(ByteBuffer msg) {
        this.msg = msg;
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Splits one datagram (position..limit) into its messages. Malformed tails are dropped, never read past. */
    public static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer d = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        int pos = d.position();
        while (d.limit() - pos >= HEADER_LENGTH) {
            int len = d.getInt(pos);
            if (len < HEADER_LENGTH || len > d.limit() - pos) break;
            byte[] copy = new byte[len];
            d.get(pos, copy);
            out.add(new NetlinkMessage(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder())));
            pos += align(len);
        }
        return out;
    }

    public int length() { return msg.getInt(0); }
    public int type() { return Short.toUnsignedInt(msg.getShort(4)); }
    public int flags() { return Short.toUnsignedInt(msg.getShort(6)); }
    public int sequence() { return msg.getInt(8); }
    public int portId() { return msg.getInt(12); }

    /** The bytes after the nlmsghdr, position 0, host byte order (a read-only view). */
    public ByteBuffer payload() {
        return msg.slice(HEADER_LENGTH, msg.capacity() - HEADER_LENGTH).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /** Attributes after a family header of {@code familyHeaderLength} bytes (e.g. 8 for ifaddrmsg, 4 for genl). */
    public NetlinkAttributes attributes(int familyHeaderLength) {
        int start = HEADER_LENGTH + align(familyHeaderLength);
        if (start > msg.capacity()) return NetlinkAttributes.parse(ByteBuffer.allocate(0));
        return NetlinkAttributes.parse(msg.slice(start, msg.capacity() - start).order(ByteOrder.nativeOrder()));
    }

    /** For NLMSG_ERROR: the (negative) errno, 0 for an ACK. */
    public int error() {
        return msg.capacity() >= HEADER_LENGTH + 4 ? msg.getInt(HEADER_LENGTH) : 0;
    }

    /** For NLMSG_ERROR with extended ACK TLVs: the kernel's NLMSGERR_ATTR_MSG text, or null. */
    public String extAckMessage() {
        if ((flags() & NLM_F_ACK_TLVS) == 0 || msg.capacity() < HEADER_LENGTH + 4 + HEADER_LENGTH) return null;
        int origLen = msg.getInt(HEADER_LENGTH + 4);
        int skip = (flags() & NLM_F_CAPPED) != 0 ? HEADER_LENGTH : align(origLen);
        int start = HEADER_LENGTH + 4 + skip;
        if (start > msg.capacity()) return null;
        NetlinkAttributes tlv = NetlinkAttributes.parse(msg.slice(start, msg.capacity() - start).order(ByteOrder.nativeOrder()));
        return tlv.has(1) ? tlv.string(1) : null; // NLMSGERR_ATTR_MSG
    }

    @Override public String toString() {
        return "NetlinkMessage[type=" + type() + ", flags=0x" + Integer.toHexString(flags()) + ", seq=" + sequence()
                + ", len=" + length() + "]";
    }
}
