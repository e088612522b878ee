package io.vigil.config;

import io.vigil.config.source.ConfigLoader;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vrrp_script holding a checker block (Vigil's documented extension) is accepted silently when the checker is
 * known — a keepalived checker or one a plugin claims — instead of drawing "unknown keyword" and "has no script
 * line; it will never succeed" while it works. An unclaimed block is one clear warning.
 */
class VrrpScriptCheckerBlockTest {
    @TempDir Path dir;

    static final String CONF = """
            vrrp_script chk_db {
                MYSQL_CHECK {
                    user vigil
                    connect_port 3306
                }
                interval 2
                weight -20
            }
            vrrp_script chk_dns {
                DNS_CHECK {
                    name www.example.org
                }
            }
            vrrp_script chk_none {
                interval 2
            }
            """;

    LoadResult load(Set<String> pluginKeywords) {
        return ConfigLoader.loadText("k.conf", CONF, dir, LoadOptions.defaults().withConfigId("t").withCheckerKeywords(pluginKeywords));
    }

    /** The diagnostics about the scripts themselves (not that no vrrp_instance tracks them, which is true here). */
    static java.util.List<String> scriptDiagnostics(LoadResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).filter(d -> !d.contains("is not in any track_script block")).toList();
    }

    @Test void aClaimedCheckerBlockIsAScriptOfItsOwn() {
        LoadResult r = load(Set.of("MYSQL_CHECK", "NGINX_CHECK"));
        assertThat(scriptDiagnostics(r))
                .containsExactly("k.conf:14:1: warning: vrrp_script chk_none has no script line; it will never succeed");
        assertThat(r.config().orElseThrow().vrrpScripts()).hasSize(3);
    }

    @Test void anUnclaimedCheckerBlockIsOneClearWarning() {
        LoadResult r = load(Set.of());
        assertThat(scriptDiagnostics(r)).containsExactly(
                "k.conf:1:1: warning: vrrp_script chk_db has no script line; it will never succeed",
                "k.conf:2:5: warning: unknown checker 'MYSQL_CHECK' in vrrp_script chk_db: not a keepalived checker and no plugin claims it; ignored",
                "k.conf:14:1: warning: vrrp_script chk_none has no script line; it will never succeed");
    }
}
