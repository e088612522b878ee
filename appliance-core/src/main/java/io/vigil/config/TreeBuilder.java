package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Builds {@link ConfigNode} statements from the lexer's token stream, as it is produced. A statement is the
 * words up to the end of the line, a '{' or a '}'. A '{' opens the block of the statement before it — on the
 * same line or, when it starts a line, the previous statement — so "a {", "a\n{" and "a { b c }" all mean the
 * same.
 */
final class TreeBuilder implements Lexer.Sink {
    private static final String[] NO_ARGS = new String[0];

    private static final class Node {
        final String keyword;
        final SourceLocation where;
        String[] args = NO_ARGS;
        int[] argCols;
        int argc;
        List<Node> children;
        List<ConfigNode> frozenKids; // set when the block closes: only the open path stays in builder form
        SourceLocation blockOpenedAt;

        Node(String keyword, SourceLocation where) { this.keyword = keyword; this.where = where; }

        void arg(String text, int col) {
            if (argc == args.length) {
                args = Arrays.copyOf(args, Math.max(1, argc * 2));
                argCols = argCols == null ? new int[args.length] : Arrays.copyOf(argCols, args.length);
            }
            args[argc] = text;
            argCols[argc++] = col;
        }

        List<Node> kids() {
            if (children == null) children = new ArrayList<>(4);
            return children;
        }

        void freezeChildren(ArgLocations locs) {
            if (children == null || frozenKids != null) return;
            var a = new ConfigNode[children.size()];
            for (int i = 0; i < a.length; i++) a[i] = children.get(i).freeze(locs);
            frozenKids = List.of(a);
            children = null;
        }

        ConfigNode freeze(ArgLocations locs) {
            freezeChildren(locs);
            List<ConfigNode> kids = frozenKids == null ? List.of() : frozenKids;
            List<String> argList = switch (argc) {
                case 0 -> List.of();
                case 1 -> List.of(args[0]);
                case 2 -> List.of(args[0], args[1]);
                default -> List.of(Arrays.copyOf(args, argc));
            };
            ConfigNode n = new ConfigNode(keyword, argList, kids, where);
            if (argc > 0) locs.put(n, argc == argCols.length ? argCols : Arrays.copyOf(argCols, argc));
            return n;
        }
    }

    private final Diagnostics diags;
    private final ArgLocations locs;
    private final List<Node> top = new ArrayList<>();
    private final Deque<Node> open = new ArrayDeque<>();
    private List<Node> level = top;
    private Node current;

    TreeBuilder(Diagnostics diags, ArgLocations locs) {
        this.diags = diags;
        this.locs = locs;
    }

    ArgLocations locations() { return locs; }

    @Override public void word(String text, String file, int line, int col) {
        if (current == null) {
            current = new Node(text, new SourceLocation(file, line, col));
            level.add(current);
        } else {
            current.arg(text, col);
        }
    }

    @Override public void open(SourceLocation where) {
        Node target = current;
        if (target == null && !level.isEmpty() && level.getLast().blockOpenedAt == null) {
            target = level.getLast(); // "keyword\n{" - brace on the next line
        }
        if (target == null || target.blockOpenedAt != null) {
            diags.error(where, "'{' without a keyword before it");
            target = new Node("{", where); // keeps braces balanced; its contents are dropped
        }
        target.blockOpenedAt = where;
        open.push(target);
        level = target.kids();
        current = null;
    }

    @Override public void close(SourceLocation where) {
        current = null;
        if (open.isEmpty()) {
            diags.error(where, "extra '}' with no block open");
        } else {
            open.pop().freezeChildren(locs);
            level = open.isEmpty() ? top : open.peek().kids();
        }
    }

    @Override public void endOfLine() { current = null; }

    /** The statements; reports every block left open (outermost first). */
    List<ConfigNode> finish() {
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
