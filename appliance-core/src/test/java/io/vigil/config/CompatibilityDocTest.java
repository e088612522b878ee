package io.vigil.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/config-compatibility.md's keyword statuses are the keyword tables the builders dispatch through: the page's
 * generated part must equal {@link CompatibilityTable#markdown()}. Run with -Dvigil.rewrite.docs=true to rewrite it.
 */
class CompatibilityDocTest {
    static final Path DOC = Path.of("..", "docs", "config-compatibility.md");
    static final String BEGIN = "<!-- keyword tables: begin";
    static final String END = "<!-- keyword tables: end -->";

    @Test void theCompatibilityPageIsTheKeywordTables() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int b = doc.indexOf(BEGIN), e = doc.indexOf(END);
        assertThat(b).as("begin marker in " + DOC).isGreaterThanOrEqualTo(0);
        assertThat(e).as("end marker in " + DOC).isGreaterThan(b);
        int from = doc.indexOf('\n', b) + 1;
        String generated = CompatibilityTable.markdown();
        if (Boolean.getBoolean("vigil.rewrite.docs")) {
            Files.writeString(DOC, doc.substring(0, from) + generated + doc.substring(e), StandardCharsets.UTF_8);
            return;
        }
        assertThat(doc.substring(from, e)).as("docs/config-compatibility.md is out of date: rerun this test with "
                + "-Dvigil.rewrite.docs=true").isEqualTo(generated);
    }

    /** The hand-written checker-specific table lists exactly the keywords the checker blocks accept. */
    @Test void theCheckerSpecificTableListsTheKeywordsTheLoaderAccepts() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String section = doc.substring(doc.indexOf("### checker-specific options"));
        var row = Pattern.compile("^\\| `([A-Z_]+)` \\| ([^|]+) \\|", Pattern.MULTILINE).matcher(section);
        var documented = new java.util.TreeMap<String, Set<String>>();
        while (row.find()) {
            var kws = documented.computeIfAbsent(row.group(1), k -> new TreeSet<>());
            var kw = Pattern.compile("`([a-z_]+)`").matcher(row.group(2));
            while (kw.find()) kws.add(kw.group(1));
        }
        var accepted = new java.util.TreeMap<String, Set<String>>();
        for (Map.Entry<String, Set<String>> en : Keywords.CHECKER_SPECIFIC.entrySet()) {
            accepted.put(en.getKey(), new TreeSet<>(en.getValue()));
        }
        assertThat(documented).isEqualTo(accepted);
    }

    @Test void everyKeywordIsDeclaredOncePerBlockAndNotActedOnHasAReason() {
        for (KeywordTable<?> t : CompatibilityTable.tables()) {
            var seen = new HashSet<String>();
            for (var e : t.entries()) {
                assertThat(seen.add(e.keyword())).as(t.title + " " + e.keyword()).isTrue();
                if (e.status() != KeywordTable.Status.ACTED_ON) {
                    assertThat(e.note()).as("reason for " + t.title + " " + e.keyword()).isNotBlank();
                }
            }
        }
    }
}
