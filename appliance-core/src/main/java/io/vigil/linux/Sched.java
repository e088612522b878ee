package io.vigil.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Scheduling and memory locking of threads and of the process (FFM): what keepalived's vrrp_rt_priority,
 * vrrp_priority, vrrp_cpu_affinity, vrrp_no_swap and vrrp_rlimit_rttime do to its processes, applied here to one
 * thread (a Linux task, named by its tid) or to the whole JVM where Linux has only a process-wide setting (mlockall,
 * RLIMIT_RTTIME). Failures are {@link LinuxException}s naming the call and errno.
 */
public final class Sched {
    public static final int SCHED_OTHER = 0, SCHED_RR = 2;
    /** Threads and processes created by an RT thread (notify scripts, helpers) must not inherit RT. */
    public static final int SCHED_RESET_ON_FORK = 0x40000000;
    public static final int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;
    public static final int RLIMIT_RTTIME = 15;
    private static final int PRIO_PROCESS = 0;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static MethodHandle call(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd,
                Linker.Option.captureCallState("errno"));
    }

    private static final MethodHandle GETTID = call("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SETSCHEDULER = call("sched_setscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETSCHEDULER = call("sched_getscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETPARAM = call("sched_getparam", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETPRIORITY = call("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETAFFINITY = call("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETAFFINITY = call("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle MLOCKALL = call("mlockall", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETRLIMIT = call("setrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    /** cpu_set_t of glibc: 1024 CPUs. */
    private static final int CPUSET_BYTES = 128;

    private Sched() {}

    private static LinuxException fail(String op, MemorySegment cs) {
        return new LinuxException(op, (int) ERRNO.get(cs, 0L));
    }

    /** The calling thread's Linux task id. */
    public static int gettid() {
        try {
            return (int) GETTID.invokeExact(CAPTURE.get());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sched_setscheduler(tid, policy, {priority}); policy may carry {@link #SCHED_RESET_ON_FORK}. */
    public static void setScheduler(int tid, int policy, int priority) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            p.set(JAVA_INT, 0, priority);
            if ((int) SETSCHEDULER.invokeExact(cs, tid, policy, p) != 0) throw fail("sched_setscheduler", cs);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sched_getscheduler(tid) without {@link #SCHED_RESET_ON_FORK}. */
    public static int scheduler(int tid) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try {
            int r = (int) GETSCHEDULER.invokeExact(cs, tid);
            if (r < 0) throw fail("sched_getscheduler", cs);
            return r & ~SCHED_RESET_ON_FORK;
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The real-time priority of tid (0 for SCHED_OTHER). */
    public static int rtPriority(int tid) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            if ((int) GETPARAM.invokeExact(cs, tid, p) != 0) throw fail("sched_getparam", cs);
            return p.get(JAVA_INT, 0);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** setpriority(PRIO_PROCESS, tid, nice): on Linux the nice value of that one thread. */
    public static void setNice(int tid, int nice) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try {
            if ((int) SETPRIORITY.invokeExact(cs, PRIO_PROCESS, tid, nice) != 0) throw fail("setpriority", cs);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void setAffinity(int tid, BitSet cpus) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(CPUSET_BYTES);
            for (int c = cpus.nextSetBit(0); c >= 0 && c < CPUSET_BYTES * 8; c = cpus.nextSetBit(c + 1))
                set.set(java.lang.foreign.ValueLayout.JAVA_BYTE, c / 8, (byte) (set.get(java.lang.foreign.ValueLayout.JAVA_BYTE, c / 8) | (1 << (c % 8))));
            if ((int) SETAFFINITY.invokeExact(cs, tid, (long) CPUSET_BYTES, set) != 0) throw fail("sched_setaffinity", cs);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static BitSet affinity(int tid) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(CPUSET_BYTES);
            if ((int) GETAFFINITY.invokeExact(cs, tid, (long) CPUSET_BYTES, set) < 0) throw fail("sched_getaffinity", cs);
            return BitSet.valueOf(set.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void mlockall(int flags) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try {
            if ((int) MLOCKALL.invokeExact(cs, flags) != 0) throw fail("mlockall", cs);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void setrlimit(int resource, long soft, long hard) throws LinuxException {
        MemorySegment cs = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(JAVA_LONG, 2);
            r.setAtIndex(JAVA_LONG, 0, soft);
            r.setAtIndex(JAVA_LONG, 1, hard);
            if ((int) SETRLIMIT.invokeExact(cs, resource, r) != 0) throw fail("setrlimit", cs);
        } catch (LinuxException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
