package io.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link CheckCoalescer#sameClass}, the per-probe scan, agrees with comparing {@link CheckCoalescer#detailClass}es (the
 * regex) on random details made of the characters the pattern turns on: digits, '.', spaces, unit letters, word and
 * non-word characters next to units, and a literal '#'.
 */
class CheckCoalescerSameClassTest {
    static final String ALPHABET = "0123456789.. \t\u00a0nuµmsssx_é#-٣";

    static String random(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        return b.toString();
    }

    @Test void agreesWithTheRegexOnRandomDetails() {
        SplittableRandom r = new SplittableRandom(14);
        int same = 0;
        for (int i = 0; i < 300_000; i++) {
            String a = random(r);
            // half the pairs share a class often: b is a with its digits renumbered
            String b = r.nextBoolean() ? random(r) : a.replace('1', '7').replace('2', '3').replace(".5", ".25");
            boolean expected = CheckCoalescer.detailClass(a).equals(CheckCoalescer.detailClass(b));
            assertThat(CheckCoalescer.sameClass(a, b)).as("sameClass(\"%s\", \"%s\")", a, b).isEqualTo(expected);
            if (expected && !a.equals(b)) same++;
        }
        assertThat(same).as("distinct details of one class were compared").isGreaterThan(1_000);
    }

    @Test void realDetails() {
        assertThat(CheckCoalescer.sameClass("timed out after 2000 ms", "timed out after 12.5ms")).isTrue();
        assertThat(CheckCoalescer.sameClass("HTTP status 503", "HTTP status 500")).isFalse();
        assertThat(CheckCoalescer.sameClass("http://10.0.0.1:80/health: 200 in 3 ms", "http://10.0.0.1:80/health: 200 in 12 ms")).isTrue();
        assertThat(CheckCoalescer.sameClass("a 5ms", "a #ms")).isTrue();   // as the regex: the class text is equal
        assertThat(CheckCoalescer.sameClass(null, "")).isTrue();
    }
}
