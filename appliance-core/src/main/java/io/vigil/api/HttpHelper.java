package io.vigil.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Query parameters and answers shared by the management API and the replay server: a malformed parameter is a
 * {@link BadRequest} (400 with a message that names the parameter and what it expects), never a 500.
 */
final class HttpHelper {
    private HttpHelper() {}

    /** The client's mistake: answered 400. */
    static final class BadRequest extends IllegalArgumentException {
        BadRequest(String message) { super(message); }
    }

    static String param(RoutingContext ctx, String name, String dflt) {
        String v = ctx.queryParams().get(name);
        return v == null ? dflt : v;
    }

    /** ISO-8601 instant ("2026-11-24T01:00:00Z") or epoch milliseconds. */
    static Instant instantParam(RoutingContext ctx, String name, Instant dflt) {
        String v = ctx.queryParams().get(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return v.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(v)) : Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadRequest(name + "=" + v + ": expected an ISO-8601 instant or epoch milliseconds (e.g. 2026-01-31T12:00:00Z)");
        }
    }

    /** As {@link #instantParam}, in wall ns since the epoch. */
    static long timeNsParam(RoutingContext ctx, String name, long dflt) {
        Instant i = instantParam(ctx, name, null);
        if (i == null) return dflt;
        try {
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (ArithmeticException e) {
            throw new BadRequest(name + "=" + ctx.queryParams().get(name) + ": out of range");
        }
    }

    static int intParam(RoutingContext ctx, String name, int dflt) {
        long v = longParam(ctx, name, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new BadRequest(name + " out of range, got '" + v + "'");
        return (int) v;
    }

    static long longParam(RoutingContext ctx, String name, long dflt) {
        String v = ctx.queryParams().get(name);
        return v == null ? dflt : parseLong(v, name);
    }

    static long parseLong(String v, String name) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be an integer, got '" + v + "'");
        }
    }

    /** {@code {"error": message, "status": status}}. */
    static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).put("status", status).encode());
    }

    static void json(RoutingContext ctx, Object body) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    }
}
