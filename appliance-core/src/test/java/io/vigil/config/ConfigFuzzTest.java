package io.vigil.config;

import io.vigil.config.source.ConfigLoader;
import io.vigil.vrrp.VrrpSpecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz (seeded, fixed time budget, runs in CI): the seed configurations and the embedded default, mutated at the
 * text level (lines dropped, duplicated, swapped; braces, quotes, escapes, includes, parameters, ~SEQ, conditionals
 * and odd bytes inserted), through the lexer, parser, model builder and the VRRP mapping. No exception may escape,
 * and every error and warning names its file and line. A failure names the seed, iteration and input.
 */
class ConfigFuzzTest {
    static final long SEED = 0xC0F_18L;
    static final long BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(3000);
    static final String[] TOKENS = {"{", "}", "{ }", "\"", "'", "\\", "\\x4", "!", "#", "include ", "include missing*.conf",
            "includeb x", "$X=", "$X", "${X}", "${_RANDOM 1 9}", "~SEQ(i, 1, 3)", "~SEQ(", "~LST(a, b)", "@id ", "@^id ",
            "\u00a0", "\u3000", "\ufeff", "\t", "\r", "\n", "vrrp_instance", "virtual_server", "real_server", "MISC_CHECK {",
            "HTTP_GET {", "url {", "priority 300", "virtual_router_id 0", "unicast_peer {", "check_unicast_src",
            "authentication {", "auth_type AH", "advert_int 0.5", "192.0.2.1", "198.51.100.1/33", "::1", "999999999999",
            "-1", "0", "state SLAVE", "track_script {", "vrrp_script", "script \"/bin/true\"", "\u0001", "é"};

    @TempDir Path dir;

    @Test
    void lexerParserAndModelSurviveMutatedSeeds() throws Exception {
        List<String> seeds = new ArrayList<>();
        Path seedDir = Path.of(ConfigFuzzTest.class.getResource("/seeds").toURI());
        try (Stream<Path> s = Files.list(seedDir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".conf")).sorted().toList())
                seeds.add(Files.readString(p, StandardCharsets.UTF_8));
        }
        seeds.add(ConfigLoader.embeddedDefaultText());
        assertThat(seeds).hasSizeGreaterThan(10);
        SplittableRandom rnd = new SplittableRandom(SEED);
        long t0 = System.nanoTime(), n = 0, errors = 0;
        while (System.nanoTime() - t0 < BUDGET_NANOS || n < 200) {
            String text = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                LoadResult r = ConfigLoader.loadText("fuzz.conf", text, dir, LoadOptions.defaults().withConfigId("id"));
                for (Diagnostic d : r.diagnostics()) {
                    if (d.severity() == Severity.INFO) continue;
                    assertThat(d.where().file()).as(d.format()).isNotEqualTo("<none>");
                    assertThat(d.where().line()).as(d.format()).isPositive();
                    if (d.isError()) errors++;
                }
                r.config().ifPresent(c -> {
                    for (Diagnostic d : VrrpSpecs.fromConfig(c).diagnostics())
                        assertThat(d.where().line()).as(d.format()).isPositive();
                });
            } catch (Throwable t) {
                throw new AssertionError("seed " + SEED + " iteration " + n + ", input:\n" + text, t);
            }
            n++;
        }
        System.out.printf("config fuzz: %d configurations in %d ms, %d errors reported%n", n,
                (System.nanoTime() - t0) / 1_000_000, errors);
    }

    private static String mutate(String seed, SplittableRandom rnd) {
        List<String> lines = new ArrayList<>(List.of(seed.split("\n", -1)));
        int edits = 1 + rnd.nextInt(6);
        for (int k = 0; k < edits && !lines.isEmpty(); k++) {
            int i = rnd.nextInt(lines.size());
            switch (rnd.nextInt(6)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(rnd.nextInt(lines.size() + 1), lines.get(i));
                case 2 -> { int j = rnd.nextInt(lines.size()); String t = lines.get(i); lines.set(i, lines.get(j)); lines.set(j, t); }
                case 3 -> {
                    String l = lines.get(i);
                    int at = rnd.nextInt(l.length() + 1);
                    lines.set(i, l.substring(0, at) + TOKENS[rnd.nextInt(TOKENS.length)] + l.substring(at));
                }
                case 4 -> {
                    String l = lines.get(i);
                    if (!l.isEmpty()) { int a = rnd.nextInt(l.length()); lines.set(i, l.substring(0, a) + l.substring(rnd.nextInt(a, l.length() + 1))); }
                }
                default -> lines.add(i, TOKENS[rnd.nextInt(TOKENS.length)] + " " + TOKENS[rnd.nextInt(TOKENS.length)]);
            }
        }
        String out = String.join("\n", lines);
        return rnd.nextInt(20) == 0 ? out.substring(0, rnd.nextInt(out.length() + 1)) : out;
    }
}
