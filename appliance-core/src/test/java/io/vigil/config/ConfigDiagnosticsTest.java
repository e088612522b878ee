package io.vigil.config;

import io.vigil.config.source.ScriptFile;
import io.vigil.config.source.ConfigLoader;
import io.vigil.testdata.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Config diagnostics as data (src/test/resources/config-diagnostics/*.txt). A case is a header line
 * {@code === NAME}, a keepalived.conf snippet (written as k.conf), optionally more files beside it
 * ({@code +++ PATH}, then its lines: include targets), a line {@code ---}, then every diagnostic
 * {@code vigil check-config -f k.conf} prints for it, run from the case's directory, in order (errors, warnings
 * and notes, FILE:LINE:COL: severity: message). {@code <BOM>} at the start of a file stands for a UTF-8 byte
 * order mark. Lines before the first case are the file's comment. Run with {@code -Dvigil.testdata.rewrite=true}
 * to rewrite the expected lines from what the loader says now (then read the diff before committing it).
 */
class ConfigDiagnosticsTest {
    static final String BOM = "<BOM>";

    /** One case: its name, its files (k.conf first) and the expected diagnostic lines. */
    record Case(String name, List<SnippetFile> files, List<String> expected) {}

    record SnippetFile(String path, List<String> lines) {}

    static Stream<Path> files() throws IOException {
        return TestData.files("config-diagnostics");
    }

    @ParameterizedTest
    @MethodSource("files")
    void everySnippetGivesExactlyItsDiagnostics(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Case> cases = parse(lines);
        assertThat(cases).as(file + " has cases").isNotEmpty();
        var sb = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith("=== ")) break;
            sb.append(l).append('\n');
        }
        for (Case c : cases) {
            sb.append("=== ").append(c.name()).append('\n');
            for (SnippetFile f : c.files()) {
                if (!f.path().equals("k.conf")) sb.append("+++ ").append(f.path()).append('\n');
                f.lines().forEach(l -> sb.append(l).append('\n'));
            }
            sb.append("---\n");
            diagnostics(c).forEach(l -> sb.append(l).append('\n'));
            sb.append('\n');
        }
        TestData.check(file, sb.toString());
    }

    static List<Case> parse(List<String> lines) {
        var out = new ArrayList<Case>();
        String name = null;
        List<SnippetFile> files = null;
        List<String> current = null, expected = null;
        for (String l : lines) {
            if (l.startsWith("=== ")) {
                if (name != null) out.add(new Case(name, files, expected == null ? List.of() : expected));
                name = l.substring(4);
                current = new ArrayList<>();
                files = new ArrayList<>(List.of(new SnippetFile("k.conf", current)));
                expected = null;
            } else if (name == null) {
                continue; // the file's comment
            } else if (expected != null) {
                if (!l.isBlank()) expected.add(l);
            } else if (l.equals("---")) {
                expected = new ArrayList<>();
            } else if (l.startsWith("+++ ")) {
                current = new ArrayList<>();
                files.add(new SnippetFile(l.substring(4), current));
            } else {
                current.add(l);
            }
        }
        if (name != null) out.add(new Case(name, files, expected == null ? List.of() : expected));
        return out;
    }

    /** What check-config prints for the case: the loader's diagnostics, then the script files' audit. */
    static List<String> diagnostics(Case c) throws IOException {
        Path dir = Files.createTempDirectory("vigil-diag");
        try {
            for (SnippetFile f : c.files()) {
                String text = String.join("\n", f.lines()) + "\n";
                if (text.startsWith(BOM)) text = "\uFEFF" + text.substring(BOM.length());
                Path p = dir.resolve(f.path());
                Files.createDirectories(p.getParent());
                Files.writeString(p, text, StandardCharsets.UTF_8);
            }
            LoadResult r = ConfigLoader.load(dir.resolve("k.conf"), LoadOptions.defaults().withConfigId("test"));
            List<Diagnostic> all = new ArrayList<>(r.diagnostics());
            all.addAll(r.config().map(ScriptFile::audit).orElse(List.of()));
            // as printed when run from the case's directory
            return all.stream().map(d -> d.format().replace(dir + "/", "").replace(dir.toString(), ".")).toList();
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
