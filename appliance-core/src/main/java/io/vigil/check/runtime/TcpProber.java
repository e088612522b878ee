package io.vigil.check.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vigil.check.api.CheckResult;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * TCP_CHECK's connects, all on one selector thread: a non-blocking connect per probe, its verdict when the
 * kernel answers (connected, refused, unreachable) or when connect_timeout passes. A Vert.x client connect built
 * a Netty bootstrap, pipeline and timer per probe (~15 KB; at 10,000 real servers most of the node's allocation
 * and CPU); this costs a socket, a selection key and a small record. Shared by every TCP_CHECK of the process.
 */
final class TcpProber implements Runnable {
    private static final TcpProber INSTANCE = new TcpProber();

    /** One connect in flight; {@code done} once answered (its deadline entry is then skipped, not searched for). */
    private static final class Pending {
        final Promise<CheckResult> promise;
        final long startNs, deadlineNs;
        final InetSocketAddress target;
        SocketChannel channel;
        boolean done;

        Pending(Promise<CheckResult> promise, long startNs, long deadlineNs, InetSocketAddress target) {
            this.promise = promise; this.startNs = startNs; this.deadlineNs = deadlineNs; this.target = target;
        }
    }

    private final ConcurrentLinkedQueue<Pending> submitted = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Pending> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNs, b.deadlineNs));
    private final AtomicBoolean started = new AtomicBoolean();
    /** Set while the selector may block: submitters then wake it (one wakeup per batch, not per probe). */
    private final AtomicBoolean selecting = new AtomicBoolean();
    private Selector selector;

    static TcpProber get() {
        if (INSTANCE.started.compareAndSet(false, true)) {
            try {
                INSTANCE.selector = Selector.open();
            } catch (IOException e) {
                throw new IllegalStateException("TCP_CHECK: cannot open a selector: " + e.getMessage(), e);
            }
            Thread.ofPlatform().name("vigil-tcp-check").daemon().start(INSTANCE);
        }
        return INSTANCE;
    }

    /** A probe of {@code address}:{@code port} (an IP literal); its result, never a failed future. */
    Future<CheckResult> connect(InetAddress address, int port, String bindTo, long timeoutMs) {
        Promise<CheckResult> p = Promise.promise();
        long now = System.nanoTime();
        Pending pending = new Pending(p, now, now + timeoutMs * 1_000_000L, new InetSocketAddress(address, port));
        // the socket is made here, on the caller's thread: a socket belongs to the network namespace of the thread
        // that creates it, and the selector thread is shared by checkers that may live in other namespaces
        try {
            pending.channel = SocketChannel.open(address instanceof java.net.Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            pending.channel.configureBlocking(false);
            if (bindTo != null) pending.channel.bind(new InetSocketAddress(InetAddress.ofLiteral(bindTo), 0));
        } catch (IOException | RuntimeException e) {
            done(pending, false, "connect failed: " + message(e));
            return p.future();
        }
        submitted.add(pending);
        if (selecting.compareAndSet(true, false)) selector.wakeup();
        return p.future();
    }

    @Override public void run() {
        try {
            while (true) {
                Pending n;
                while ((n = submitted.poll()) != null) start(n);
                expire(System.nanoTime());
                long waitMs = deadlines.isEmpty() ? 1000 : Math.max(1, (deadlines.peek().deadlineNs - System.nanoTime()) / 1_000_000 + 1);
                selecting.set(true);
                if (submitted.isEmpty()) selector.select(waitMs); else selector.selectNow();
                selecting.set(false);
                for (SelectionKey k : selector.selectedKeys()) finish((Pending) k.attachment(), k);
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            System.err.println("vigil: TCP_CHECK selector failed: " + e);
        }
    }

    private void start(Pending p) {
        SocketChannel ch = p.channel;
        try {
            if (ch.connect(p.target)) {
                done(p, true, "connected");
                return;
            }
            ch.register(selector, SelectionKey.OP_CONNECT, p);
            deadlines.add(p);
        } catch (IOException | RuntimeException e) {
            done(p, false, "connect failed: " + message(e));
        }
    }

    private void finish(Pending p, SelectionKey k) {
        k.cancel();
        if (p.done) return;
        try {
            boolean ok = p.channel.finishConnect();
            done(p, ok, ok ? "connected" : "connect failed: not connected");
        } catch (IOException e) {
            done(p, false, "connect failed: " + message(e));
        }
    }

    private void expire(long now) {
        Pending p;
        while ((p = deadlines.peek()) != null && p.deadlineNs <= now) {
            deadlines.poll();
            if (p.done) continue;
            SelectionKey k = p.channel.keyFor(selector);
            if (k != null) k.cancel();
            done(p, false, "connect failed: connection timed out after " + (p.deadlineNs - p.startNs) / 1_000_000 + " ms");
        }
    }

    private static void done(Pending p, boolean up, String detail) {
        p.done = true;
        if (p.channel != null) close(p.channel);
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - p.startNs);
        p.promise.tryComplete(up ? CheckResult.up(took, detail) : CheckResult.down(took, detail));
    }

    private static void close(SocketChannel ch) {
        try { ch.close(); } catch (IOException ignored) { /* nothing to keep */ }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
