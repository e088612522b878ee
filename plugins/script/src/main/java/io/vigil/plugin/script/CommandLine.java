package io.vigil.plugin.script;

import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;

/**
 * A checker's script as keepalived runs it: split by the host's one parser ({@link ScriptCommand}), executed
 * directly — not through a shell — by the host's one runner, optionally as another user.
 */
record CommandLine(ScriptCommand command, String user, String group) {

    /** {@code misc_path}/{@code script} value: the parser may hand it as one quoted arg or several words. */
    static CommandLine parse(ConfigNode node, ConfigNode block) throws CheckConfigException {
        if (node.args().isEmpty()) throw new CheckConfigException(node.where(), node.keyword() + ": missing command");
        ScriptCommand cmd;
        try {
            cmd = ScriptCommand.parse(String.join(" ", node.args()));
        } catch (IllegalArgumentException e) {
            throw new CheckConfigException(node.where(), node.keyword() + ": " + e.getMessage());
        }
        String user = null;
        String group = null;
        var u = block.child("user");
        if (u.isPresent()) {
            if (u.get().args().isEmpty()) throw new CheckConfigException(u.get().where(), "user: missing user name");
            user = u.get().args().get(0);
            group = u.get().args().size() > 1 ? u.get().args().get(1) : null;
        }
        return new CommandLine(cmd, user, group);
    }

    /** The host's runner for this command's user; keepalived's enable_script_security is the host's to apply. */
    ScriptRunner runner() { return new ScriptRunner(user, group, false); }

    @Override public String toString() { return command + (user != null ? " (as " + user + ")" : ""); }
}
