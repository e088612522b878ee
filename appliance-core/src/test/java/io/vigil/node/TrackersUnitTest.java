package io.vigil.node;

import io.vigil.check.api.ScriptCommand;
import io.vigil.check.api.ScriptRunner;
import io.vigil.check.api.ScriptOutcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of track_file / vrrp_track_process / script output, as keepalived 2.2.7 reads them. */
class TrackersUnitTest {

    @Test void trackFileNumbersReadAsStrtolBase0() {
        assertThat(TrackFiles.strtol("3\n")).contains(3L);
        assertThat(TrackFiles.strtol("  -2")).contains(-2L);
        assertThat(TrackFiles.strtol("0x1f")).contains(31L);
        assertThat(TrackFiles.strtol("010")).contains(8L);
        assertThat(TrackFiles.strtol("7 apples")).contains(7L);
        assertThat(TrackFiles.strtol("apples")).contains(0L);
        assertThat(TrackFiles.strtol("")).contains(0L);
        assertThat(TrackFiles.strtol("99999999999")).isEmpty(); // beyond int: ignored, the old value stays
    }

    static ProcessTracker.Spec spec(String process, List<String> params, String match, boolean full) {
        return new ProcessTracker.Spec("p", process, params, match, 1, Integer.MAX_VALUE, Duration.ZERO, Duration.ZERO, full);
    }

    @Test void processMatchingIsExactAsKeepalived() {
        var sshd = new ProcessTracker.Proc("sshd", List.of("/usr/sbin/sshd", "-D"));
        assertThat(ProcessTracker.matches(spec("ssh", null, "", false), sshd)).isFalse(); // not pgrep's substring
        assertThat(ProcessTracker.matches(spec("sshd", null, "", false), sshd)).isTrue();
        assertThat(ProcessTracker.matches(spec("/usr/sbin/sshd", List.of("-D"), "", false), sshd)).isTrue();
        assertThat(ProcessTracker.matches(spec("/usr/sbin/sshd", List.of(), "", false), sshd)).isFalse(); // no params wanted
        assertThat(ProcessTracker.matches(spec("/usr/sbin/sshd", List.of(), "partial", false), sshd)).isTrue();
        var nginx = new ProcessTracker.Proc("nginx", List.of("nginx", "-c", "/etc/nginx/nginx.conf"));
        assertThat(ProcessTracker.matches(spec("nginx", List.of("-c", "/etc/nginx/"), "initial", false), nginx)).isTrue();
        assertThat(ProcessTracker.matches(spec("nginx", List.of("-c", "/etc/nginx/"), "", false), nginx)).isFalse();
        assertThat(ProcessTracker.matches(spec("nginx", null, "", true), nginx)).isTrue(); // full_command: argv[0]
        var longName = new ProcessTracker.Proc("a-very-long-nam", List.of());
        assertThat(ProcessTracker.matches(spec("a-very-long-name-indeed", null, "", false), longName)).isTrue(); // comm: 15 chars
    }

    @Test void quorumIsARange() {
        var s = new ProcessTracker.Spec("p", "x", null, "", 2, 3, Duration.ZERO, Duration.ZERO, false);
        assertThat(ProcessTracker.up(s, 1)).isFalse();
        assertThat(ProcessTracker.up(s, 2)).isTrue();
        assertThat(ProcessTracker.up(s, 3)).isTrue();
        assertThat(ProcessTracker.up(s, 4)).isFalse();
    }

    @Test void scriptOutputIsKeptInTheDetail() {
        ScriptCommand cmd = ScriptCommand.parse("/x/broken.sh");
        var o = new ScriptOutcome(cmd, 2, Duration.ofMillis(3), List.of("/x/broken.sh: line 2: syntax error near unexpected token `then'"), false, null);
        assertThat(VrrpNode.detail(o)).isEqualTo("exit 2: /x/broken.sh: line 2: syntax error near unexpected token `then'");
        assertThat(VrrpNode.detail(new ScriptOutcome(cmd, 0, Duration.ZERO, List.of(), false, null))).isEqualTo("exit 0");
    }

    @Test void scriptStatesCarryOverAReloadWhenUnchanged() {
        var runner = new ScriptRunner(null, false);
        var a = new VrrpScripts.Spec("a", ScriptCommand.parse("/bin/false"), Duration.ofSeconds(1), Duration.ZERO, 1, 1, true);
        var old = new VrrpScripts(List.of(a), runner, (n, up, o) -> { });
        var changed = new VrrpScripts.Spec("a", ScriptCommand.parse("/bin/false"), Duration.ofSeconds(2), Duration.ZERO, 1, 1, false);
        assertThat(new VrrpScripts(List.of(a), runner, (n, up, o) -> { }, old).states()).containsEntry(a, false);
        assertThat(new VrrpScripts(List.of(changed), runner, (n, up, o) -> { }, old).states()).containsEntry(changed, true);
    }

    /** vrrp_script's {@code user USER [GROUP]}: the script really runs as that user and group (runuser), as keepalived. */
    @Test void vrrpScriptRunsAsItsUser() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vigil-script-user");
        try {
            java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            java.nio.file.Path script = dir.resolve("who.sh");
            java.nio.file.Files.writeString(script, "#!/bin/sh\nid -un > " + dir + "/who; id -gn >> " + dir + "/who\n");
            java.nio.file.Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            var asNobody = new VrrpScripts.Spec("who", ScriptCommand.parse(script.toString()), Duration.ofSeconds(60), Duration.ofSeconds(5),
                    1, 1, false, "nobody", "nogroup");
            var scripts = new VrrpScripts(List.of(asNobody), new ScriptRunner(null, false), (n, up, o) -> { });
            scripts.start();
            java.nio.file.Path who = dir.resolve("who");
            for (int i = 0; i < 100 && (!java.nio.file.Files.exists(who) || java.nio.file.Files.readAllLines(who).size() < 2); i++) Thread.sleep(50);
            scripts.close();
            assertThat(java.nio.file.Files.readAllLines(who)).containsExactly("nobody", "nogroup");
        } finally {
            try (var f = java.nio.file.Files.walk(dir)) {
                f.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }

    @Test void vrrpScriptUserIsReadFromTheConfig() {
        var r = io.vigil.config.source.ConfigLoader.loadText("k.conf", "vrrp_script chk {\n script /bin/true\n user nobody nogroup\n}\n",
                java.nio.file.Path.of("."), io.vigil.config.LoadOptions.defaults());
        assertThat(r.diagnostics()).filteredOn(d -> d.where().line() == 3).isEmpty(); // no "user is not acted on"
        var s = r.config().orElseThrow().vrrpScripts().getFirst().script();
        assertThat(s.user()).contains("nobody");
        assertThat(s.group()).contains("nogroup");
    }
}
