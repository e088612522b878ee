package io.vigil.arch;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The functional core stays pure: the compiled classes of the pure packages are scanned (JDK class-file API) for
 * any reference to clocks, threads, sockets, files, processes, Vert.x (except its JSON values) or the I/O
 * packages. A new {@code System.nanoTime()} in the VRRP engine fails this test, not a code review.
 */
class PurityTest {
    /**
     * Packages whose every class must be pure (sub-packages only where listed). {@code check} is its pure part
     * (planner, hysteresis, causes; the Vert.x scheduler, TCP prober and PF4J registry are {@code check.runtime}).
     * {@code journal} is its pure part (events, causes, codecs, projection, coalescing; the Chronicle Queue store,
     * writer thread, clock and cycle files are {@code journal.store}). {@code config} is the parser, tree, builders and
     * diagnostics; the files, the node name and the script check are {@code config.source}.
     */
    static final List<String> PURE = List.of("io/vigil/vrrp/", "io/vigil/ipvs/", "io/vigil/journal/",
            "io/vigil/journal/forensic/", "io/vigil/check/", "io/vigil/config/");

    /**
     * Forbidden class-name prefixes (internal form). Values are allowed: {@code InetAddress} as an address (no
     * lookups, see the members below), {@code MemorySegment}/{@code ValueLayout} for the flyweights over packet bytes.
     */
    static final List<String> FORBIDDEN_PREFIXES = List.of(
            "io/vigil/linux/", "io/vigil/node/", "io/vigil/api/", "io/vigil/cli/", "io/vigil/lab/",
            "java/util/concurrent/Executor", "java/util/concurrent/ScheduledExecutor", "java/util/concurrent/ForkJoin",
            "java/net/Socket", "java/net/ServerSocket", "java/net/DatagramSocket", "java/net/MulticastSocket",
            "java/net/URL", "java/net/http/", "java/nio/channels/", "java/nio/file/", "java/io/File",
            "java/io/RandomAccess", "java/time/Clock", "java/lang/foreign/Linker", "java/lang/foreign/SymbolLookup",
            "net/openhft/");
    /**
     * Chronicle Bytes as an in-memory buffer is a value, like a Vert.x JSON value: the journal's codecs write entries
     * into it (the store then hands the buffer to Chronicle Queue). Only these interfaces, exactly: everything else
     * under {@code net/openhft/} (queues, appenders, tailers, {@code MappedBytes}, file-backed stores) is forbidden.
     */
    static final List<String> ALLOWED_CLASSES = List.of("net/openhft/chronicle/bytes/Bytes",
            "net/openhft/chronicle/bytes/BytesIn", "net/openhft/chronicle/bytes/BytesOut",
            "net/openhft/chronicle/bytes/BytesStore");
    /** Forbidden classes, exactly (a prefix would also catch RuntimeException or ThreadLocal). */
    static final List<String> FORBIDDEN_CLASSES = List.of("java/lang/Thread", "java/lang/Thread$Builder",
            "java/lang/ProcessBuilder", "java/lang/Process", "java/lang/ProcessHandle", "java/lang/Runtime", "java/util/Timer");
    /** Members that read a clock, the environment or the network. */
    static final List<String> FORBIDDEN_MEMBERS = List.of(
            "java/lang/System.currentTimeMillis", "java/lang/System.nanoTime", "java/lang/System.getenv",
            "java/lang/System.getProperty", "java/time/Instant.now", "java/time/LocalDateTime.now",
            "java/time/LocalDate.now", "java/time/ZonedDateTime.now", "java/time/OffsetDateTime.now",
            "java/net/InetAddress.getLocalHost", "java/net/InetAddress.getAllByName", "java/net/InetAddress.getCanonicalHostName",
            "java/net/InetAddress.getHostName");

    @Test
    void purePackagesTouchNoClockThreadSocketFileOrIoPackage() throws IOException {
        Path classes = Path.of("target", "classes");
        List<String> violations = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (!pure(name)) continue;
                scanned++;
                violations.addAll(violations(name, ClassFile.of().parse(f)));
            }
        }
        assertThat(scanned).as("pure classes found under " + classes.toAbsolutePath()).isGreaterThan(20);
        assertThat(violations).as("references from pure packages to I/O, clocks or threads").isEmpty();
    }

    @Test
    void theScanSeesAViolation() throws IOException {
        // the scanner itself: a class that reads the clock is caught
        byte[] bytes;
        try (var in = PurityTest.class.getResourceAsStream("PurityTest$Impure.class")) { bytes = in.readAllBytes(); }
        assertThat(violations("io/vigil/arch/PurityTest$Impure.class", ClassFile.of().parse(bytes)))
                .anyMatch(v -> v.contains("java/lang/System.nanoTime")).anyMatch(v -> v.contains("java/lang/Thread"));
    }

    static final class Impure {
        long now() { return System.nanoTime(); }
        void spin() { new Thread(() -> { }).start(); }
    }

    @Test
    void journalIsScannedButNotItsStore() {
        assertThat(pure("io/vigil/journal/EventCodec.class")).isTrue();
        assertThat(pure("io/vigil/journal/forensic/Forensics.class")).isTrue();
        assertThat(pure("io/vigil/journal/store/Journal.class")).isFalse();
    }

    @Test
    void aJournalCodecMayUseBytesButNotAQueueOrTheClock() throws IOException {
        assertThat(violations("io/vigil/journal/PurityTest$BytesCodec.class", parse("PurityTest$BytesCodec.class"))).isEmpty();
        assertThat(violations("io/vigil/journal/PurityTest$QueueCodec.class", parse("PurityTest$QueueCodec.class")))
                .anyMatch(v -> v.contains("java/lang/System.currentTimeMillis"))
                .anyMatch(v -> v.contains("net/openhft/chronicle/queue/ChronicleQueue"))
                .anyMatch(v -> v.contains("net/openhft/chronicle/bytes/MappedBytes"));
    }

    /** Writes into an in-memory buffer: allowed in a pure package. */
    static final class BytesCodec {
        void write(Bytes<?> out, long v) { out.writeStopBit(v); }
        long read(Bytes<?> in) { return in.readStopBit(); }
        Bytes<?> buffer() { return Bytes.allocateElasticOnHeap(64); }
    }

    /** What a pure journal class must not do: read the clock, append to the queue, map a file. */
    static final class QueueCodec {
        long stamp() { return System.currentTimeMillis(); }
        void append(ChronicleQueue q, Bytes<?> b) { q.createAppender().writeBytes(b); }
        long size(MappedBytes m) { return m.realCapacity(); }
    }

    private static ClassModel parse(String resource) throws IOException {
        try (var in = PurityTest.class.getResourceAsStream(resource)) { return ClassFile.of().parse(in.readAllBytes()); }
    }

    /** Whether the compiled class {@code name} (internal form, relative to the class root) must be pure. */
    static boolean pure(String name) {
        return PURE.stream().anyMatch(p -> name.startsWith(p) && name.indexOf('/', p.length()) < 0);
    }

    static List<String> violations(String name, ClassModel m) {
        List<String> out = new ArrayList<>();
        for (PoolEntry e : m.constantPool()) {
            if (e instanceof MemberRefEntry r) {
                String member = r.owner().asInternalName() + "." + r.name().stringValue();
                if (FORBIDDEN_MEMBERS.contains(member)) out.add(name + " uses " + member);
            } else if (e instanceof ClassEntry c) {
                String cn = c.asInternalName();
                if (ALLOWED_CLASSES.contains(cn)) continue;
                for (String f : FORBIDDEN_PREFIXES)
                    if (cn.startsWith(f)) out.add(name + " refers to " + cn);
                if (FORBIDDEN_CLASSES.contains(cn)) out.add(name + " refers to " + cn);
                if (cn.startsWith("io/vertx/") && !cn.startsWith("io/vertx/core/json/")) out.add(name + " refers to " + cn);
            }
        }
        return out;
    }
}
