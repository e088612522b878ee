package io.vigil.linux;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One dedicated platform thread moved into a named network namespace with setns(2). The network namespace is
 * per thread on Linux, and a socket belongs to the namespace of the thread that created it for its whole life,
 * so opening sockets here gives an in-JVM handle to another namespace that any thread may then use. Threads
 * started FROM this thread inherit the namespace; other JVM threads are unaffected.
 */
public final class NetnsExecutor implements AutoCloseable {
    private final String name;
    private final ExecutorService thread;

    private NetnsExecutor(String name, ExecutorService thread) {
        this.name = name;
        this.thread = thread;
    }

    /** Starts a thread in {@code /var/run/netns/NAME} (as created by {@code ip netns add NAME}). */
    public static NetnsExecutor enter(String netnsName) throws LinuxException {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().daemon().name("netns-" + netnsName).unstarted(r);
            return t;
        });
        Future<?> f = ex.submit(() -> {
            int nsfd = Libc.open("/var/run/netns/" + netnsName, Libc.O_RDONLY);
            try {
                Libc.setns(nsfd, Libc.CLONE_NEWNET, "setns(" + netnsName + ", CLONE_NEWNET)");
            } finally {
                Libc.close(nsfd);
            }
            return null;
        });
        try {
            f.get();
        } catch (ExecutionException e) {
            ex.shutdownNow();
            if (e.getCause() instanceof LinuxException le) throw le;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            ex.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted entering netns " + netnsName, e);
        }
        return new NetnsExecutor(netnsName, ex);
    }

    public String namespace() { return name; }

    /** Runs {@code task} on the namespace thread and returns its result (its exception is rethrown as is). */
    public <T> T call(Callable<T> task) throws Exception {
        try {
            return thread.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    @Override public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
