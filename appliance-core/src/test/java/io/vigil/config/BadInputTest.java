package io.vigil.config;

import io.vigil.config.source.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile or broken input: every case ends in a clear diagnostic with a location, never an exception or a hang.
 * (The timeouts only guard against hangs; they are not speed assertions.) Cases that are only a snippet and its
 * diagnostics (braces, includes, loops) are data: config-diagnostics/03-structure.txt, {@link ConfigDiagnosticsTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static LoadResult load(Path p) { return ConfigLoader.load(p, LoadOptions.defaults().withConfigId("t")); }

    @Test void tenMegabyteSingleLineIsRefusedWithItsLine() throws IOException {
        Path p = dir.resolve("long.conf");
        var sb = new StringBuilder("global_defs {\n router_id A\n}\n");
        sb.append("x".repeat(10 * 1024 * 1024)).append('\n').append("vrrp_script s {\n script /bin/true\n}\n");
        Files.writeString(p, sb);
        LoadResult r = load(p);
        assertThat(r.errors()).singleElement().satisfies(d -> {
            assertThat(d.where().line()).isEqualTo(4);
            assertThat(d.message()).contains("10485760 characters long").contains("limit is 65536");
        });
        assertThat(r.config()).isPresent(); // the other lines are still read
        assertThat(r.config().get().globalDefs().routerId()).contains("A");
    }

    @Test void tenMegabytesOfJunkGivesACappedReport() throws IOException {
        Path p = dir.resolve("junk.conf");
        var sb = new StringBuilder();
        var rnd = new Random(42);
        while (sb.length() < 10 * 1024 * 1024) {
            sb.append("word").append(rnd.nextInt(1000)).append(" value ").append(rnd.nextInt()).append('\n');
        }
        Files.writeString(p, sb);
        LoadResult r = load(p);
        assertThat(r.config()).isPresent();
        assertThat(r.diagnostics()).hasSize(Diagnostics.DEFAULT_LIMIT + 1);
        assertThat(r.diagnostics().getFirst().format()).startsWith(p + ":1:1: warning: unknown keyword 'word");
        assertThat(r.diagnostics().getLast().message()).endsWith("more diagnostics not shown");
    }

    @Test void fileOverTheSizeLimitIsRefused() throws IOException {
        Path p = write("big.conf", "global_defs {\n}\n".repeat(1000));
        LoadResult r = ConfigLoader.load(p, LoadOptions.defaults().withMaxFileBytes(1000));
        assertThat(r.config()).isEmpty();
        assertThat(r.diagnostics()).extracting(Diagnostic::format).containsExactly(
                p + ":1:1: error: file " + p + " is 16000 bytes; the configuration and its includes may have at most 1000 bytes in total");
    }

    @Test void theSizeCapIsForAllIncludesTogether() throws IOException {
        for (int i = 0; i < 3; i++) write("conf.d/" + i + ".conf", "! " + "x".repeat(400) + "\n");
        Path p = write("main.conf", "global_defs {\n}\ninclude conf.d/*.conf\n");
        LoadResult r = ConfigLoader.load(p, LoadOptions.defaults().withMaxFileBytes(1000));
        // main (38 bytes) + two includes of 403 fit; the third would pass 1000 in total
        assertThat(r.errors()).singleElement().satisfies(d -> {
            assertThat(d.format()).startsWith(p + ":3:1: error: file " + dir.resolve("conf.d/2.conf"));
            assertThat(d.message()).contains("at most 1000 bytes in total").contains("844 read before it");
        });
    }

    @Test void includeOfADeviceIsAnErrorAtTheIncludeLineNotAnEndlessRead() throws IOException {
        for (String dev : new String[] {"/dev/zero", "/dev/urandom"}) {
            Path p = write("dev.conf", "global_defs {\n}\ninclude " + dev + "\n");
            long t0 = System.nanoTime();
            LoadResult r = load(p);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000);
            assertThat(r.errors()).extracting(Diagnostic::format).containsExactly(
                    p + ":3:1: error: " + dev + " is a character device, not a regular file; configuration is read only from regular files");
        }
    }

    @Test void includeOfAFifoIsAnErrorAndDoesNotBlock() throws Exception {
        Path fifo = dir.resolve("pipe.conf");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path p = write("fifo.conf", "global_defs {\n}\n\ninclude pipe.conf\n");
        LoadResult r = load(p);
        assertThat(r.errors()).extracting(Diagnostic::format).containsExactly(
                p + ":4:1: error: " + fifo + " is a FIFO, not a regular file; configuration is read only from regular files");
        Path main = write("main-fifo.conf", "x");
        Files.delete(main);
        Files.createSymbolicLink(main, fifo); // the main file itself, through a symlink
        assertThat(load(main).errors()).singleElement().satisfies(d -> assertThat(d.message()).contains("is a FIFO"));
    }

    @Test void aByteOrderMarkAtTheStartIsSkipped() throws IOException {
        Path p = dir.resolve("bom.conf");
        byte[] text = "global_defs {\n router_id BOM\n}\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xef; withBom[1] = (byte) 0xbb; withBom[2] = (byte) 0xbf;
        System.arraycopy(text, 0, withBom, 3, text.length);
        Files.write(p, withBom);
        LoadResult r = load(p);
        assertThat(r.diagnostics()).noneMatch(d -> d.message().contains("unknown keyword"));
        assertThat(r.config().orElseThrow().globalDefs().routerId()).contains("BOM");
        LoadResult t = ConfigLoader.loadText("t.conf", "\uFEFFglobal_defs {\n router_id T\n}\n", dir, LoadOptions.defaults());
        assertThat(t.diagnostics()).noneMatch(d -> d.message().contains("unknown keyword"));
        assertThat(t.config().orElseThrow().globalDefs().routerId()).contains("T");
    }

    @Test void binaryGarbageIsNotAConfig() throws IOException {
        byte[] junk = new byte[64 * 1024];
        new Random(7).nextBytes(junk);
        junk[0] = 'a';
        junk[1] = '\n';
        junk[2] = 'b';
        junk[3] = 0;
        Path p = dir.resolve("garbage.conf");
        Files.write(p, junk);
        LoadResult r = load(p);
        assertThat(r.config()).isEmpty();
        assertThat(r.diagnostics()).extracting(Diagnostic::format).containsExactly(
                p + ":2:2: error: binary data (byte 0x00): this is not a text configuration file");
    }

    @Test void invalidUtf8InCommentsIsTolerated() throws IOException {
        Path p = dir.resolve("gbk.conf");
        byte[] gbkComment = "# \u4e3b\u5907\n".getBytes(java.nio.charset.Charset.forName("GBK"));
        byte[] rest = "global_defs {\n router_id GBK\n}\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[gbkComment.length + rest.length];
        System.arraycopy(gbkComment, 0, all, 0, gbkComment.length);
        System.arraycopy(rest, 0, all, gbkComment.length, rest.length);
        Files.write(p, all);
        LoadResult r = load(p);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().orElseThrow().globalDefs().routerId()).contains("GBK");
    }

    @Test void includeLoopIsAnErrorAtTheIncludeLine() throws IOException {
        Path a = write("a.conf", "global_defs {\n router_id A\n}\ninclude b.conf\n");
        write("b.conf", "! b\n  include a.conf\n");
        LoadResult r = load(a);
        assertThat(r.errors()).singleElement().satisfies(d -> {
            assertThat(d.where().file()).isEqualTo(dir.resolve("b.conf").toString());
            assertThat(d.where().line()).isEqualTo(2);
            assertThat(d.where().column()).isEqualTo(3);
            assertThat(d.message()).startsWith("include loop: ").contains("a.conf -> ").contains("b.conf -> ");
        });
        assertThat(r.config().orElseThrow().globalDefs().routerId()).contains("A");
    }

    @Test void globMatchingNothingIsOnlyANote() throws IOException {
        Files.createDirectories(dir.resolve("conf.d"));
        Path a = write("main.conf", "include conf.d/*.conf\n");
        LoadResult r = load(a);
        assertThat(r.diagnostics()).singleElement().satisfies(d -> assertThat(d.severity()).isEqualTo(Severity.INFO));
        assertThat(r.config()).isPresent();
    }

    @Test void includeGlobsAreRelativeToTheIncludingFileAndSorted() throws IOException {
        write("sub/conf.d/20-b.conf", "vrrp_script b {\n script /bin/b\n}\n");
        write("sub/conf.d/10-a.conf", "vrrp_script a {\n script /bin/a\n}\n");
        write("sub/conf.d/skip.txt", "garbage {\n");
        write("sub/mid.conf", "include conf.d/*.conf\n");
        Path main = write("main.conf", "include sub/mid.conf\n");
        LoadResult r = load(main);
        assertThat(r.errors()).isEmpty();
        KeepalivedConfig c = r.config().orElseThrow();
        assertThat(c.vrrpScripts()).extracting(VrrpScript::name).containsExactly("a", "b");
        assertThat(c.vrrpScripts().getFirst().where().file()).endsWith("sub/conf.d/10-a.conf");
        assertThat(c.files()).hasSize(4);
    }

    @Test void includeInsideABlockIsTextual() throws IOException {
        write("peers.inc", "192.0.2.2\n192.0.2.3\n");
        Path main = write("main.conf", "vrrp_instance V {\n virtual_router_id 9\n unicast_peer {\n  include peers.inc\n }\n"
                + " virtual_ipaddress {\n  192.0.2.100\n }\n}\n");
        LoadResult r = load(main);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().orElseThrow().vrrpInstances().getFirst().unicastPeers())
                .extracting(UnicastPeer::address).containsExactly("192.0.2.2", "192.0.2.3");
    }

    @Test void missingMainFileGivesNoModel() {
        Path p = dir.resolve("nope.conf");
        LoadResult r = load(p);
        assertThat(r.config()).isEmpty();
        assertThat(r.diagnostics()).extracting(Diagnostic::format).containsExactly(
                p + ":0:0: error: configuration file " + p + " does not exist");
    }

    @Test void mainFileThatIsADirectory() {
        LoadResult r = load(dir);
        assertThat(r.config()).isEmpty();
        assertThat(r.errors()).singleElement().extracting(Diagnostic::message).asString().contains("is a directory");
    }

    @Test void runawaySequenceIsCapped() throws IOException {
        Path p = write("seq.conf", "~SEQ(a, 1, 100000) ~SEQ(b, 1, 100000) x $a $b\n");
        LoadResult r = ConfigLoader.load(p, LoadOptions.defaults().withMaxLines(20_000));
        assertThat(r.errors()).singleElement().satisfies(d -> {
            assertThat(d.message()).isEqualTo("configuration expands to more than 20000 lines; stopped");
            assertThat(d.where().line()).isEqualTo(1);
        });
    }
}
