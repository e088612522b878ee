package io.vigil.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * The model as JSON (for {@code vigil dump-config} and the management API), derived from the record components
 * so it cannot drift from the model: durations are seconds, locations "file:line:col", absent optionals omitted.
 * Raw {@link ConfigNode}s are included only where they are the content (checker blocks, unmodelled blocks).
 */
public final class ModelJson {
    private ModelJson() {}

    public static JsonObject toJson(KeepalivedConfig config) { return (JsonObject) value(config, "config"); }

    public static JsonObject node(ConfigNode n) {
        var o = new JsonObject().put("keyword", n.keyword());
        if (!n.args().isEmpty()) o.put("args", new JsonArray(n.args()));
        if (!n.children().isEmpty()) {
            var kids = new JsonArray();
            n.children().forEach(c -> kids.add(node(c)));
            o.put("children", kids);
        }
        return o.put("where", n.where().toString());
    }

    private static Object value(Object v, String name) {
        return switch (v) {
            case null -> null;
            case Optional<?> o -> o.map(x -> value(x, name)).orElse(null);
            case SourceLocation s -> s.toString();
            case Duration d -> BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros();
            case ConfigNode n -> node(n);
            case Enum<?> e -> e.name();
            case String s -> s;
            case Number n -> n;
            case Boolean b -> b;
            case Collection<?> c -> {
                var a = new JsonArray();
                for (Object x : c) a.add(value(x, name));
                yield a;
            }
            case Record r -> record(r);
            default -> v.toString();
        };
    }

    private static JsonObject record(Record r) {
        var o = new JsonObject();
        if (r instanceof VirtualServerAddress) {
            o.put("type", r.getClass().getSimpleName());
        }
        for (RecordComponent rc : r.getClass().getRecordComponents()) {
            if (rc.getName().equals("node") && !(r instanceof Checker)) continue;
            Object x;
            try {
                x = rc.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("model record " + r.getClass() + " not readable", e);
            }
            Object j = value(x, rc.getName());
            if (j != null) o.put(rc.getName(), j);
        }
        return o;
    }
}
