package io.vigil.cli;

/**
 * {@code vigil run}'s start-up in parallel where it can be: while the main thread reads plugins and the
 * configuration, one thread initialises the FFM downcalls VRRP needs (generating them is most of the first
 * netlink socket's cost) and another Chronicle Queue's classes (its first queue costs hundreds of ms of class
 * initialisation, much of it JNR generating native stubs). Class initialisation is once per JVM and thread-safe:
 * when the main thread gets there first, it does the work and the warm-up waits; nothing is done twice. Failures
 * are ignored: the main path meets and reports them itself. {@code -Dvigil.startup.warmup=false} turns it off.
 */
final class StartupWarmup {
    private StartupWarmup() { }

    private static final String[] FFM = {
            "io.vigil.linux.Libc", "io.vigil.linux.NetlinkSocket", "io.vigil.linux.VrrpSocket", "io.vigil.linux.GarpSender"};
    /** Chronicle Queue: its core, the JNR-based POSIX layer it loads (it generates native stubs), the queue builder. */
    private static final String[] JOURNAL = {
            "net.openhft.chronicle.core.Jvm", "net.openhft.posix.internal.PosixAPIHolder",
            "net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder",
            "net.openhft.chronicle.queue.impl.single.SingleChronicleQueue", "net.openhft.chronicle.bytes.MappedBytes"};

    static void start() {
        if (!Boolean.parseBoolean(System.getProperty("vigil.startup.warmup", "true"))) return; // for comparing
        Thread.ofPlatform().name("vigil-warmup-ffm").daemon().start(() -> init(FFM));
        Thread.ofPlatform().name("vigil-warmup-journal").daemon().start(() -> init(JOURNAL));
    }

    /** The same classes on this thread: the AOT training run, so the cache holds what they load. */
    static void initAll() {
        init(FFM);
        init(JOURNAL);
    }

    private static void init(String... classes) {
        for (String c : classes) {
            try { Class.forName(c, true, StartupWarmup.class.getClassLoader()); } catch (Throwable ignored) { /* the main path reports it */ }
        }
    }
}
