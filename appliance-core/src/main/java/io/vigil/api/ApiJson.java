package io.vigil.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Views → JSON. Written out by hand: vertx-core has no object mapper, and the field names are API contract.
 * Journal events are not here: they come in their one shape from io.vigil.journal.JournalJson ({@link Views.Event}).
 */
final class ApiJson {
    private ApiJson() {}

    static JsonObject instance(Views.Instance i) {
        var st = i.stats() == null ? Views.VrrpStats.ZERO : i.stats();
        return new JsonObject()
                .put("name", i.name()).put("interface", i.intf()).put("vrid", i.vrid()).put("state", i.state())
                .put("priority", i.priority()).put("effectivePriority", i.effectivePriority())
                .put("maintenance", i.maintenance()).put("vips", new JsonArray(i.vips().stream().map(Object.class::cast).toList()))
                .put("garpDelaySeconds", i.garpDelaySeconds())
                .put("since", time(i.since()))
                .put("stats", new JsonObject()
                        .put("advertRcvd", st.advertRcvd()).put("advertSent", st.advertSent())
                        .put("becomeMaster", st.becomeMaster()).put("releaseMaster", st.releaseMaster())
                        .put("packetLenErr", st.packetLenErr()).put("advertIntervalErr", st.advertIntervalErr())
                        .put("ipTtlErr", st.ipTtlErr()).put("invalidTypeRcvd", st.invalidTypeRcvd())
                        .put("addrListErr", st.addrListErr()).put("invalidAuthType", st.invalidAuthType())
                        .put("authTypeMismatch", st.authTypeMismatch()).put("authFailure", st.authFailure())
                        .put("priZeroRcvd", st.priZeroRcvd()).put("priZeroSent", st.priZeroSent()));
    }

    static JsonObject virtualServer(Views.VirtualServer v) {
        var reals = new JsonArray();
        v.reals().forEach(r -> reals.add(realServer(r)));
        return new JsonObject().put("id", v.id()).put("protocol", v.protocol()).put("address", v.address())
                .put("port", v.port()).put("fwmark", v.fwmark()).put("scheduler", v.scheduler())
                .put("realServers", reals).put("stats", stats(v.stats()))
                .put("quorumUp", v.quorumUp())
                .put("sorryServer", v.sorryServer() == null ? null : new JsonObject().put("address", v.sorryServer().address())
                        .put("port", v.sorryServer().port()).put("active", v.sorryServer().active()));
    }

    static JsonObject realServer(Views.RealServer r) {
        return new JsonObject().put("id", r.id()).put("address", r.address()).put("port", r.port())
                .put("configuredWeight", r.configuredWeight()).put("weight", r.weight())
                .put("healthy", r.healthy()).put("drained", r.drained()).put("stats", stats(r.stats()));
    }

    static Object stats(Views.IpvsStats s) {
        if (s == null) return null;
        return new JsonObject().put("connections", s.connections()).put("inPackets", s.inPackets())
                .put("outPackets", s.outPackets()).put("inBytes", s.inBytes()).put("outBytes", s.outBytes())
                .put("activeConnections", s.activeConnections()).put("inactiveConnections", s.inactiveConnections());
    }

    static JsonObject check(Views.Check c) {
        return new JsonObject().put("id", c.id()).put("type", c.type()).put("virtualServer", c.virtualServer())
                .put("realServer", c.realServer()).put("status", c.status()).put("lastRun", time(c.lastRun()))
                .put("lastLatencySeconds", c.lastLatencySeconds()).put("lastMessage", c.lastMessage())
                .put("failures", c.failures());
    }

    static String time(Instant t) { return t == null ? null : t.toString(); }
}
