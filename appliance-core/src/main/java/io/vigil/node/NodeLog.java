package io.vigil.node;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's log, written by its own thread: the VRRP thread must never wait for a terminal or a full pipe, so
 * it only queues lines here. Lines read like keepalived's ("(VI_1) Entering MASTER STATE") plus the cause.
 */
public final class NodeLog {
    private static final Logger LOG = LoggerFactory.getLogger("vigil");
    private static final ExecutorService OUT = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("vigil-log").daemon().factory());

    private NodeLog() { }

    public static void info(String line) { OUT.execute(() -> LOG.info(line)); }

    public static void warn(String line) { OUT.execute(() -> LOG.warn(line)); }

    public static void error(String line) { OUT.execute(() -> LOG.error(line)); }

    /** Waits briefly for queued lines to be written (at exit). */
    public static void flush() {
        try { OUT.submit(() -> { }).get(2, TimeUnit.SECONDS); } catch (Exception ignored) { /* exiting anyway */ }
    }
}
