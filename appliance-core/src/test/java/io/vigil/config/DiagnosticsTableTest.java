package io.vigil.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Config diagnostics as data: testdata/diagnostics.txt holds cases of a keepalived.conf snippet (read as k.conf) and
 * every diagnostic it must produce, FILE:LINE:COL: severity: message, in order. Run with
 * -Dvigil.rewrite.testdata=true to rewrite the expected lines from what the loader says now (then review the diff).
 */
class DiagnosticsTableTest {
    static final Path DATA = Path.of("src", "test", "resources", "io", "vigil", "config", "diagnostics.txt");

    /** One case: its header line ("=== name"), snippet lines and expected diagnostic lines. */
    record Case(String name, List<String> snippet, List<String> expected) {}

    static List<Case> parse(List<String> lines) {
        var out = new ArrayList<Case>();
        String name = null;
        List<String> snippet = null, expected = null;
        for (String l : lines) {
            if (l.startsWith("=== ")) {
                if (name != null) out.add(new Case(name, snippet, expected));
                name = l.substring(4);
                snippet = new ArrayList<>();
                expected = null;
            } else if (name == null) {
                continue; // the file's preamble
            } else if (l.equals("---") && expected == null) {
                expected = new ArrayList<>();
            } else if (expected != null) {
                if (!l.isBlank()) expected.add(l);
            } else {
                snippet.add(l);
            }
        }
        if (name != null) out.add(new Case(name, snippet, expected == null ? List.of() : expected));
        return out;
    }

    static List<String> diagnostics(Case c) {
        String text = String.join("\n", c.snippet()) + "\n";
        LoadResult r = ConfigLoader.loadText("k.conf", text, Path.of("."), LoadOptions.defaults().withConfigId("test"));
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    @Test void everySnippetGivesExactlyItsDiagnostics() throws IOException {
        List<String> lines = Files.readAllLines(DATA, StandardCharsets.UTF_8);
        List<Case> cases = parse(lines);
        assertThat(cases).hasSizeGreaterThan(10);
        if (Boolean.getBoolean("vigil.rewrite.testdata")) {
            var sb = new StringBuilder();
            for (String l : lines) {
                if (l.startsWith("=== ")) break;
                sb.append(l).append('\n');
            }
            for (Case c : cases) {
                sb.append("=== ").append(c.name()).append('\n');
                c.snippet().forEach(l -> sb.append(l).append('\n'));
                sb.append("---\n");
                diagnostics(c).forEach(l -> sb.append(l).append('\n'));
                sb.append('\n');
            }
            Files.writeString(DATA, sb.toString(), StandardCharsets.UTF_8);
            return;
        }
        for (Case c : cases) {
            assertThat(diagnostics(c)).as("case '%s' in %s (rerun with -Dvigil.rewrite.testdata=true to rewrite)",
                    c.name(), DATA).containsExactlyElementsOf(c.expected());
        }
    }
}
