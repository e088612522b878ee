package io.vigil.journal.store;

import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.PosixAPIHolder;
import net.openhft.posix.internal.jnr.JNRPosixAPI;
import net.openhft.posix.internal.noop.NoOpPosixAPI;

import io.vigil.linux.Syscalls;

import java.lang.invoke.MethodHandle;

/**
 * Chronicle's POSIX layer, built on its first real call instead of when Chronicle's {@code Jvm} class initialises.
 * {@code Jvm}'s initialiser asks for {@code PosixAPI.posix()} only to have it ready; building it makes JNR generate
 * native stubs (ASM, ~600 classes, ~0.2 s of CPU on a 2-core box), on {@code vigil run}'s path to its first
 * advert. The journal uses it for msync only (SyncMode.SYNC), after it is open: that call goes straight to msync(2)
 * ({@link Msync}); any other, or an msync that fails (for Chronicle's error text), builds the real one, the same
 * object Chronicle would have built (JNR's, or its no-op one if JNR fails), then installed in Chronicle's holder.
 * A plain delegate, not a dynamic proxy: generating a proxy class cost ~60 ms at start-up, and this one is in the
 * AOT cache. It forwards every abstract method and the defaults JNR's implementation overrides (mlock*).
 */
public final class LazyPosix implements PosixAPI {
    private PosixAPI real;

    private LazyPosix() { }

    /** Installs the lazy one unless Chronicle's POSIX layer was built already. Idempotent. */
    public static synchronized void install() {
        if (PosixAPIHolder.POSIX_API != null) return;
        PosixAPIHolder.POSIX_API = create();
    }

    /** A lazy one, not installed (tests). */
    static PosixAPI create() { return new LazyPosix(); }

    /** Whether {@code lazy} (from {@link #create}) built the real one yet (tests). */
    static boolean built(PosixAPI lazy) {
        var l = (LazyPosix) lazy;
        synchronized (l) { return l.real != null; }
    }

    private synchronized PosixAPI real() {
        if (real == null) {
            PosixAPI built;
            try {
                built = new JNRPosixAPI();                  // as PosixAPIHolder.loadPosixApi does on Unix
            } catch (Throwable t) {
                built = new NoOpPosixAPI(t.toString());
            }
            real = built;
            synchronized (LazyPosix.class) { PosixAPIHolder.POSIX_API = built; }
        }
        return real;
    }

    @Override public int msync(long address, long length, int flags) {
        int r = Msync.call(address, length, flags);
        return r == 0 ? 0 : real().msync(address, length, flags); // again through JNR, whose errno Chronicle then reads
    }

    @Override public int close(int a0) { return real().close(a0); }
    @Override public int fallocate(int a0, int a1, long a2, long a3) { return real().fallocate(a0, a1, a2, a3); }
    @Override public int ftruncate(int a0, long a1) { return real().ftruncate(a0, a1); }
    @Override public long lseek(int a0, long a1, int a2) { return real().lseek(a0, a1, a2); }
    @Override public int lockf(int a0, int a1, long a2) { return real().lockf(a0, a1, a2); }
    @Override public int madvise(long a0, long a1, int a2) { return real().madvise(a0, a1, a2); }
    @Override public long mmap(long a0, long a1, int a2, int a3, int a4, long a5) { return real().mmap(a0, a1, a2, a3, a4, a5); }
    @Override public int munmap(long a0, long a1) { return real().munmap(a0, a1); }
    @Override public int open(CharSequence a0, int a1, int a2) { return real().open(a0, a1, a2); }
    @Override public long read(int a0, long a1, long a2) { return real().read(a0, a1, a2); }
    @Override public long write(int a0, long a1, long a2) { return real().write(a0, a1, a2); }
    @Override public int gettimeofday(long a0) { return real().gettimeofday(a0); }
    @Override public int sched_setaffinity(int a0, int a1, long a2) { return real().sched_setaffinity(a0, a1, a2); }
    @Override public int sched_getaffinity(int a0, int a1, long a2) { return real().sched_getaffinity(a0, a1, a2); }
    @Override public int lastError() { return real().lastError(); }
    @Override public long clock_gettime(int a0) { return real().clock_gettime(a0); }
    @Override public long malloc(long a0) { return real().malloc(a0); }
    @Override public void free(long a0) { real().free(a0); }
    @Override public int get_nprocs() { return real().get_nprocs(); }
    @Override public int get_nprocs_conf() { return real().get_nprocs_conf(); }
    @Override public int getpid() { return real().getpid(); }
    @Override public int gettid() { return real().gettid(); }
    @Override public String strerror(int a0) { return real().strerror(a0); }
    @Override public boolean mlock(long a0, long a1) { return real().mlock(a0, a1); }
    @Override public boolean mlock2(long a0, long a1, boolean a2) { return real().mlock2(a0, a1, a2); }
    @Override public void mlockall(int a0) { real().mlockall(a0); }

    @Override public String toString() { return "LazyPosix"; }

    /**
     * msync(2) by a downcall of its own: the journal's one POSIX call, and its writer makes it right after the first
     * entry (SYNC_BATCH), while VRRP starts; through JNR that first call would build JNR's stubs then.
     */
    private static final class Msync {
        private static final MethodHandle MSYNC = handle();

        private static MethodHandle handle() {
            try {
                return Syscalls.link("msync", 3);
            } catch (Throwable t) {
                return null;    // then JNR's
            }
        }

        /** msync's result, or -1 when it failed or could not be called here. */
        static int call(long address, long length, int flags) {
            if (MSYNC == null) return -1;
            try {
                return (int) Syscalls.call(MSYNC, Syscalls.threadSlot(), address, length, flags);
            } catch (RuntimeException e) {
                return -1;
            }
        }
    }
}
