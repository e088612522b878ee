package io.vigil.check.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds {@link ConfigNode} trees in code, for plugin unit tests and programmatic configuration:
 * {@code block("HTTP_GET", block("url", leaf("path", "/"), leaf("status_code", "200")))}.
 */
public final class ConfigNodes {
    private ConfigNodes() {}

    /** A statement without a block: {@code keyword args...}. */
    public static ConfigNode leaf(String keyword, String... args) {
        return new ConfigNode(keyword, Arrays.asList(args), List.of(), SourceLocation.NONE);
    }

    /** A block statement without arguments: {@code keyword { children }}. */
    public static ConfigNode block(String keyword, ConfigNode... children) {
        return new ConfigNode(keyword, List.of(), Arrays.asList(children), SourceLocation.NONE);
    }

    /** A block statement with arguments: {@code keyword args { children }}. */
    public static ConfigNode block(String keyword, List<String> args, ConfigNode... children) {
        return new ConfigNode(keyword, args, Arrays.asList(children), SourceLocation.NONE);
    }

    /** {@code node} with {@code extra} appended to its children. */
    public static ConfigNode with(ConfigNode node, ConfigNode... extra) {
        List<ConfigNode> c = new ArrayList<>(node.children());
        c.addAll(Arrays.asList(extra));
        return new ConfigNode(node.keyword(), node.args(), c, node.where());
    }
}
