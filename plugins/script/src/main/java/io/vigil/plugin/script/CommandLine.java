package io.vigil.plugin.script;

import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.ConfigNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A script command as keepalived runs it: split into words (single or double quotes group words), executed
 * directly — not through a shell — optionally as another user.
 */
record CommandLine(List<String> argv, String user, String group) {

    /** {@code misc_path}/{@code script} value: the parser may hand it as one quoted arg or several words. */
    static CommandLine parse(ConfigNode node, ConfigNode block) throws CheckConfigException {
        if (node.args().isEmpty()) throw new CheckConfigException(node.where(), node.keyword() + ": missing command");
        List<String> argv = split(String.join(" ", node.args()));
        if (argv.isEmpty()) throw new CheckConfigException(node.where(), node.keyword() + ": empty command");
        String user = null;
        String group = null;
        var u = block.child("user");
        if (u.isPresent()) {
            if (u.get().args().isEmpty()) throw new CheckConfigException(u.get().where(), "user: missing user name");
            user = u.get().args().get(0);
            group = u.get().args().size() > 1 ? u.get().args().get(1) : null;
        }
        return new CommandLine(List.copyOf(argv), user, group);
    }

    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0; else cur.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) { out.add(cur.toString()); cur.setLength(0); inWord = false; }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) out.add(cur.toString());
        return out;
    }

    /** The argv to execute: wrapped in runuser (util-linux) when a {@code user} is configured. */
    List<String> command() {
        if (user == null) return argv;
        List<String> c = new ArrayList<>(List.of("runuser", "-u", user));
        if (group != null) c.addAll(List.of("-g", group));
        c.add("--");
        c.addAll(argv);
        return c;
    }

    @Override public String toString() { return String.join(" ", argv) + (user != null ? " (as " + user + ")" : ""); }
}
