package io.vigil.config.source;

import io.vigil.config.Diagnostic;
import io.vigil.config.KeepalivedConfig;
import io.vigil.config.RealServer;
import io.vigil.config.Script;
import io.vigil.config.VirtualServer;
import io.vigil.config.VrrpScript;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * keepalived's load-time check of a tracked script: its program (the first word; searched in PATH when it has no
 * '/') must exist and be executable. keepalived 2.2.7 disables a vrrp_script that fails it: instances tracking it
 * ignore it (they do not go FAULT), and it is never run. This looks at the file system, so it is not part of the
 * loader (whose result depends on the text only): {@code check-config} and {@code run} call {@link #audit}. The
 * checker's notify_up/notify_down/quorum_up/quorum_down that fail it are disabled too, as keepalived does.
 */
public final class ScriptFile {
    private ScriptFile() { }

    /** A warning at the script line of each tracked vrrp_script that cannot run (those keepalived disables). */
    public static List<Diagnostic> audit(KeepalivedConfig c) {
        Set<String> tracked = new HashSet<>();
        c.vrrpInstances().forEach(i -> i.trackScripts().forEach(t -> tracked.add(t.name())));
        c.vrrpSyncGroups().forEach(g -> g.trackScripts().forEach(t -> tracked.add(t.name())));
        List<Diagnostic> out = new ArrayList<>();
        for (VrrpScript s : c.vrrpScripts()) {
            if (!tracked.contains(s.name())) continue;
            problem(s.script().command()).ifPresent(why -> out.add(Diagnostic.warning(s.script().where(), "vrrp_script "
                    + s.name() + ": " + why + "; the script is disabled and instances tracking it ignore it (as keepalived 2.2.7)")));
        }
        // keepalived 2.2.7 (check_check_script_security) disables a checker notify script it cannot run: never run
        for (VirtualServer vs : c.virtualServers()) {
            vs.quorumUp().ifPresent(q -> disabled("quorum_up", q, out));
            vs.quorumDown().ifPresent(q -> disabled("quorum_down", q, out));
            for (RealServer rs : vs.realServers()) {
                rs.notifyUp().ifPresent(n -> disabled("notify_up", n, out));
                rs.notifyDown().ifPresent(n -> disabled("notify_down", n, out));
            }
        }
        return out;
    }

    private static void disabled(String keyword, Script s, List<Diagnostic> out) {
        problem(s.command()).ifPresent(why -> out.add(Diagnostic.warning(s.where(), keyword + ": " + why
                + "; the script is disabled and not run (as keepalived 2.2.7)")));
    }

    /** Why the script cannot run ("not found", "not executable"), or empty when it can. */
    public static Optional<String> problem(String command) {
        String prog = firstWord(command);
        if (prog.isEmpty()) return Optional.empty(); // "has no script line" is reported on its own
        if (prog.contains("/")) return check(Path.of(prog));
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, prog);
            if (Files.exists(p)) return check(p);
        }
        return Optional.of("'" + prog + "' not found in PATH");
    }

    private static Optional<String> check(Path p) {
        if (!Files.exists(p)) return Optional.of("'" + p + "' not found");
        if (Files.isDirectory(p) || !Files.isExecutable(p)) return Optional.of("'" + p + "' is not executable");
        return Optional.empty();
    }

    /** The program word, with the quotes keepalived's argv split would remove. */
    static String firstWord(String command) {
        String s = command.strip();
        if (s.isEmpty()) return "";
        char q = s.charAt(0);
        if (q == '"' || q == '\'') {
            int end = s.indexOf(q, 1);
            return end < 0 ? s.substring(1) : s.substring(1, end);
        }
        int sp = 0;
        while (sp < s.length() && !Character.isWhitespace(s.charAt(sp))) sp++;
        return s.substring(0, sp);
    }
}
