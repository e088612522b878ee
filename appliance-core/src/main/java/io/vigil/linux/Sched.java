package io.vigil.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
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

    private static final MethodHandle GETTID = Syscalls.link("gettid", 0);
    private static final MethodHandle SETSCHEDULER = Syscalls.link("sched_setscheduler", 3);
    private static final MethodHandle GETSCHEDULER = Syscalls.link("sched_getscheduler", 1);
    private static final MethodHandle GETPARAM = Syscalls.link("sched_getparam", 2);
    private static final MethodHandle SETPRIORITY = Syscalls.link("setpriority", 3);
    private static final MethodHandle SETAFFINITY = Syscalls.link("sched_setaffinity", 3);
    private static final MethodHandle GETAFFINITY = Syscalls.link("sched_getaffinity", 3);
    private static final MethodHandle MLOCKALL = Syscalls.link("mlockall", 1);
    private static final MethodHandle SETRLIMIT = Syscalls.link("setrlimit", 2);
    /** cpu_set_t of glibc: 1024 CPUs. */
    private static final int CPUSET_BYTES = 128;

    private Sched() {}

    private static LinuxException fail(String op, MemorySegment cs) {
        return new LinuxException(op, Syscalls.errno(cs));
    }

    /** The calling thread's Linux task id. */
    public static int gettid() {
        return (int) Syscalls.call(GETTID, Syscalls.threadSlot());
    }

    /** sched_setscheduler(tid, policy, {priority}); policy may carry {@link #SCHED_RESET_ON_FORK}. */
    public static void setScheduler(int tid, int policy, int priority) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            p.set(JAVA_INT, 0, priority);
            if ((int) Syscalls.call(SETSCHEDULER, cs, tid, policy, Syscalls.ptr(p)) != 0) throw fail("sched_setscheduler", cs);
        }
    }

    /** sched_getscheduler(tid) without {@link #SCHED_RESET_ON_FORK}. */
    public static int scheduler(int tid) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        int r = (int) Syscalls.call(GETSCHEDULER, cs, tid);
        if (r < 0) throw fail("sched_getscheduler", cs);
        return r & ~SCHED_RESET_ON_FORK;
    }

    /** The real-time priority of tid (0 for SCHED_OTHER). */
    public static int rtPriority(int tid) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            if ((int) Syscalls.call(GETPARAM, cs, tid, Syscalls.ptr(p)) != 0) throw fail("sched_getparam", cs);
            return p.get(JAVA_INT, 0);
        }
    }

    /** setpriority(PRIO_PROCESS, tid, nice): on Linux the nice value of that one thread. */
    public static void setNice(int tid, int nice) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        if ((int) Syscalls.call(SETPRIORITY, cs, PRIO_PROCESS, tid, nice) != 0) throw fail("setpriority", cs);
    }

    public static void setAffinity(int tid, BitSet cpus) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(CPUSET_BYTES);
            for (int c = cpus.nextSetBit(0); c >= 0 && c < CPUSET_BYTES * 8; c = cpus.nextSetBit(c + 1))
                set.set(JAVA_BYTE, c / 8, (byte) (set.get(JAVA_BYTE, c / 8) | (1 << (c % 8))));
            if ((int) Syscalls.call(SETAFFINITY, cs, tid, CPUSET_BYTES, Syscalls.ptr(set)) != 0) throw fail("sched_setaffinity", cs);
        }
    }

    public static BitSet affinity(int tid) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(CPUSET_BYTES);
            if ((int) Syscalls.call(GETAFFINITY, cs, tid, CPUSET_BYTES, Syscalls.ptr(set)) < 0) throw fail("sched_getaffinity", cs);
            return BitSet.valueOf(set.toArray(JAVA_BYTE));
        }
    }

    public static void mlockall(int flags) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        if ((int) Syscalls.call(MLOCKALL, cs, flags) != 0) throw fail("mlockall", cs);
    }

    public static void setrlimit(int resource, long soft, long hard) throws LinuxException {
        MemorySegment cs = Syscalls.threadSlot();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(JAVA_LONG, 2);
            r.setAtIndex(JAVA_LONG, 0, soft);
            r.setAtIndex(JAVA_LONG, 1, hard);
            if ((int) Syscalls.call(SETRLIMIT, cs, resource, Syscalls.ptr(r)) != 0) throw fail("setrlimit", cs);
        }
    }
}
