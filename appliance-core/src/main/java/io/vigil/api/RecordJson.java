package io.vigil.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;

/** Journal records (events, views) → JSON by their record components, so a new event field shows up untouched. */
final class RecordJson {
    private RecordJson() {}

    static Object of(Object o) {
        return switch (o) {
            case null -> null;
            case String s -> s;
            case Number n -> n;
            case Boolean b -> b;
            case Enum<?> e -> e.name();
            case byte[] b -> HexFormat.of().formatHex(b);
            case Map<?, ?> m -> {
                JsonObject j = new JsonObject();
                m.forEach((k, v) -> j.put(String.valueOf(k), of(v)));
                yield j;
            }
            case Collection<?> c -> {
                JsonArray a = new JsonArray();
                c.forEach(v -> a.add(of(v)));
                yield a;
            }
            case Record r -> {
                JsonObject j = new JsonObject();
                for (RecordComponent rc : r.getClass().getRecordComponents()) {
                    try {
                        j.put(rc.getName(), of(rc.getAccessor().invoke(r)));
                    } catch (ReflectiveOperationException ex) {
                        throw new IllegalStateException("cannot read " + rc, ex);
                    }
                }
                yield j;
            }
            default -> String.valueOf(o);
        };
    }
}
