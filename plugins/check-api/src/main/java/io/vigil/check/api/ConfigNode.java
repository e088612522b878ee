package io.vigil.check.api;

import java.util.List;
import java.util.Optional;

/**
 * One keepalived.conf statement after lexing, include expansion and parameter substitution:
 * {@code keyword arg1 arg2 { children }}. The parser builds its typed model from these trees and hands
 * checker blocks (HTTP_GET, MYSQL_CHECK, any block a plugin claims) to plugins as they are, so a third
 * party can add a checker keyword without touching Vigil's parser.
 */
public record ConfigNode(String keyword, List<String> args, List<ConfigNode> children, SourceLocation where) {
    public ConfigNode {
        args = List.copyOf(args);
        children = List.copyOf(children);
    }

    /** First child statement with this keyword (case-sensitive, as keepalived is). */
    public Optional<ConfigNode> child(String key) {
        return children.stream().filter(c -> c.keyword.equals(key)).findFirst();
    }

    /** All child statements with this keyword, in file order. */
    public List<ConfigNode> childrenNamed(String key) {
        return children.stream().filter(c -> c.keyword.equals(key)).toList();
    }

    /** The first argument of the first child named {@code key}, if any. */
    public Optional<String> value(String key) {
        return child(key).filter(c -> !c.args.isEmpty()).map(c -> c.args.getFirst());
    }

    public boolean hasBlock() { return !children.isEmpty(); }
}
