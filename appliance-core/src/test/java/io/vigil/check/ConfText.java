package io.vigil.check;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only reader for small keepalived.conf fragments (words, "quoted strings", { } blocks, ! and #
 * comments) into ConfigNode trees, so scheduler tests can be written as the operator would write them.
 * The real parser lives in io.vigil.config.
 */
public final class ConfText {
    private final List<String> toks = new ArrayList<>();
    private final List<int[]> pos = new ArrayList<>();
    private int i;

    public static List<ConfigNode> parse(String text) {
        ConfText t = new ConfText();
        t.lex(text);
        return t.statements();
    }

    private void lex(String s) {
        int line = 1;
        int col = 1;
        for (int k = 0; k < s.length(); ) {
            char c = s.charAt(k);
            if (c == '\n') { line++; col = 1; k++; toks.add("\n"); pos.add(new int[]{line, col}); continue; }
            if (Character.isWhitespace(c)) { k++; col++; continue; }
            if (c == '!' || c == '#') { while (k < s.length() && s.charAt(k) != '\n') k++; continue; }
            int start = k;
            String tok;
            if (c == '{' || c == '}') { tok = String.valueOf(c); k++; }
            else if (c == '"') {
                int end = s.indexOf('"', k + 1);
                tok = s.substring(k + 1, end);
                k = end + 1;
            } else {
                while (k < s.length() && !Character.isWhitespace(s.charAt(k)) && "{}".indexOf(s.charAt(k)) < 0) k++;
                tok = s.substring(start, k);
            }
            toks.add(tok);
            pos.add(new int[]{line, col});
            col += k - start;
        }
    }

    private List<ConfigNode> statements() {
        List<ConfigNode> out = new ArrayList<>();
        while (i < toks.size()) {
            String t = toks.get(i);
            if (t.equals("\n")) { i++; continue; }
            if (t.equals("}")) { i++; return out; }
            int[] p = pos.get(i++);
            List<String> args = new ArrayList<>();
            List<ConfigNode> children = List.of();
            while (i < toks.size() && !toks.get(i).equals("\n") && !toks.get(i).equals("}")) {
                if (toks.get(i).equals("{")) { i++; children = statements(); break; }
                args.add(toks.get(i++));
            }
            out.add(new ConfigNode(t, args, children, new SourceLocation("test.conf", p[0], p[1])));
        }
        return out;
    }
}
