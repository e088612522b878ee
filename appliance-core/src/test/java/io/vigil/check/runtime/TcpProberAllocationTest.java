package io.vigil.check.runtime;

import io.vertx.core.Future;
import io.vigil.check.api.CheckResult;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes a TCP_CHECK probe allocates on the prober thread and on the thread that submits it, against a refused loopback
 * port (NodeScaleBench's steady mass failure), read with ThreadMXBean.getThreadAllocatedBytes after a warm-up. A
 * SocketChannel, selection key and ConnectException with its stack trace per probe measured 1,629 bytes here (1,165 on
 * the prober thread); a file descriptor in epoll through FFM 224. The bound sits between them: not a timing test.
 */
class TcpProberAllocationTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final int BATCH = 500, WARMUP_BATCHES = 40, MEASURED_BATCHES = 10;
    static final long BOUND_BYTES_PER_PROBE = 1000;

    @Test
    void aRefusedProbeAllocatesLittle() throws Exception {
        int refused;
        try (ServerSocket s = new ServerSocket(0, 50, LO)) {
            refused = s.getLocalPort();
        }
        TcpProber prober = TcpProber.get();
        @SuppressWarnings("unchecked") Future<CheckResult>[] futures = new Future[BATCH];
        for (int b = 0; b < WARMUP_BATCHES; b++) batch(prober, refused, futures);
        Thread proberThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("vigil-tcp-check")).findFirst().orElseThrow();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        long p0 = mx.getThreadAllocatedBytes(proberThread.threadId()), s0 = mx.getThreadAllocatedBytes(self);
        for (int b = 0; b < MEASURED_BATCHES; b++) batch(prober, refused, futures);
        long p1 = mx.getThreadAllocatedBytes(proberThread.threadId()), s1 = mx.getThreadAllocatedBytes(self);
        long probes = (long) BATCH * MEASURED_BATCHES;
        double perProbe = (double) (p1 - p0 + s1 - s0) / probes;
        System.out.printf("TCP_CHECK probe, refused: %.0f bytes on the prober thread + %.0f on the submitter = %.0f per probe%n",
                (double) (p1 - p0) / probes, (double) (s1 - s0) / probes, perProbe);
        assertThat(perProbe).as("bytes allocated per refused probe").isLessThan(BOUND_BYTES_PER_PROBE);
    }

    /** Submits a batch and waits for every verdict; each must be a refusal. */
    private static void batch(TcpProber prober, int port, Future<CheckResult>[] futures) {
        for (int i = 0; i < futures.length; i++) futures[i] = prober.connect(LO, port, null, 2000);
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (Future<CheckResult> f : futures) {
            while (!f.isComplete()) {
                if (System.nanoTime() > deadline) throw new AssertionError("no verdict within 30 s");
                LockSupport.parkNanos(100_000);
            }
            if (f.result().up()) throw new AssertionError("connected to a closed port");
        }
    }
}
