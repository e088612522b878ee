package io.vigil.journal;

import io.vigil.journal.Event.Snapshot;
import io.vigil.journal.Event.VrrpState;
import io.vigil.journal.View.*;
import net.openhft.chronicle.bytes.Bytes;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The body of a {@link Snapshot}: a {@link View}. From format 3 the view and each record in it (instance, VIP, real
 * server, quorum, IPVS service and destination, check) is length-prefixed ({@link Fields#nested}), so fields can
 * be appended to any of them without a format change. Format 1 and 2 snapshots were written without prefixes and
 * are read (and re-encoded by import) by the frozen {@link #readLegacy} and {@link #writeLegacy}.
 */
final class ViewCodec {
    private ViewCodec() {}

    /** The first format whose snapshots are length-prefixed. */
    static final int NESTED_FORMAT = 3;

    /** The snapshot body field: the view, in the layout of the format being written or read. */
    static View field(Fields f, Snapshot s) {
        if (f.format() < NESTED_FORMAT) return switch (f) {
            case Fields.Reader r -> readLegacy(r.bytes());
            case Fields.Writer w -> { writeLegacy(s.view(), w.bytes()); yield s.view(); } // import re-encodes old entries
        };
        return f.nested(s, Snapshot::view, VIEW);
    }

    static final Fields.Codec<Instance> INSTANCE = (f, x) -> new Instance(f.str(x, Instance::name),
            f.enumOf(x, Instance::state, VrrpState.values(), VrrpState.INIT), f.varInt(x, Instance::priority),
            f.str(x, Instance::master), f.varInt(x, Instance::masterPriority), f.varLong(x, Instance::sinceSeq),
            f.fixedLong(x, Instance::sinceWallNs));

    static final Fields.Codec<Vip> VIP = (f, x) -> new Vip(f.str(x, Vip::address), f.str(x, Vip::device),
            f.str(x, Vip::instance), f.varLong(x, Vip::sinceSeq));

    static final Fields.Codec<RealServer> REAL_SERVER = (f, x) -> new RealServer(f.str(x, RealServer::virtualServer),
            f.str(x, RealServer::realServer), f.bool(x, RealServer::up), f.varInt(x, RealServer::weight),
            f.varLong(x, RealServer::sinceSeq));

    static final Fields.Codec<Map.Entry<String, Boolean>> QUORUM = (f, x) -> Map.entry(f.str(x, Map.Entry::getKey),
            f.bool(x, Map.Entry::getValue));

    static final Fields.Codec<IpvsDest> IPVS_DEST = (f, x) -> new IpvsDest(f.str(x, IpvsDest::destination),
            f.varInt(x, IpvsDest::weight), f.str(x, IpvsDest::forwarding), f.varLong(x, IpvsDest::sinceSeq));

    static final Fields.Codec<IpvsService> IPVS_SERVICE = (f, x) -> new IpvsService(f.str(x, IpvsService::service),
            byKey(f.list(x, s -> s.destinations().values(), IPVS_DEST), IpvsDest::destination), f.varLong(x, IpvsService::sinceSeq));

    static final Fields.Codec<Check> CHECK = (f, x) -> new Check(f.str(x, Check::checker), f.str(x, Check::target),
            f.bool(x, Check::up), f.varLong(x, Check::latencyNs), f.str(x, Check::detail), f.varInt(x, Check::attempt, 1),
            f.varLong(x, Check::seq), f.fixedLong(x, Check::wallNs));

    static final Fields.Codec<View> VIEW = (f, v) -> new View(f.varLong(v, View::seq), f.fixedLong(v, View::wallNs),
            f.str(v, View::configHash),
            byKey(f.list(v, x -> x.instances().values(), INSTANCE), Instance::name),
            byKey(f.list(v, x -> x.vips().values(), VIP), Vip::address),
            byKey(f.list(v, x -> x.realServers().values(), REAL_SERVER), r -> r.virtualServer() + "|" + r.realServer()),
            quorum(f.list(v, x -> x.quorum().entrySet(), QUORUM)),
            byKey(f.list(v, x -> x.ipvs().values(), IPVS_SERVICE), IpvsService::service),
            byKey(f.list(v, x -> x.checks().values(), CHECK), c -> c.checker() + "|" + c.target()));

    /** The maps' keys are derived from their values, as {@link Projection} keys them. */
    private static <V> TreeMap<String, V> byKey(List<V> values, Function<V, String> key) {
        TreeMap<String, V> m = new TreeMap<>();
        for (V v : values) m.put(key.apply(v), v);
        return m;
    }

    private static TreeMap<String, Boolean> quorum(List<Map.Entry<String, Boolean>> entries) {
        TreeMap<String, Boolean> m = new TreeMap<>();
        for (var e : entries) m.put(e.getKey(), e.getValue());
        return m;
    }

    // ---- formats 1 and 2 (frozen: do not change) -------------------------------------------------------

    private static void writeLegacy(View v, Bytes<?> o) {
        o.writeStopBit(v.seq()); o.writeLong(v.wallNs()); o.writeUtf8(v.configHash());
        o.writeStopBit(v.instances().size());
        for (Instance i : v.instances().values()) {
            o.writeUtf8(i.name()); o.writeUnsignedByte(i.state().ordinal()); o.writeStopBit(i.priority());
            o.writeUtf8(i.master()); o.writeStopBit(i.masterPriority()); o.writeStopBit(i.sinceSeq()); o.writeLong(i.sinceWallNs());
        }
        o.writeStopBit(v.vips().size());
        for (Vip x : v.vips().values()) {
            o.writeUtf8(x.address()); o.writeUtf8(x.device()); o.writeUtf8(x.instance()); o.writeStopBit(x.sinceSeq());
        }
        o.writeStopBit(v.realServers().size());
        for (RealServer r : v.realServers().values()) {
            o.writeUtf8(r.virtualServer()); o.writeUtf8(r.realServer()); o.writeBoolean(r.up());
            o.writeStopBit(r.weight()); o.writeStopBit(r.sinceSeq());
        }
        o.writeStopBit(v.quorum().size());
        v.quorum().forEach((k, q) -> { o.writeUtf8(k); o.writeBoolean(q); });
        o.writeStopBit(v.ipvs().size());
        for (IpvsService s : v.ipvs().values()) {
            o.writeUtf8(s.service()); o.writeStopBit(s.sinceSeq()); o.writeStopBit(s.destinations().size());
            for (IpvsDest d : s.destinations().values()) {
                o.writeUtf8(d.destination()); o.writeStopBit(d.weight()); o.writeUtf8(d.forwarding()); o.writeStopBit(d.sinceSeq());
            }
        }
        o.writeStopBit(v.checks().size());
        for (Check c : v.checks().values()) {
            o.writeUtf8(c.checker()); o.writeUtf8(c.target()); o.writeBoolean(c.up()); o.writeStopBit(c.latencyNs());
            o.writeUtf8(c.detail()); o.writeStopBit(c.attempt()); o.writeStopBit(c.seq()); o.writeLong(c.wallNs());
        }
    }

    private static View readLegacy(Bytes<?> i) {
        long seq = i.readStopBit(); long wall = i.readLong(); String cfg = i.readUtf8();
        var inst = new TreeMap<String, View.Instance>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var x = new Instance(i.readUtf8(), state(i), (int) i.readStopBit(), i.readUtf8(), (int) i.readStopBit(),
                    i.readStopBit(), i.readLong());
            inst.put(x.name(), x);
        }
        var vips = new TreeMap<String, View.Vip>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var x = new Vip(i.readUtf8(), i.readUtf8(), i.readUtf8(), i.readStopBit());
            vips.put(x.address(), x);
        }
        var rs = new TreeMap<String, View.RealServer>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var x = new RealServer(i.readUtf8(), i.readUtf8(), i.readBoolean(), (int) i.readStopBit(), i.readStopBit());
            rs.put(x.virtualServer() + "|" + x.realServer(), x);
        }
        var quorum = new TreeMap<String, Boolean>();
        for (long n = i.readStopBit(); n > 0; n--) quorum.put(i.readUtf8(), i.readBoolean());
        var ipvs = new TreeMap<String, View.IpvsService>();
        for (long n = i.readStopBit(); n > 0; n--) {
            String svc = i.readUtf8(); long since = i.readStopBit();
            var dests = new TreeMap<String, View.IpvsDest>();
            for (long m = i.readStopBit(); m > 0; m--) {
                var d = new IpvsDest(i.readUtf8(), (int) i.readStopBit(), i.readUtf8(), i.readStopBit());
                dests.put(d.destination(), d);
            }
            ipvs.put(svc, new IpvsService(svc, dests, since));
        }
        var checks = new TreeMap<String, View.Check>();
        for (long n = i.readStopBit(); n > 0; n--) {
            var c = new Check(i.readUtf8(), i.readUtf8(), i.readBoolean(), i.readStopBit(), i.readUtf8(),
                    (int) i.readStopBit(), i.readStopBit(), i.readLong());
            checks.put(c.checker() + "|" + c.target(), c);
        }
        return new View(seq, wall, cfg, inst, vips, rs, quorum, ipvs, checks);
    }

    private static VrrpState state(Bytes<?> in) {
        int o = in.readUnsignedByte();
        return o < VrrpState.values().length ? VrrpState.values()[o] : VrrpState.INIT;
    }
}
