package io.vigil.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The one thread that steps the VRRP engines and sends adverts. Received packets reach it through the receive
 * threads' rings ({@link Host#drainReceived()}, woken by {@link #wake()}); everything else through a lock-free inbox
 * (tracker and link changes, reload, stop). It sleeps exactly until
 * the engines' next deadline or the next inbox item, whichever comes first. Work that could block (netlink
 * address changes, GARP trains, notify scripts, journal I/O) is handed on by the {@link Host}, never done here.
 */
public final class VrrpThread {

    /** The engines' side; called on the vrrp thread only. */
    public interface Host {
        /** Steps every engine whose deadline is at or before {@code now}. */
        void tick(long now);

        /** Earliest engine deadline (System.nanoTime() scale), Long.MAX_VALUE if none. */
        long nextDeadline();

        /** Handles what the receive threads handed over (their rings) since the last call; must not allocate per packet. */
        default void drainReceived() { }

        /** Whether a receive ring holds a packet {@link #drainReceived()} has not taken yet (checked before sleeping). */
        default boolean receivedPending() { return false; }
    }

    private static final long MAX_SLEEP = 100_000_000L; // re-check at least every 100 ms: cheap insurance

    private final Host host;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    // scheduling, set before start(): see tuning()
    private volatile Runnable onStart;
    private volatile AutoRaise autoRaise;
    private int rt, maxAuto;
    private long minLateNs;

    /** Raises the calling (vrrp) thread to SCHED_RR {@code rt}, a timer having been {@code lateUs} late. */
    public interface AutoRaise { void raise(int rt, long lateUs); }

    public VrrpThread(Host host) {
        this.host = host;
        this.thread = Thread.ofPlatform().name("vrrp").priority(Thread.MAX_PRIORITY).unstarted(this::loop);
    }

    public void start() { thread.start(); }

    /**
     * Before {@link #start()}: {@code onStart} sets the thread's scheduling (instead of Vigil's default SCHED_RR), and
     * max_auto_priority as keepalived: a timer found more than {@code minLateUs} late raises the SCHED_RR priority
     * by one (from {@code rt}; from 1 if not real-time), up to {@code maxAuto}.
     */
    public void tuning(Runnable onStart, int rt, int maxAuto, long minLateUs, AutoRaise raise) {
        this.onStart = onStart;
        this.rt = rt;
        this.maxAuto = maxAuto;
        this.minLateNs = minLateUs * 1000;
        this.autoRaise = raise;
    }

    public Thread thread() { return thread; }

    /** From any thread; never blocks. */
    public void submit(Runnable task) {
        inbox.offer(task);
        LockSupport.unpark(thread);
    }

    /** Runs {@code task} on the vrrp thread and completes with its result (reload, stop, status queries). */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(() -> {
            try { f.complete(task.get()); } catch (Throwable t) { f.completeExceptionally(t); }
        });
        return f;
    }

    /** Wakes the loop to drain the receive rings (any thread; allocates nothing). */
    public void wake() { LockSupport.unpark(thread); }

    public boolean onVrrpThread() { return Thread.currentThread() == thread; }

    /** Ends the loop after the inbox items already queued have run. */
    public void stop() {
        submit(() -> running = false);
    }

    public void join() throws InterruptedException { thread.join(); }

    private void loop() {
        Runnable start = onStart;
        if (start != null) start.run();
        else if (!RealtimeScheduling.tryRaise()) NodeLog.warn("vrrp thread stays at normal scheduling priority (SCHED_RR refused)");
        while (running) {
            Runnable r;
            while ((r = inbox.poll()) != null) {
                try { r.run(); } catch (Throwable t) { report(t); }
            }
            try { host.drainReceived(); } catch (Throwable t) { report(t); }
            long now = System.nanoTime();
            if (maxAuto > 0 && now - host.nextDeadline() > minLateNs && host.nextDeadline() != Long.MAX_VALUE) {
                int next = ThreadTuning.nextAutoPriority(rt, maxAuto);
                if (next > 0) {
                    rt = next;
                    try { autoRaise.raise(next, (now - host.nextDeadline()) / 1000); } catch (Throwable t) { report(t); }
                }
            }
            if (now - host.nextDeadline() >= 0) {
                try { host.tick(now); } catch (Throwable t) { report(t); }
            }
            long wait = host.nextDeadline() - System.nanoTime();
            if (wait > 0 && inbox.isEmpty() && !host.receivedPending() && running) LockSupport.parkNanos(this, Math.min(wait, MAX_SLEEP));
        }
    }

    private static void report(Throwable t) {
        // a bug in one step must not stop VRRP for every instance; it is printed once with its stack for the developer
        System.err.println("vigil: vrrp thread: " + t);
        t.printStackTrace();
    }
}
