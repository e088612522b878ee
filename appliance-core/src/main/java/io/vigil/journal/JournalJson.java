package io.vigil.journal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one JSON shape of a journal entry. The management API (events, event stream, export download), the replay
 * server, {@code vigil journal export/import} and incident bundles all write it with {@link #toJson}; the fields
 * (docs/journal.md, docs/api.md):
 * <pre>
 * node, seq, time (UTC, µs), wallNs, monoNs,
 * type       the wire name (vrrp-transition, ...; {@link EventType#cliName})
 * summary    the event in words, as {@code vigil journal show} prints it
 * cause      the cause in words ("#41", "timer master_down", ...), causeSeq its seq when it is an earlier event
 * causeData  the cause's fields, {@code kind} naming its type (see {@link #causeJson})
 * data       the event record's fields, named as in the record
 * hash, index  when stored; format  the entry's journal format
 * </pre>
 * Exports written before this shape named {@code data} {@code event} and carried the cause's fields as
 * {@code cause}; {@link #fromJson} reads both forms.
 */
public final class JournalJson {
    private JournalJson() {}

    /** Exports before format 3 named the format only when it was not the current one (2). */
    static final int FORMAT_WHEN_ABSENT = 2;

    public static JsonObject toJson(Entry e) {
        JsonObject o = new JsonObject()
                .put("node", e.node()).put("seq", e.seq())
                .put("time", EntryFormat.time(e.wallNs())).put("wallNs", e.wallNs()).put("monoNs", e.monoNs())
                .put("type", e.type().cliName())
                .put("summary", EntryFormat.summary(e.event()))
                .put("cause", e.cause().describe());
        if (e.cause() instanceof Cause.Event c) o.put("causeSeq", c.seq());
        o.put("causeData", causeJson(e.cause()))
                .put("data", (JsonObject) value(e.event()));
        if (e.hash().length > 0) o.put("hash", e.hashHex());
        if (e.index() >= 0) o.put("index", e.index());
        o.put("format", e.format());
        return o;
    }

    /**
     * The one JSON shape of a {@link View}: the management API's {@code /state}, the replay server's state and
     * {@code vigil journal state --json} all write it; fields named as in the records (docs/api.md).
     */
    public static JsonObject state(View v) { return (JsonObject) value(v); }

    /** Marks an instance of a {@link #state} as past its node's last evidence: UNKNOWN, with what its journal said last. */
    public static void unknown(JsonObject instance) {
        instance.put("lastKnownState", instance.getString("state")).put("state", "UNKNOWN");
    }

    /** {@code kind} names the cause type; a VRRP cause's own kind (advert, master_down, ...) is {@code vrrpKind}. */
    public static JsonObject causeJson(Cause c) {
        JsonObject o = (JsonObject) value(c);
        if (c instanceof Cause.Vrrp v) o.put("vrrpKind", v.kind());
        return o.put("kind", causeKind(c));
    }

    public static String causeKind(Cause c) {
        return switch (c) {
            case Cause.Event x -> "event";
            case Cause.Packet x -> "packet";
            case Cause.Timer x -> "timer";
            case Cause.Signal x -> "signal";
            case Cause.Operator x -> "operator";
            case Cause.ConfigReload x -> "config-reload";
            case Cause.Vrrp x -> "vrrp";
            case Cause.None x -> "none";
        };
    }

    /**
     * Parses an exported entry with its exporter's hash (checked by {@link io.vigil.journal.store.JournalImport}); the index is not taken
     * over. Field order does not matter. {@code time} is only a readable copy of {@code wallNs}: when both are
     * present they must agree; {@code summary}, {@code cause} (in words) and {@code causeSeq} are derived and ignored.
     */
    public static Entry fromJson(JsonObject o) {
        EventType type = EventType.parse(o.getString("type"));
        if (type == EventType.UNKNOWN) throw new IllegalArgumentException("cannot import an entry of unknown type");
        // the shape before causeData/data: the cause's fields under "cause", the event's under "event"
        Event ev = (Event) parse(type.type(), o.containsKey("data") ? o.getJsonObject("data") : o.getJsonObject("event"));
        JsonObject c = o.getValue("causeData") instanceof JsonObject cd ? cd
                : o.getValue("cause") instanceof JsonObject old ? old : new JsonObject().put("kind", "none");
        Class<? extends Cause> ct = switch (c.getString("kind", "none")) {
            case "event" -> Cause.Event.class;
            case "packet" -> Cause.Packet.class;
            case "timer" -> Cause.Timer.class;
            case "signal" -> Cause.Signal.class;
            case "operator" -> Cause.Operator.class;
            case "config-reload" -> Cause.ConfigReload.class;
            case "vrrp" -> Cause.Vrrp.class;
            case "none" -> Cause.None.class;
            default -> throw new IllegalArgumentException("unknown cause kind " + c.getString("kind"));
        };
        if (ct == Cause.Vrrp.class) c = c.copy().put("kind", c.getString("vrrpKind", ""));
        Long wall = o.getLong("wallNs");
        String time = o.getString("time");
        if (wall == null) {
            Instant t = Instant.parse(time);
            wall = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        } else if (time != null && !time.equals(EntryFormat.time(wall))) {
            throw new IllegalArgumentException("time " + time + " does not match wallNs " + wall + " (" + EntryFormat.time(wall) + ")");
        }
        String hash = o.getString("hash");
        byte[] h = hash == null ? null : HexFormat.of().parseHex(hash);
        return new Entry(o.getString("node"), o.getLong("seq"), wall, o.getLong("monoNs", 0L), (Cause) parse(ct, c), ev,
                h, -1, o.getInteger("format", FORMAT_WHEN_ABSENT));
    }

    // ---- generic record <-> JSON --------------------------------------------------------------------

    /** Any journal value (event, cause, {@link View}, ...) as a Vert.x JSON value, fields named as in the records. */
    public static Object value(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Number n -> n;
            case Boolean b -> b;
            case Enum<?> en -> en.name();
            case byte[] bytes -> Base64.getEncoder().encodeToString(bytes);
            case Map<?, ?> m -> {
                JsonObject o = new JsonObject();
                m.forEach((k, x) -> o.put(String.valueOf(k), value(x)));
                yield o;
            }
            case Record r -> {
                JsonObject o = new JsonObject();
                for (RecordComponent rc : r.getClass().getRecordComponents()) {
                    try {
                        o.put(rc.getName(), value(rc.getAccessor().invoke(r)));
                    } catch (ReflectiveOperationException ex) {
                        throw new IllegalStateException(ex);
                    }
                }
                yield o;
            }
            default -> String.valueOf(v);
        };
    }

    private static Object parse(Type t, Object json) {
        Class<?> c = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
        if (c == String.class) return json == null ? "" : json.toString();
        if (c == int.class) return json == null ? 0 : ((Number) json).intValue();
        if (c == long.class) return json == null ? 0L : ((Number) json).longValue();
        if (c == boolean.class || c == Boolean.class) return json != null && (Boolean) json;
        if (c == byte[].class) return json == null ? new byte[0] : Base64.getDecoder().decode(json.toString());
        if (c.isEnum()) return enumValue(c, json.toString());
        if (Map.class.isAssignableFrom(c)) {
            Type vt = ((ParameterizedType) t).getActualTypeArguments()[1];
            TreeMap<String, Object> m = new TreeMap<>();
            JsonObject o = json instanceof JsonObject jo ? jo : new JsonObject();
            for (String k : o.fieldNames()) m.put(k, parse(vt, o.getValue(k)));
            return m;
        }
        if (c.isRecord()) {
            JsonObject o = json instanceof JsonObject jo ? jo : new JsonObject();
            RecordComponent[] rcs = c.getRecordComponents();
            Object[] args = new Object[rcs.length];
            Class<?>[] types = new Class<?>[rcs.length];
            for (int i = 0; i < rcs.length; i++) {
                types[i] = rcs[i].getType();
                args[i] = parse(rcs[i].getGenericType(), o.getValue(rcs[i].getName()));
            }
            try {
                Constructor<?> k = c.getDeclaredConstructor(types);
                return k.newInstance(args);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalArgumentException("cannot build " + c.getSimpleName() + ": " + ex);
            }
        }
        if (json instanceof JsonArray) throw new IllegalArgumentException("unexpected array for " + c);
        throw new IllegalArgumentException("unsupported field type " + c);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> c, String name) { return Enum.valueOf((Class) c, name); }

    static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
}
