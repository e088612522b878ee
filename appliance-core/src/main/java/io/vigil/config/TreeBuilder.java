package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Builds {@link ConfigNode} statements from tokens. A statement is the words up to the end of the line, a '{' or
 * a '}'. A '{' opens the block of the statement before it — on the same line or, when it starts a line, the
 * previous statement — so "a {", "a\n{" and "a { b c }" all mean the same.
 */
final class TreeBuilder {
    private static final class Node {
        final String keyword;
        final SourceLocation where;
        final List<String> args = new ArrayList<>(4);
        final List<SourceLocation> argWhere = new ArrayList<>(4);
        final List<Node> children = new ArrayList<>(0);
        SourceLocation blockOpenedAt;

        Node(String keyword, SourceLocation where) { this.keyword = keyword; this.where = where; }

        ConfigNode freeze(ArgLocations locs) {
            var kids = new ArrayList<ConfigNode>(children.size());
            for (Node c : children) kids.add(c.freeze(locs));
            ConfigNode n = new ConfigNode(keyword, args, kids, where);
            locs.put(n, List.copyOf(argWhere));
            return n;
        }
    }

    private TreeBuilder() {}

    static List<ConfigNode> build(List<Token> tokens, Diagnostics diags) { return build(tokens, diags, new ArgLocations()); }

    static List<ConfigNode> build(List<Token> tokens, Diagnostics diags, ArgLocations locs) {
        var top = new ArrayList<Node>();
        Deque<Node> open = new ArrayDeque<>();
        List<Node> level = top;
        Node current = null;
        for (Token t : tokens) {
            switch (t.kind()) {
                case WORD -> {
                    if (current == null) {
                        current = new Node(t.text(), t.where());
                        level.add(current);
                    } else {
                        current.args.add(t.text());
                        current.argWhere.add(t.where());
                    }
                }
                case OPEN -> {
                    Node target = current;
                    if (target == null && !level.isEmpty() && level.getLast().blockOpenedAt == null) {
                        target = level.getLast(); // "keyword\n{" - brace on the next line
                    }
                    if (target == null || target.blockOpenedAt != null) {
                        diags.error(t.where(), "'{' without a keyword before it");
                        target = new Node("{", t.where()); // keeps braces balanced; its contents are dropped
                    }
                    target.blockOpenedAt = t.where();
                    open.push(target);
                    level = target.children;
                    current = null;
                }
                case CLOSE -> {
                    current = null;
                    if (open.isEmpty()) {
                        diags.error(t.where(), "extra '}' with no block open");
                    } else {
                        open.pop();
                        level = open.isEmpty() ? top : open.peek().children;
                    }
                }
                case EOL -> current = null;
            }
        }
        // report every block left open, innermost last so the first error names the outermost
        var unclosed = new ArrayList<>(open);
        for (int i = unclosed.size() - 1; i >= 0; i--) {
            Node n = unclosed.get(i);
            diags.error(n.blockOpenedAt, "'{' of '" + n.keyword + "' (line " + n.where.line()
                    + ") is never closed: missing '}'");
        }
        var out = new ArrayList<ConfigNode>(top.size());
        for (Node n : top) out.add(n.freeze(locs));
        return out;
    }
}
