package io.vigil.check.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A keepalived script line ({@code notify_master "/etc/keepalived/notify.sh master"}, {@code script "killall -0 nginx"},
 * {@code misc_path "/usr/local/bin/check.sh 10.0.0.13"}) split into argv the way keepalived splits it (its parser's
 * {@code alloc_strvec_quoted_escaped}): words separated by blanks; single or double quotes group, and may start and
 * end inside a word; a backslash escapes the next character inside or outside quotes, with C's escapes
 * ({@code \n \t \a \b \f \r \v \E}, {@code \xHH}, {@code \cX}, octal {@code \NNN}). No shell: keepalived execs
 * argv[0] directly (falling back to /bin/sh for a script without #!), so {@code $VAR} or {@code &&} only work if the
 * operator writes {@code /bin/sh -c "..."} — same here. Pure: one parser for every script Vigil runs.
 */
public record ScriptCommand(String source, List<String> argv) {

    public ScriptCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) throw new IllegalArgumentException("empty script command");
    }

    /** @throws IllegalArgumentException on an unterminated quote or an empty command */
    public static ScriptCommand parse(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                i = escape(line, i + 1, word);
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) quote = 0; else word.append(c);
                i++;
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b) {
                if (inWord) { out.add(word.toString()); word.setLength(0); inWord = false; }
                i++;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unterminated quote in script: " + line);
        if (inWord) out.add(word.toString());
        return new ScriptCommand(line, out);
    }

    /** Appends the character escaped at {@code i} (just after the backslash); returns the index after the escape. */
    private static int escape(String s, int i, StringBuilder word) {
        char c = s.charAt(i);
        if (c == 'x') {
            int v = 0, j = i + 1;
            while (j < s.length() && Character.digit(s.charAt(j), 16) >= 0) v = (v << 4 | Character.digit(s.charAt(j++), 16)) & 0xff;
            word.append((char) v);
            return j;
        }
        if (c == 'c' && i + 1 < s.length()) {
            word.append((char) (s.charAt(i + 1) & 0x1f));
            return i + 2;
        }
        if (c >= '0' && c <= '7') {
            int v = 0, j = i;
            while (j < s.length() && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') v = v << 3 | (s.charAt(j++) - '0');
            word.append((char) (v & 0xff));
            return j;
        }
        word.append(switch (c) {
            case 'a' -> '\u0007';
            case 'b' -> '\b';
            case 'E' -> '\u001b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'v' -> '\u000b';
            default -> c; // \\ \" \' \  and any other character stand for themselves
        });
        return i + 1;
    }

    /** The command plus extra arguments (the {@code notify} script's TYPE NAME STATE PRIORITY). */
    public ScriptCommand with(String... extra) {
        List<String> a = new ArrayList<>(argv);
        a.addAll(List.of(extra));
        return new ScriptCommand(source, a);
    }

    @Override public String toString() { return String.join(" ", argv); }
}
