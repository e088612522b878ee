package io.vigil.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a reader without the API token does not see: notify command lines (operators pass credentials as arguments)
 * and the output lines of scripts (MISC_CHECK, vrrp_script), in events, the event stream, the journal export,
 * {@code /state} and {@code /checks}. Everything else stays readable.
 */
final class Redaction {
    static final String HIDDEN = "[redacted: needs the API token]";

    private Redaction() {}

    /** Redacts in place and returns {@code json}. */
    static <T> T apply(T json) {
        hide(json);
        return json;
    }

    /** True if something in {@code json} was hidden. */
    private static boolean hide(Object json) {
        boolean hid = false;
        if (json instanceof JsonObject o) {
            if (o.containsKey("trigger") && o.containsKey("script")) { // NotifyRun: the command line and what it printed
                o.put("script", HIDDEN);
                if (o.containsKey("output")) o.put("output", HIDDEN);
                hid = true;
            }
            if (isScript(o.getValue("checker")) && o.containsKey("detail")) { o.put("detail", HIDDEN); hid = true; }
            if (isScript(o.getValue("type")) && o.containsKey("lastMessage")) { o.put("lastMessage", HIDDEN); hid = true; }
            for (String k : o.fieldNames()) hid |= hide(o.getValue(k));
            // a journal entry's summary quotes its data: what the data hides, the summary must not show
            if (hid && o.containsKey("summary")) o.put("summary", HIDDEN);
        } else if (json instanceof JsonArray a) {
            for (Object v : a) hid |= hide(v);
        }
        return hid;
    }

    private static boolean isScript(Object name) {
        return name instanceof String s && (s.startsWith("MISC_CHECK") || s.startsWith("track_script") || s.startsWith("vrrp_script"));
    }
}
