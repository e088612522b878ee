package io.vigil.testdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data-driven tests: text files under src/test/resources/DIR whose expected parts a test regenerates from what the
 * code does now. {@code -Dvigil.testdata.rewrite=true} writes the regenerated text back instead of comparing (then
 * read the diff before committing it).
 */
public final class TestData {
    public static final String REWRITE = "vigil.testdata.rewrite";

    private TestData() {}

    /** The *.txt files of src/test/resources/DIR, sorted by name. */
    public static Stream<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("src", "test", "resources", dir))) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList().stream();
        }
    }

    /** Compares {@code actual} with the file's text, or rewrites the file with it under the rewrite flag. */
    public static void check(Path file, String actual) throws IOException {
        if (Boolean.getBoolean(REWRITE)) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(actual).as(file + " (rewrite with -D" + REWRITE + "=true)").isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
