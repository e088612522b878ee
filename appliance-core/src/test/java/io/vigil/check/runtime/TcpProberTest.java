package io.vigil.check.runtime;

import io.vigil.check.api.CheckResult;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** TCP_CHECK's selector prober against real loopback sockets: connected, refused, and a SYN nobody answers. */
class TcpProberTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    static CheckResult probe(int port, long timeoutMs) throws Exception {
        return TcpProber.get().connect(LO, port, null, timeoutMs).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void upWhenListeningDownWhenRefused() throws Exception {
        int refused;
        try (ServerSocket s = new ServerSocket(0, 50, LO)) {
            CheckResult r = probe(s.getLocalPort(), 2000);
            assertThat(r.up()).as(r.detail()).isTrue();
            assertThat(r.detail()).isEqualTo("connected");
            refused = s.getLocalPort();
        }
        CheckResult r = probe(refused, 2000);
        assertThat(r.up()).isFalse();
        assertThat(r.detail()).startsWith("connect failed: Connection refused");
        // many at once: every one answered, none lost between submit and selector
        List<java.util.concurrent.CompletableFuture<CheckResult>> all = new ArrayList<>();
        for (int i = 0; i < 2000; i++)
            all.add(TcpProber.get().connect(LO, refused, null, 2000).toCompletionStage().toCompletableFuture());
        for (var f : all) assertThat(f.get(10, TimeUnit.SECONDS).up()).isFalse();
    }

    @Test
    void downAfterConnectTimeoutWhenTheSynIsNotAnswered() throws Exception {
        // a listener that never accepts, its backlog full: the kernel drops further SYNs, the connect hangs
        try (ServerSocket s = new ServerSocket(0, 1, LO)) {
            List<SocketChannel> fill = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    c.connect(new InetSocketAddress(LO, s.getLocalPort()));
                    fill.add(c);
                }
                Thread.sleep(200);
                long t0 = System.nanoTime();
                CheckResult r = probe(s.getLocalPort(), 300);
                assertThat(r.up()).as(r.detail()).isFalse();
                assertThat(r.detail()).isEqualTo("connect failed: connection timed out after 300 ms");
                assertThat((System.nanoTime() - t0) / 1e6).isBetween(290.0, 3000.0);
            } finally {
                for (SocketChannel c : fill) c.close();
            }
        }
    }
}
