package io.vigil.cli;

/**
 * {@code vigil run}'s start-up in parallel where it can be: while the main thread reads plugins and the
 * configuration, one thread initialises thread-affinity's JNA and the logging (both Chronicle's, on the journal's
 * path otherwise) and the FFM downcalls VRRP needs (generating them is most of the first netlink socket's cost), and
 * another Chronicle Queue's classes (its first queue costs hundreds of ms of class initialisation; its JNR-based
 * POSIX layer, which generates native stubs, is built on first use: {@code LazyPosix}). A third thread for the first
 * part was slower: it took CPU from the main thread's option parsing. Class initialisation is once per JVM and
 * thread-safe: when the main thread gets there first, it does the work and the warm-up waits; nothing is done twice. Failures
 * are ignored: the main path meets and reports them itself. {@code -Dvigil.startup.warmup=false} turns it off.
 */
final class StartupWarmup {
    private StartupWarmup() { }

    private static final String[] FFM = {
            "io.vigil.linux.Libc", "io.vigil.linux.NetlinkSocket", "io.vigil.linux.VrrpSocket", "io.vigil.linux.GarpSender"};
    /**
     * Chronicle's {@code Jvm} initialiser loads thread-affinity's {@code Affinity}, whose initialiser loads JNA (its
     * native library unpacked from the jar, java.util.logging, libc): ~0.2 s of the journal thread's path, done here
     * instead. Neither refers back to Chronicle, so the two initialisers cannot wait for each other.
     */
    private static final String[] AFFINITY = {"net.openhft.affinity.Affinity"};
    /** Chronicle Queue: its core, the queue builder. */
    private static final String[] JOURNAL = {
            "net.openhft.chronicle.core.Jvm",
            "net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder",
            "net.openhft.chronicle.queue.impl.single.SingleChronicleQueue", "net.openhft.chronicle.bytes.MappedBytes"};

    static void start() {
        if (!Boolean.parseBoolean(System.getProperty("vigil.startup.warmup", "true"))) return; // for comparing
        Thread.ofPlatform().name("vigil-warmup-ffm").daemon().start(() -> {
            init(AFFINITY);     // first: the journal's thread meets it ~0.15 s after its start
            log();
            init(FFM);
        });
        Thread.ofPlatform().name("vigil-warmup-journal").daemon().start(() -> init(JOURNAL));
    }

    /** The same classes on this thread: the AOT training run, so the cache holds what they load. */
    static void initAll() {
        log();
        init(AFFINITY);
        init(FFM);
        init(JOURNAL);
    }

    /**
     * SLF4J's binding (found by a ServiceLoader scan of every jar) and its time stamps' first format (SimpleDateFormat:
     * the JDK's CLDR locale data, ~60 ms alone): the first line logged pays for both, and that was Chronicle's, on the
     * journal's thread, the longest path to BACKUP. This thread has the least to do. Nothing is logged here.
     */
    private static void log() {
        try {
            org.slf4j.LoggerFactory.getLogger("vigil");
            String format = System.getProperty("org.slf4j.simpleLogger.dateTimeFormat");
            if (format != null) new java.text.SimpleDateFormat(format).format(new java.util.Date());
        } catch (Throwable ignored) { /* the first line logged meets it */ }
    }

    private static void init(String... classes) {
        for (String c : classes) {
            try { Class.forName(c, true, StartupWarmup.class.getClassLoader()); } catch (Throwable ignored) { /* the main path reports it */ }
        }
    }
}
