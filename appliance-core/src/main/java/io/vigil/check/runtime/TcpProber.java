package io.vigil.check.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vigil.check.api.CheckResult;
import io.vigil.linux.Libc;
import io.vigil.linux.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.vigil.linux.Libc.SOCK_CLOEXEC;
import static io.vigil.linux.Libc.SOCK_NONBLOCK;
import static io.vigil.linux.Libc.SOL_SOCKET;
import static io.vigil.linux.Syscalls.BIND;
import static io.vigil.linux.Syscalls.CONNECT;
import static io.vigil.linux.Syscalls.EINPROGRESS;
import static io.vigil.linux.Syscalls.EINTR;
import static io.vigil.linux.Syscalls.EPOLLIN;
import static io.vigil.linux.Syscalls.EPOLLOUT;
import static io.vigil.linux.Syscalls.EPOLL_CLOEXEC;
import static io.vigil.linux.Syscalls.EPOLL_CREATE1;
import static io.vigil.linux.Syscalls.EPOLL_CTL;
import static io.vigil.linux.Syscalls.EPOLL_CTL_ADD;
import static io.vigil.linux.Syscalls.EPOLL_WAIT;
import static io.vigil.linux.Syscalls.GETSOCKOPT;
import static io.vigil.linux.Syscalls.READ;
import static io.vigil.linux.Syscalls.SOCKET;
import static io.vigil.linux.Syscalls.SOCK_STREAM;
import static io.vigil.linux.Syscalls.SO_ERROR;
import static io.vigil.linux.Syscalls.WRITE;
import static io.vigil.linux.Syscalls.call;
import static io.vigil.linux.Syscalls.ptr;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * TCP_CHECK's connects, all on one thread: a non-blocking connect per probe, its verdict when the kernel answers
 * (connected, refused, unreachable) or when connect_timeout passes. Plain file descriptors and epoll through FFM: a
 * {@code SocketChannel} per probe cost a channel (locks, a file descriptor object and its cleaner), a selection key,
 * boxed fds in the selector's map and, for every refused connect, an exception with its stack trace — about two
 * thirds of the prober thread's allocation and most of its CPU at 10,000 probes/s (docs/scale.md, "CPU and memory per
 * probe"). Now a probe costs a {@link Pending}, a promise and its result; the error text is strerror's, as the JDK's
 * exceptions said it. Shared by every TCP_CHECK of the process.
 */
final class TcpProber implements Runnable {
    /** struct epoll_event is packed on x86_64 (12 bytes, data at 4), naturally aligned elsewhere (16, data at 8). */
    private static final boolean PACKED = System.getProperty("os.arch", "").matches("amd64|x86_64");
    private static final int EV_SIZE = PACKED ? 12 : 16, EV_DATA = PACKED ? 4 : 8, MAX_EVENTS = 1024;
    /** epoll data of the wake-up eventfd (probe entries carry serial << 32 | fd, serial ≥ 1). */
    private static final long WAKE = -1L;

    /** "connect failed: " + strerror, by errno: the same few texts every time, made once. */
    private static final String[] FAILED = new String[256];

    /** Where a TCP_CHECK connects: an IP literal and port, encoded once per check (not per probe). */
    record Target(boolean v6, byte[] address, int port, int scopeId) {
        static Target of(InetAddress a, int port) {
            return new Target(a instanceof Inet6Address, a.getAddress(), port, a instanceof Inet6Address v6 ? v6.getScopeId() : 0);
        }

        /** Writes the sockaddr_in/sockaddr_in6 into {@code sa}; returns its length. */
        int write(MemorySegment sa) {
            sa.fill((byte) 0);
            sa.set(JAVA_SHORT, 0, (short) (v6 ? Libc.AF_INET6 : Libc.AF_INET));
            sa.set(JAVA_BYTE, 2, (byte) (port >> 8));
            sa.set(JAVA_BYTE, 3, (byte) port);
            int at = v6 ? 8 : 4;
            for (int i = 0; i < address.length; i++) sa.set(JAVA_BYTE, at + i, address[i]);
            if (v6) sa.set(JAVA_INT_UNALIGNED, 24, scopeId);
            return v6 ? 28 : 16;
        }
    }

    /** One connect in flight; {@code done} once answered (its deadline entry is then skipped, not searched for). */
    private static final class Pending {
        final Promise<CheckResult> promise;
        final long startNs, deadlineNs;
        final Target target;
        int fd = -1, serial;
        boolean done;

        Pending(Promise<CheckResult> promise, long startNs, long deadlineNs, Target target) {
            this.promise = promise; this.startNs = startNs; this.deadlineNs = deadlineNs; this.target = target;
        }
    }

    private final ConcurrentLinkedQueue<Pending> submitted = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Pending> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNs, b.deadlineNs));
    private final AtomicBoolean started = new AtomicBoolean();
    /** Set while the prober may block in epoll_wait: submitters then wake it (one wakeup per batch, not per probe). */
    private final AtomicBoolean selecting = new AtomicBoolean();
    private int epfd = -1, wakeFd = -1;
    /** Connects in epoll, by fd (an fd is in at most one connect at a time; the serial tells reuses apart). */
    private Pending[] byFd = new Pending[1024];
    private int serial;
    // the prober thread's own buffers: no per-probe native or heap allocation
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment errno = arena.allocate(Syscalls.ERRNO_SLOT);
    private final MemorySegment events = arena.allocate((long) EV_SIZE * MAX_EVENTS, 8);
    private final MemorySegment ctlEvent = arena.allocate(16, 8);
    private final MemorySegment sockaddr = arena.allocate(28, 8);
    private final MemorySegment intValue = arena.allocate(JAVA_INT), intLength = arena.allocate(JAVA_INT), counter = arena.allocate(JAVA_LONG);

    /** Made at first use, after the statics above (its buffers need them). */
    private static final class Holder {
        static final TcpProber INSTANCE = new TcpProber();
    }

    static TcpProber get() {
        TcpProber prober = Holder.INSTANCE;
        if (prober.started.compareAndSet(false, true)) {
            try {
                prober.open();
            } catch (IllegalStateException e) {
                prober.started.set(false);
                throw e;
            }
            Thread.ofPlatform().name("vigil-tcp-check").daemon().start(prober);
        }
        return prober;
    }

    private void open() {
        try {
            epfd = (int) call(EPOLL_CREATE1, errno, EPOLL_CLOEXEC);
            if (epfd < 0) throw new IllegalStateException("TCP_CHECK: epoll_create1: " + Libc.strerror(errnoOf(errno)));
            wakeFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            ctlEvent.set(JAVA_INT_UNALIGNED, 0, EPOLLIN);
            ctlEvent.set(JAVA_LONG_UNALIGNED, EV_DATA, WAKE);
            int rc = (int) call(EPOLL_CTL, errno, epfd, EPOLL_CTL_ADD, wakeFd, ptr(ctlEvent));
            if (rc < 0) throw new IllegalStateException("TCP_CHECK: epoll_ctl: " + Libc.strerror(errnoOf(errno)));
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("TCP_CHECK: cannot open epoll: " + t.getMessage(), t);
        }
    }

    /** A probe of {@code address}:{@code port} (an IP literal); its result, never a failed future. */
    Future<CheckResult> connect(InetAddress address, int port, String bindTo, long timeoutMs) {
        return connect(Target.of(address, port), bindTo, timeoutMs);
    }

    /** A probe of {@code target}; its result, never a failed future. */
    Future<CheckResult> connect(Target target, String bindTo, long timeoutMs) {
        Promise<CheckResult> p = Promise.promise();
        long now = System.nanoTime();
        Pending pending = new Pending(p, now, now + timeoutMs * 1_000_000L, target);
        // the socket is made here, on the caller's thread: a socket belongs to the network namespace of the thread
        // that creates it, and the prober thread is shared by checkers that may live in other namespaces
        MemorySegment cs = Syscalls.threadSlot();
        int fd = (int) call(SOCKET, cs, target.v6() ? Libc.AF_INET6 : Libc.AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            done(pending, false, failed(errnoOf(cs)));
            return p.future();
        }
        pending.fd = fd;
        if (bindTo != null) {
            int err = bind(fd, bindTo, cs);
            if (err != 0) {
                done(pending, false, err > 0 ? failed(err) : "connect failed: not an IP address: " + bindTo);
                return p.future();
            }
        }
        submitted.add(pending);
        if (selecting.compareAndSet(true, false)) wake();
        return p.future();
    }

    /** bind_to: 0, an errno, or -1 when the text is no IP literal. Rare (a setting), so its buffer is made per call. */
    private static int bind(int fd, String bindTo, MemorySegment cs) {
        InetAddress a;
        try { a = InetAddress.ofLiteral(bindTo); } catch (IllegalArgumentException e) { return -1; }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment sa = call.allocate(28, 8);
            int len = Target.of(a, 0).write(sa);
            int rc = (int) call(BIND, cs, fd, ptr(sa), len);
            return rc < 0 ? errnoOf(cs) : 0;
        }
    }

    private void wake() {
        call(WRITE, Syscalls.threadSlot(), wakeFd, ptr(WAKE_ONE), 8L);
    }

    /** 1, for the eventfd write (read-only, shared by the submitting threads). */
    private static final MemorySegment WAKE_ONE = one();

    private static MemorySegment one() {
        MemorySegment s = Arena.global().allocate(JAVA_LONG);
        s.set(JAVA_LONG, 0, 1L);
        return s;
    }

    @Override public void run() {
        try {
            while (true) {
                Pending n;
                while ((n = submitted.poll()) != null) start(n);
                expire(System.nanoTime());
                int waitMs = deadlines.isEmpty() ? 1000
                        : (int) Math.min(1000, Math.max(1, (deadlines.peek().deadlineNs - System.nanoTime()) / 1_000_000 + 1));
                selecting.set(true);
                int ready = (int) call(EPOLL_WAIT, errno, epfd, ptr(events), MAX_EVENTS, submitted.isEmpty() ? waitMs : 0);
                selecting.set(false);
                if (ready < 0) {
                    if (errnoOf(errno) == EINTR) continue;
                    throw new IllegalStateException("epoll_wait: " + Libc.strerror(errnoOf(errno)));
                }
                for (int i = 0; i < ready; i++) {
                    long data = events.get(JAVA_LONG_UNALIGNED, (long) i * EV_SIZE + EV_DATA);
                    if (data == WAKE) drainWake(); else finish(data);
                }
            }
        } catch (Throwable e) {
            System.err.println("vigil: TCP_CHECK prober failed: " + e);
        }
    }

    private void drainWake() {
        call(READ, errno, wakeFd, ptr(counter), 8L);
    }

    private void start(Pending p) {
        int len = p.target.write(sockaddr);
        int rc = (int) call(CONNECT, errno, p.fd, ptr(sockaddr), len);
        if (rc == 0) {
            done(p, true, "connected");
            return;
        }
        int err = errnoOf(errno);
        if (err != EINPROGRESS) {
            done(p, false, failed(err));
            return;
        }
        if (++serial <= 0) serial = 1;
        p.serial = serial;
        ctlEvent.set(JAVA_INT_UNALIGNED, 0, EPOLLOUT);
        ctlEvent.set(JAVA_LONG_UNALIGNED, EV_DATA, ((long) serial << 32) | p.fd);
        rc = (int) call(EPOLL_CTL, errno, epfd, EPOLL_CTL_ADD, p.fd, ptr(ctlEvent));
        if (rc < 0) {
            done(p, false, failed(errnoOf(errno)));
            return;
        }
        if (p.fd >= byFd.length) byFd = java.util.Arrays.copyOf(byFd, Math.max(byFd.length * 2, p.fd + 1));
        byFd[p.fd] = p;
        deadlines.add(p);
    }

    /** The kernel answered a connect: SO_ERROR says how. */
    private void finish(long data) {
        int fd = (int) data, s = (int) (data >>> 32);
        Pending p = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
        if (p == null || p.serial != s || p.done) return;
        byFd[fd] = null;
        intLength.set(JAVA_INT, 0, 4);
        int rc = (int) call(GETSOCKOPT, errno, fd, SOL_SOCKET, SO_ERROR, ptr(intValue), ptr(intLength));
        int err = rc < 0 ? errnoOf(errno) : intValue.get(JAVA_INT, 0);
        done(p, err == 0, err == 0 ? "connected" : failed(err));
    }

    private void expire(long now) {
        Pending p;
        while ((p = deadlines.peek()) != null && p.deadlineNs <= now) {
            deadlines.poll();
            if (p.done) continue;
            if (p.fd >= 0 && p.fd < byFd.length && byFd[p.fd] == p) byFd[p.fd] = null;
            done(p, false, "connect failed: connection timed out after " + (p.deadlineNs - p.startNs) / 1_000_000 + " ms");
        }
    }

    /** Closing the fd also takes it out of epoll. */
    private static void done(Pending p, boolean up, String detail) {
        p.done = true;
        if (p.fd >= 0) Libc.close(p.fd);
        p.fd = -1;
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - p.startNs);
        p.promise.tryComplete(up ? CheckResult.up(took, detail) : CheckResult.down(took, detail));
    }

    private static int errnoOf(MemorySegment cs) { return Syscalls.errno(cs); }

    /** "connect failed: Connection refused": the text the JDK's ConnectException carried (strerror's). */
    static String failed(int errno) {
        if (errno <= 0 || errno >= FAILED.length) return "connect failed: " + Libc.strerror(errno);
        String s = FAILED[errno];
        if (s == null) FAILED[errno] = s = "connect failed: " + Libc.strerror(errno);
        return s;
    }
}
