package io.vigil.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The keyword tables as the "Keywords" part of docs/config-compatibility.md: rendered from the tables the builders
 * dispatch through and the loader warns from, so the page cannot drift from the code (CompatibilityDocTest).
 */
final class CompatibilityTable {
    private CompatibilityTable() {}

    /** Every block's table, in the page's order. */
    static List<KeywordTable<?>> tables() {
        return List.of(ModelBuilder.TABLE, GlobalDefsBuilder.table(), VrrpScriptBuilder.TABLE, TrackFileBuilder.TABLE,
                TrackProcessBuilder.TABLE,
                SyncGroupBuilder.TABLE, VrrpInstanceBuilder.TABLE, AuthenticationBuilder.TABLE, VirtualServerBuilder.TABLE,
                RealServerBuilder.TABLE, CheckerBuilder.TABLE, CheckerBuilder.URL);
    }

    static Map<KeywordTable.Status, Integer> counts() {
        var m = new EnumMap<KeywordTable.Status, Integer>(KeywordTable.Status.class);
        for (KeywordTable.Status s : KeywordTable.Status.values()) m.put(s, 0);
        for (KeywordTable<?> t : tables()) for (var e : t.entries()) m.merge(e.status(), 1, Integer::sum);
        return m;
    }

    static String markdown() {
        var sb = new StringBuilder();
        var c = counts();
        int total = c.values().stream().mapToInt(Integer::intValue).sum();
        sb.append(total).append(" rows: ").append(c.get(KeywordTable.Status.ACTED_ON)).append(" acted on, ")
                .append(c.get(KeywordTable.Status.NOT_ACTED_ON)).append(" parsed, not acted on (each warned about), ")
                .append(c.get(KeywordTable.Status.NO_EFFECT)).append(" no effect by design, ")
                .append(c.get(KeywordTable.Status.UNSUPPORTED)).append(" unsupported.\n");
        for (KeywordTable<?> t : tables()) {
            sb.append("\n### ").append(t.title).append("\n\n| keyword | status | model |\n|---|---|---|\n");
            List<KeywordTable.Entry<?>> rows = new ArrayList<>(t.entries());
            rows.sort(Comparator.comparing(KeywordTable.Entry::keyword));
            for (var e : rows) {
                sb.append("| `").append(e.keyword()).append("` | ").append(status(e)).append(" | ").append(model(e.model()))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String status(KeywordTable.Entry<?> e) {
        String note = e.note();
        return switch (e.status()) {
            case ACTED_ON, UNSUPPORTED -> e.status().label + (note.isEmpty() ? "" : " (" + note + ")");
            case NOT_ACTED_ON -> e.status().label + " (warning: " + note + ")";
            case NO_EFFECT -> e.status().label + " (" + note + ")";
        };
    }

    private static String model(String m) {
        if (m.isEmpty()) return "kept in `node`";
        return m.startsWith("(") ? m : "`" + m + "`";
    }
}
