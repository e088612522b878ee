package io.vigil.node;

import java.util.ArrayList;
import java.util.List;

/**
 * A keepalived script line ({@code notify_master "/etc/keepalived/notify.sh master"}, {@code script "killall -0 nginx"})
 * split into argv the way keepalived does it: words separated by blanks, single/double quotes group, backslash
 * escapes; no shell. keepalived execs argv[0] directly (falling back to /bin/sh for a script without #!), so
 * {@code $VAR} or {@code &&} only work if the operator writes {@code /bin/sh -c "..."} — same here.
 */
public record ScriptCommand(String source, List<String> argv) {

    public ScriptCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) throw new IllegalArgumentException("empty script command");
    }

    public static ScriptCommand parse(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && i + 1 < line.length()) word.append(line.charAt(++i));
                else word.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) { out.add(word.toString()); word.setLength(0); inWord = false; }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unterminated quote in script: " + line);
        if (inWord) out.add(word.toString());
        return new ScriptCommand(line, out);
    }

    /** The command plus extra arguments (the {@code notify} script's TYPE NAME STATE PRIORITY). */
    public ScriptCommand with(String... extra) {
        List<String> a = new ArrayList<>(argv);
        a.addAll(List.of(extra));
        return new ScriptCommand(source, a);
    }

    @Override public String toString() { return String.join(" ", argv); }
}
