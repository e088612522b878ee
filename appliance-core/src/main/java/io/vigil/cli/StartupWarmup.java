package io.vigil.cli;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code vigil run}'s start-up in parallel where it can be: while the main thread reads plugins and the
 * configuration, one thread initialises the FFM downcalls VRRP needs (generating them is most of the first
 * netlink socket's cost) and another exercises Chronicle Queue on a throw-away queue (its first queue costs
 * hundreds of ms of class initialisation). Class initialisation is once per JVM and thread-safe: when the main
 * thread gets there first, it does the work and the warm-up waits; nothing is done twice. Failures are ignored:
 * the main path meets and reports them itself.
 */
final class StartupWarmup {
    private StartupWarmup() { }

    static void start() {
        Thread.ofPlatform().name("vigil-warmup-ffm").daemon().start(() -> init(
                "io.vigil.linux.Libc", "io.vigil.linux.NetlinkSocket", "io.vigil.linux.VrrpSocket", "io.vigil.linux.GarpSender"));
        Thread.ofPlatform().name("vigil-warmup-journal").daemon().start(StartupWarmup::chronicle);
    }

    private static void init(String... classes) {
        for (String c : classes) {
            try { Class.forName(c, true, StartupWarmup.class.getClassLoader()); } catch (Throwable ignored) { /* the main path reports it */ }
        }
    }

    private static void chronicle() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vigil-warmup");
            try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).build();
                 ExcerptAppender a = q.createAppender()) {
                a.writeBytes(b -> b.writeLong(0));
                try (var t = q.createTailer(); var dc = t.readingDocument()) { dc.isPresent(); }
            }
        } catch (Throwable ignored) {
            // the journal's own open reports any real problem
        } finally {
            if (dir != null) delete(dir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) { /* a temp dir left behind is harmless */ }
    }
}
