package io.vigil.plugin.protocols;

import io.vertx.core.Future;
import io.vigil.check.api.CheckResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.Optional;

/** Shared bits of the blocking probes: each runs on the host's per-probe virtual thread, never on an event loop. */
final class Probes {
    private Probes() {}

    /** Runs a blocking probe in the calling (virtual) thread and wraps its verdict; an I/O error is a DOWN result. */
    static Future<CheckResult> blocking(long start, String what, IoProbe probe) {
        try {
            return Future.succeededFuture(probe.run());
        } catch (IOException e) {
            return Future.succeededFuture(CheckResult.down(CheckResult.since(start), what + ": " + describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Future.succeededFuture(CheckResult.down(CheckResult.since(start), what + ": interrupted"));
        }
    }

    interface IoProbe { CheckResult run() throws IOException, InterruptedException; }

    /** The exception as an operator reads it: "connection refused", "timed out after 3000 ms", ... */
    static String describe(IOException e) {
        if (e instanceof PortUnreachableException) return "port unreachable (ICMP)";
        if (e instanceof SocketTimeoutException) return "timed out" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
    }

    static InetSocketAddress socket(String address, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    static Optional<InetSocketAddress> local(Optional<String> bindTo) throws IOException {
        return bindTo.isPresent() ? Optional.of(socket(bindTo.get(), 0)) : Optional.empty();
    }

    /** Milliseconds left before {@code deadlineNanos}, at least 1 (0 would mean "forever" to a socket). */
    static int millisLeft(long deadlineNanos) throws java.net.SocketTimeoutException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw new java.net.SocketTimeoutException("no reply within the timeout");
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** {@code host:port}, IPv6 bracketed. */
    static String authority(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
