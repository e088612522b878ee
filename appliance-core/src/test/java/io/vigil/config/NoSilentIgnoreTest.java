package io.vigil.config;

import io.vigil.config.source.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every row of every keyword table, written in its block: a keyword Vigil does not act on is reported at its own
 * line ("... not acted on ..."); a keyword Vigil acts on, or that has no effect by design, is not.
 */
class NoSilentIgnoreTest {
    /** The block each table's keywords are written in; "@" is replaced by the statement under test. */
    static final Map<String, String> CONTEXT = Map.ofEntries(
            Map.entry("top level", "@\n"),
            Map.entry("global_defs", "global_defs {\n@\n}\n"),
            Map.entry("vrrp_script", "vrrp_script s {\n script /bin/true\n@\n}\n"),
            Map.entry("track_file / vrrp_track_file", "track_file f {\n@\n}\n"),
            Map.entry("vrrp_track_process", "vrrp_track_process p {\n@\n}\n"),
            Map.entry("vrrp_sync_group", instance("A", 1) + instance("B", 2) + "vrrp_sync_group G {\n group {\n  A B\n }\n@\n}\n"),
            Map.entry("vrrp_instance", "vrrp_instance VI_1 {\n virtual_router_id 1\n@\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n"),
            Map.entry("vrrp_instance › authentication", "vrrp_instance VI_1 {\n virtual_router_id 1\n authentication {\n@\n }\n"
                    + " virtual_ipaddress {\n  192.0.2.1\n }\n}\n"),
            Map.entry("virtual_server", "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n@\n}\n"),
            Map.entry("real_server", "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n real_server 198.51.100.1 80 {\n@\n }\n}\n"),
            Map.entry("checker blocks: shared options", "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n"
                    + " real_server 198.51.100.1 80 {\n  TCP_CHECK {\n@\n  }\n }\n}\n"),
            Map.entry("HTTP_GET / SSL_GET › url", "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n"
                    + " real_server 198.51.100.1 80 {\n  HTTP_GET {\n   url {\n@\n   }\n  }\n }\n}\n"));

    private static String instance(String name, int vrid) {
        return "vrrp_instance " + name + " {\n virtual_router_id " + vrid + "\n virtual_ipaddress {\n  192.0.2." + vrid
                + "\n }\n}\n";
    }

    @Test void everyKeywordVigilDoesNotActOnIsReportedAtItsLineAndNoOtherIs() {
        var failures = new ArrayList<String>();
        int checked = 0;
        for (KeywordTable<?> t : CompatibilityTable.tables()) {
            String context = CONTEXT.get(t.title);
            assertThat(context).as("a block for table " + t.title).isNotNull();
            int line = (int) context.substring(0, context.indexOf('@')).chars().filter(ch -> ch == '\n').count() + 1;
            for (var e : t.entries()) {
                // an argument, so that a value-dependent report (vrrp_mcast_group4 other than 224.0.0.18) is due
                String text = context.replace("@", e.keyword() + " 1");
                LoadResult r = ConfigLoader.loadText("k.conf", text, Path.of("."), LoadOptions.defaults().withConfigId("t"));
                List<Diagnostic> here = r.diagnostics().stream()
                        .filter(d -> d.where().line() == line && d.message().contains("not acted on")
                                && d.message().contains(e.keyword()))
                        .toList();
                boolean reported = !here.isEmpty();
                boolean due = e.status() == KeywordTable.Status.NOT_ACTED_ON;
                if (reported != due) failures.add(t.title + " " + e.keyword() + " (" + e.status() + "): " + r.diagnostics());
                checked++;
            }
        }
        assertThat(failures).isEmpty();
        assertThat(checked).isEqualTo(CompatibilityTable.counts().values().stream().mapToInt(Integer::intValue).sum());
    }
}
