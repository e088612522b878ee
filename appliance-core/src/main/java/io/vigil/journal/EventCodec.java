package io.vigil.journal;

import io.vigil.journal.Event.*;
import net.openhft.chronicle.bytes.Bytes;

import java.util.TreeMap;

/**
 * The compact binary encoding of one journal entry (one Chronicle Queue excerpt).
 *
 * <pre>
 * format 2 (current)                         format 1 (first release, still read)
 *   u8      format = 2                         u8      format = 1
 *   u8      event type tag ({@link EventType})  u8      tag
 *   utf8    node id                            utf8    node id
 *   stopbit seq                                stopbit seq
 *   i64     wall ns, i64 mono ns               i64 wall ns, i64 mono ns
 *   u16     cause length, cause bytes          cause bytes (no length)
 *   body fields ... to the end                 body fields (no VrrpTransition.priority, no CheckResult.attempt)
 *   16 B    hash                               16 B hash
 * </pre>
 * Integers are stop-bit (varint) encoded, strings are stop-bit length + UTF-8. Evolution rule: fields are only
 * ever appended to a body; a reader stops at the body's end and gives fields it did not find their default, and
 * ignores trailing fields it does not know. So a newer journal is readable by this code as far as it goes, and
 * format-1 journals read with defaults. Enum constants are stored by ordinal: only append constants.
 */
public final class EventCodec {

    public static final int CURRENT_FORMAT = 2;
    public static final int HASH_LEN = 16;

    private EventCodec() {}

    /** Writes {@code e} without its hash at the write position of {@code out}. */
    public static void encode(Entry e, Bytes<?> out) {
        out.writeUnsignedByte(CURRENT_FORMAT);
        out.writeUnsignedByte(EventType.of(e.event()).tag());
        out.writeUtf8(e.node());
        out.writeStopBit(e.seq());
        out.writeLong(e.wallNs());
        out.writeLong(e.monoNs());
        long lenAt = out.writePosition();
        out.writeUnsignedShort(0);
        writeCause(e.cause(), out);
        out.writeUnsignedShort(lenAt, (int) (out.writePosition() - lenAt - 2));
        writeBody(e.event(), out);
    }

    /** The type tag of the entry at the read position, without decoding it (for fast scans). */
    public static int peekTag(Bytes<?> in) {
        // readUnsignedByte(offset), not peekUnsignedByte: peek answers -1 past the current chunk of a mapped file
        return in.readUnsignedByte(in.readPosition() + 1);
    }

    /** The wall time of the entry at the read position, without decoding it (for time search). */
    public static long peekWall(Bytes<?> in) {
        long p = in.readPosition();
        try {
            in.readSkip(2);
            in.readUtf8(); // node id
            in.readStopBit();
            return in.readLong();
        } finally {
            in.readPosition(p);
        }
    }

    /** The seq of the entry at the read position, without decoding it. */
    public static long peekSeq(Bytes<?> in) {
        long p = in.readPosition();
        try {
            in.readSkip(2);
            in.readUtf8();
            return in.readStopBit();
        } finally {
            in.readPosition(p);
        }
    }

    /** Decodes the entry between read position and read limit (hash included); {@code index} is its queue index. */
    public static Entry decode(Bytes<?> in, long index) {
        long end = in.readLimit();
        if (end - in.readPosition() < 2 + HASH_LEN) throw new JournalFormatException("entry too short");
        int format = in.readUnsignedByte();
        if (format < 1 || format > CURRENT_FORMAT + 100) throw new JournalFormatException("unknown format " + format);
        int tag = in.readUnsignedByte();
        String node = in.readUtf8();
        long seq = in.readStopBit();
        long wall = in.readLong();
        long mono = in.readLong();
        Cause cause;
        long bodyEnd = end - HASH_LEN;
        try {
            if (format >= 2) {
                int causeLen = in.readUnsignedShort();
                long causeEnd = in.readPosition() + causeLen;
                in.readLimit(causeEnd);
                cause = readCause(in);
                in.readLimit(end);
                in.readPosition(causeEnd);
            } else {
                cause = readCause(in);
            }
            if (in.readPosition() > bodyEnd) throw new JournalFormatException("entry seq " + seq + " truncated in its header");
            in.readLimit(bodyEnd);
            EventType type = EventType.ofTag(tag);
            Event ev;
            if (type == null) {
                byte[] body = new byte[(int) in.readRemaining()];
                in.read(body);
                ev = new Unknown(tag, body);
            } else {
                ev = readBody(type, in);
                if (in.readPosition() > bodyEnd) throw new JournalFormatException("entry seq " + seq + " body overruns the entry");
            }
            in.readLimit(end);
            in.readPosition(bodyEnd);
            byte[] hash = new byte[HASH_LEN];
            in.read(hash);
            return new Entry(node, seq, wall, mono, cause, ev, hash, index, format);
        } catch (RuntimeException ex) {
            in.readLimit(end);
            if (ex instanceof JournalFormatException jf) throw jf;
            throw new JournalFormatException("cannot decode entry seq " + seq + ": " + ex);
        }
    }

    // ---- causes ---------------------------------------------------------------------------------------

    private static void writeCause(Cause c, Bytes<?> out) {
        switch (c) {
            case Cause.None n -> out.writeUnsignedByte(0);
            case Cause.Event e -> { out.writeUnsignedByte(1); out.writeStopBit(e.seq()); }
            case Cause.Packet p -> { out.writeUnsignedByte(2); out.writeUtf8(p.source()); out.writeUtf8(p.device()); }
            case Cause.Timer t -> { out.writeUnsignedByte(3); out.writeUtf8(t.name()); }
            case Cause.Signal s -> { out.writeUnsignedByte(4); out.writeUtf8(s.name()); }
            case Cause.Operator o -> { out.writeUnsignedByte(5); out.writeUtf8(o.who()); out.writeUtf8(o.via()); }
            case Cause.ConfigReload r -> { out.writeUnsignedByte(6); out.writeUtf8(r.contentHash()); }
            case Cause.Vrrp v -> {
                out.writeUnsignedByte(7); out.writeUtf8(v.kind()); out.writeUtf8(v.peer()); out.writeUtf8(v.device());
                out.writeStopBit(v.priority()); out.writeLong(v.heardWallNs()); out.writeUtf8(v.relation());
            }
        }
    }

    private static Cause readCause(Bytes<?> in) {
        int kind = in.readUnsignedByte();
        return switch (kind) {
            case 0 -> Cause.NONE;
            case 1 -> new Cause.Event(in.readStopBit());
            case 2 -> new Cause.Packet(in.readUtf8(), in.readUtf8());
            case 3 -> new Cause.Timer(in.readUtf8());
            case 4 -> new Cause.Signal(in.readUtf8());
            case 5 -> new Cause.Operator(in.readUtf8(), in.readUtf8());
            case 6 -> new Cause.ConfigReload(in.readUtf8());
            case 7 -> new Cause.Vrrp(in.readUtf8(), in.readUtf8(), in.readUtf8(), (int) in.readStopBit(), in.readLong(), in.readUtf8());
            default -> Cause.NONE; // a cause kind from a newer format: skipped via its length
        };
    }

    // ---- bodies ---------------------------------------------------------------------------------------

    private static void writeBody(Event ev, Bytes<?> o) {
        switch (ev) {
            case NodeStarted e -> {
                o.writeUtf8(e.version()); o.writeStopBit(e.pid());
                o.writeUtf8(e.previousEnd()); o.writeStopBit(e.previousLastSeq()); o.writeLong(e.previousLastWallNs());
            }
            case NodeAlive e -> { o.writeStopBit(e.periodMs()); o.writeUtf8(e.instances()); }
            case QuorumChanged e -> { o.writeUtf8(e.virtualServer()); o.writeBoolean(e.up()); o.writeUtf8(e.detail()); }
            case RouteChanged e -> {
                o.writeUtf8(e.owner()); o.writeUtf8(e.route()); o.writeBoolean(e.added()); o.writeBoolean(e.ok()); o.writeUtf8(e.error());
            }
            case NodeStopped e -> o.writeUtf8(e.reason());
            case ConfigApplied e -> { o.writeUtf8(e.path()); o.writeUtf8(e.contentHash()); o.writeUtf8(e.diffSummary()); }
            case VrrpTransition e -> {
                o.writeUtf8(e.instance()); o.writeUnsignedByte(e.from().ordinal()); o.writeUnsignedByte(e.to().ordinal());
                o.writeUtf8(e.reason()); o.writeStopBit(e.priority());
            }
            case PriorityChanged e -> { o.writeUtf8(e.instance()); o.writeStopBit(e.oldPriority()); o.writeStopBit(e.newPriority()); o.writeUtf8(e.tracker()); }
            case AdvertAnomaly e -> { o.writeUtf8(e.instance()); o.writeUnsignedByte(e.kind().ordinal()); o.writeUtf8(e.source()); o.writeUtf8(e.detail()); }
            case MasterSeen e -> { o.writeUtf8(e.instance()); o.writeUtf8(e.peer()); o.writeStopBit(e.priority()); o.writeBoolean(e.sampled()); }
            case VipChanged e -> {
                o.writeUtf8(e.instance()); o.writeUtf8(e.address()); o.writeUtf8(e.device());
                o.writeBoolean(e.added()); o.writeBoolean(e.ok()); o.writeUtf8(e.error());
            }
            case GarpSent e -> { o.writeUtf8(e.instance()); o.writeUtf8(e.address()); o.writeUtf8(e.device()); o.writeStopBit(e.count()); }
            case CheckResult e -> {
                o.writeUtf8(e.checker()); o.writeUtf8(e.target()); o.writeBoolean(e.up()); o.writeStopBit(e.latencyNs());
                o.writeUtf8(e.detail()); o.writeStopBit(e.attempt());
            }
            case CheckSummary e -> {
                o.writeUtf8(e.checker()); o.writeUtf8(e.target()); o.writeBoolean(e.up()); o.writeUtf8(e.detail());
                o.writeStopBit(e.count()); o.writeLong(e.firstWallNs()); o.writeStopBit(e.lastWallNs() - e.firstWallNs());
                o.writeStopBit(e.latencyMinNs()); o.writeStopBit(e.latencyMaxNs()); o.writeStopBit(e.latencySumNs());
                o.writeUtf8(e.histogram());
            }
            case RealServerChanged e -> {
                o.writeUtf8(e.virtualServer()); o.writeUtf8(e.realServer()); o.writeBoolean(e.up());
                o.writeStopBit(e.weight()); o.writeBoolean(e.quorumUp());
            }
            case IpvsChanged e -> {
                o.writeUnsignedByte(e.op().ordinal()); o.writeUtf8(e.service()); o.writeUtf8(e.destination());
                o.writeStopBit(e.weight()); o.writeUtf8(e.forwarding()); o.writeBoolean(e.ok()); o.writeUtf8(e.error());
            }
            case NotifyRun e -> {
                o.writeUtf8(e.script()); o.writeUtf8(e.trigger()); o.writeStopBit(e.exitCode());
                o.writeStopBit(e.durationNs()); o.writeUtf8(e.output());
            }
            case OperatorAction e -> { o.writeUtf8(e.who()); o.writeUtf8(e.action()); o.writeUtf8(e.detail()); }
            case Snapshot e -> writeView(e.view(), o);
            case Dropped e -> o.writeStopBit(e.count());
            case Unknown e -> o.write(e.body());
        }
    }

    private static Event readBody(EventType type, Bytes<?> i) {
        return switch (type) {
            case NODE_STARTED -> new NodeStarted(i.readUtf8(), i.readStopBit(), i.readRemaining() > 0 ? i.readUtf8() : "",
                    i.readRemaining() > 0 ? i.readStopBit() : 0, i.readRemaining() >= 8 ? i.readLong() : 0);
            case NODE_ALIVE -> new NodeAlive(i.readStopBit(), i.readUtf8());
            case QUORUM_CHANGED -> new QuorumChanged(i.readUtf8(), i.readBoolean(), i.readUtf8());
            case ROUTE_CHANGED -> new RouteChanged(i.readUtf8(), i.readUtf8(), i.readBoolean(), i.readBoolean(), i.readUtf8());
            case NODE_STOPPED -> new NodeStopped(i.readUtf8());
            case CONFIG_APPLIED -> new ConfigApplied(i.readUtf8(), i.readUtf8(), i.readUtf8());
            case VRRP_TRANSITION -> new VrrpTransition(i.readUtf8(), state(i), state(i), i.readUtf8(), intOr(i, 0));
            case PRIORITY_CHANGED -> new PriorityChanged(i.readUtf8(), (int) i.readStopBit(), (int) i.readStopBit(), i.readUtf8());
            case ADVERT_ANOMALY -> new AdvertAnomaly(i.readUtf8(), anomaly(i), i.readUtf8(), i.readUtf8());
            case MASTER_SEEN -> new MasterSeen(i.readUtf8(), i.readUtf8(), (int) i.readStopBit(), i.readBoolean());
            case VIP_CHANGED -> new VipChanged(i.readUtf8(), i.readUtf8(), i.readUtf8(), i.readBoolean(), i.readBoolean(), i.readUtf8());
            case GARP_SENT -> new GarpSent(i.readUtf8(), i.readUtf8(), i.readUtf8(), (int) i.readStopBit());
            case CHECK_RESULT -> new CheckResult(i.readUtf8(), i.readUtf8(), i.readBoolean(), i.readStopBit(), i.readUtf8(), intOr(i, 1));
            case CHECK_SUMMARY -> {
                String checker = i.readUtf8(), target = i.readUtf8();
                boolean up = i.readBoolean();
                String detail = i.readUtf8();
                long count = i.readStopBit(), first = i.readLong(), last = first + i.readStopBit();
                yield new CheckSummary(checker, target, up, detail, count, first, last, i.readStopBit(), i.readStopBit(),
                        i.readStopBit(), i.readUtf8());
            }
            case REAL_SERVER_CHANGED -> new RealServerChanged(i.readUtf8(), i.readUtf8(), i.readBoolean(), (int) i.readStopBit(), i.readBoolean());
            case IPVS_CHANGED -> new IpvsChanged(ipvsOp(i), i.readUtf8(), i.readUtf8(), (int) i.readStopBit(), i.readUtf8(), i.readBoolean(), i.readUtf8());
            case NOTIFY_RUN -> new NotifyRun(i.readUtf8(), i.readUtf8(), (int) i.readStopBit(), i.readStopBit(), i.readUtf8());
            case OPERATOR_ACTION -> new OperatorAction(i.readUtf8(), i.readUtf8(), i.readUtf8());
            case SNAPSHOT -> new Snapshot(readView(i));
            case DROPPED -> new Dropped(i.readStopBit());
            case UNKNOWN -> throw new JournalFormatException("tag 0 is reserved");
        };
    }

    /** A trailing field added in a later format: its default when the body ends before it. */
    private static int intOr(Bytes<?> in, int dflt) { return in.readRemaining() > 0 ? (int) in.readStopBit() : dflt; }

    private static VrrpState state(Bytes<?> in) { return enumAt(VrrpState.values(), in.readUnsignedByte(), VrrpState.INIT); }
    private static AnomalyKind anomaly(Bytes<?> in) { return enumAt(AnomalyKind.values(), in.readUnsignedByte(), AnomalyKind.OTHER); }
    private static IpvsOp ipvsOp(Bytes<?> in) {
        int o = in.readUnsignedByte();
        if (o >= IpvsOp.values().length) throw new JournalFormatException("unknown IPVS op " + o);
        return IpvsOp.values()[o];
    }
    private static <E> E enumAt(E[] values, int ordinal, E dflt) { return ordinal < values.length ? values[ordinal] : dflt; }

    // ---- snapshot views -------------------------------------------------------------------------------

    static void writeView(View v, Bytes<?> o) {
        o.writeStopBit(v.seq()); o.writeLong(v.wallNs()); o.writeUtf8(v.configHash());
        o.writeStopBit(v.instances().size());
        for (View.Instance i : v.instances().values()) {
            o.writeUtf8(i.name()); o.writeUnsignedByte(i.state().ordinal()); o.writeStopBit(i.priority());
            o.writeUtf8(i.master()); o.writeStopBit(i.masterPriority()); o.writeStopBit(i.sinceSeq()); o.writeLong(i.sinceWallNs());
        }
        o.writeStopBit(v.vips().size());
        for (View.Vip x : v.vips().values()) {
            o.writeUtf8(x.address()); o.writeUtf8(x.device()); o.writeUtf8(x.instance()); o.writeStopBit(x.sinceSeq());
        }
        o.writeStopBit(v.realServers().size());
        for (View.RealServer r : v.realServers().values()) {
            o.writeUtf8(r.virtualServer()); o.writeUtf8(r.realServer()); o.writeBoolean(r.up());
            o.writeStopBit(r.weight()); o.writeStopBit(r.sinceSeq());
        }
        o.writeStopBit(v.quorum().size());
        v.quorum().forEach((k, q) -> { o.writeUtf8(k); o.writeBoolean(q); });
        o.writeStopBit(v.ipvs().size());
        for (View.IpvsService s : v.ipvs().values()) {
            o.writeUtf8(s.service()); o.writeStopBit(s.sinceSeq()); o.writeStopBit(s.destinations().size());
            for (View.IpvsDest d : s.destinations().values()) {
                o.writeUtf8(d.destination()); o.writeStopBit(d.weight()); o.writeUtf8(d.forwarding()); o.writeStopBit(d.sinceSeq());
            }
        }
        o.writeStopBit(v.checks().size());
        for (View.Check c : v.checks().values()) {
            o.writeUtf8(c.checker()); o.writeUtf8(c.target()); o.writeBoolean(c.up()); o.writeStopBit(c.latencyNs());
            o.writeUtf8(c.detail()); o.writeStopBit(c.attempt()); o.writeStopBit(c.seq()); o.writeLong(c.wallNs());
        }
    }

    static View readView(Bytes<?> i) {
        long seq = i.readStopBit(); long wall = i.readLong(); String cfg = i.readUtf8();
        var inst = new TreeMap<String, View.Instance>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var x = new View.Instance(i.readUtf8(), state(i), (int) i.readStopBit(), i.readUtf8(), (int) i.readStopBit(),
                    i.readStopBit(), i.readLong());
            inst.put(x.name(), x);
        }
        var vips = new TreeMap<String, View.Vip>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var x = new View.Vip(i.readUtf8(), i.readUtf8(), i.readUtf8(), i.readStopBit());
            vips.put(x.address(), x);
        }
        var rs = new TreeMap<String, View.RealServer>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var x = new View.RealServer(i.readUtf8(), i.readUtf8(), i.readBoolean(), (int) i.readStopBit(), i.readStopBit());
            rs.put(x.virtualServer() + "|" + x.realServer(), x);
        }
        var quorum = new TreeMap<String, Boolean>();
        for (long n = i.readStopBit(); n > 0; n--) quorum.put(i.readUtf8(), i.readBoolean());
        var ipvs = new TreeMap<String, View.IpvsService>();
        for (long n = i.readStopBit(); n > 0; n--) {
            String svc = i.readUtf8(); long since = i.readStopBit();
            var dests = new TreeMap<String, View.IpvsDest>();
            for (long m = i.readStopBit(); m > 0; m--) {
                var d = new View.IpvsDest(i.readUtf8(), (int) i.readStopBit(), i.readUtf8(), i.readStopBit());
                dests.put(d.destination(), d);
            }
            ipvs.put(svc, new View.IpvsService(svc, dests, since));
        }
        var checks = new TreeMap<String, View.Check>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var c = new View.Check(i.readUtf8(), i.readUtf8(), i.readBoolean(), i.readStopBit(), i.readUtf8(),
                    (int) i.readStopBit(), i.readStopBit(), i.readLong());
            checks.put(c.checker() + "|" + c.target(), c);
        }
        return new View(seq, wall, cfg, inst, vips, rs, quorum, ipvs, checks);
    }
}
