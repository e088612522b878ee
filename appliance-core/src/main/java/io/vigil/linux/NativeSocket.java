package io.vigil.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * What every socket here shares: the fd, a shared arena for its native buffers, an eventfd so a blocked
 * receive can be woken ({@link #wakeup()}) and a close that waits for a receiver to leave before freeing the fd
 * (so a recycled fd number is never read by a stale receiver). Sends and receives may run on different threads.
 */
abstract class NativeSocket implements AutoCloseable {
    enum Ready { READABLE, TIMEOUT, WOKEN }

    protected final int fd;
    private final int wakeFd;
    protected final Arena arena = Arena.ofShared();
    protected final ReentrantLock sendLock = new ReentrantLock();
    protected final ReentrantLock receiveLock = new ReentrantLock();
    private final MemorySegment pollFds;
    private volatile boolean closed;
    private final Object wakeGuard = new Object();
    private boolean wakeFdClosed;

    protected NativeSocket(int fd) throws LinuxException {
        this.fd = fd;
        int w;
        try {
            w = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        } catch (LinuxException e) {
            Libc.close(fd);
            arena.close();
            throw e;
        }
        this.wakeFd = w;
        this.pollFds = arena.allocate(16, 8); // 2 x struct pollfd { int fd; short events; short revents; }
    }

    /** The raw file descriptor (for diagnostics; do not close it). */
    public int fd() { return fd; }

    public boolean isClosed() { return closed; }

    protected void ensureOpen() throws ClosedChannelException {
        if (closed) throw new ClosedChannelException();
    }

    /** Makes a receive blocked in this socket return at once (empty). Safe from any thread. */
    public void wakeup() {
        synchronized (wakeGuard) { // never write to the eventfd number after close() released it
            if (wakeFdClosed) return;
            try {
                Libc.eventfdSignal(wakeFd);
            } catch (LinuxException ignored) {
                // the counter cannot overflow at one signal per call; nothing else can fail here
            }
        }
    }

    /** Waits until the socket is readable, the timeout passes, or {@link #wakeup()}/{@link #close()} is called. Hold receiveLock. */
    protected Ready awaitReadable(Duration timeout) throws LinuxException, ClosedChannelException {
        return awaitReadable(timeout.toNanos());
    }

    /** As {@link #awaitReadable(Duration)} in nanoseconds (no Duration per call on a receive loop). */
    protected Ready awaitReadable(long timeoutNanos) throws LinuxException, ClosedChannelException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            ensureOpen();
            long left = deadline - System.nanoTime();
            int ms = left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
            pollFds.set(JAVA_INT, 0, fd);
            pollFds.set(JAVA_SHORT, 4, Libc.POLLIN);
            pollFds.set(JAVA_SHORT, 6, (short) 0);
            pollFds.set(JAVA_INT, 8, wakeFd);
            pollFds.set(JAVA_SHORT, 12, Libc.POLLIN);
            pollFds.set(JAVA_SHORT, 14, (short) 0);
            int n = Libc.poll(pollFds, 2, ms);
            if (n > 0) {
                if (pollFds.get(JAVA_SHORT, 14) != 0) {
                    Libc.eventfdDrain(wakeFd);
                    ensureOpen();
                    return Ready.WOKEN;
                }
                if (pollFds.get(JAVA_SHORT, 6) != 0) return Ready.READABLE;
            }
            if (deadline - System.nanoTime() <= 0) return Ready.TIMEOUT;
        }
    }

    /** Closes the socket; a receiver blocked in another thread returns (ClosedChannelException) first. Idempotent. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        wakeup();
        receiveLock.lock();
        sendLock.lock();
        try {
            Libc.close(fd);
            synchronized (wakeGuard) {
                Libc.close(wakeFd);
                wakeFdClosed = true;
            }
            arena.close();
        } finally {
            sendLock.unlock();
            receiveLock.unlock();
        }
    }
}
