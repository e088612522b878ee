package io.vigil.api;

import io.vigil.journal.EventType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay page's type filter offers every event type a row can have: a new event type cannot be left out of it. */
class UiTypeListTest {
    @Test void typeFilterListsEveryEventType() throws Exception {
        String js;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("io/vigil/ui/app.js")) {
            assertThat(in).as("app.js on the class path (ui module)").isNotNull();
            js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("const TYPES = \\[([^\\]]*)]").matcher(js);
        assertThat(m.find()).as("TYPES in app.js").isTrue();
        var listed = Arrays.stream(m.group(1).split(",")).map(s -> s.strip().replace("'", "")).filter(s -> !s.isEmpty()).toList();
        // annotations (snapshots, drop notes) and unreadable entries are not rows of the event table
        var rows = EnumSet.complementOf(EnumSet.of(EventType.SNAPSHOT, EventType.DROPPED, EventType.UNKNOWN)).stream()
                .map(EventType::cliName).toList();
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(rows);
    }
}
