package io.vigil.node;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Puts the calling thread in SCHED_RR at a low real-time priority, like keepalived's vrrp_rt_priority, so a
 * busy box (checks, GC threads, other daemons) cannot starve advert sending. Java thread priorities are ignored on
 * Linux, hence the syscall. Failure (no CAP_SYS_NICE, container limits) is not fatal: the thread just stays normal.
 */
final class RealtimeScheduling {
    private static final int SCHED_OTHER = 0, SCHED_RR = 2;
    /** Threads and processes created by an RT thread (log writer, Chronicle helpers, notify scripts) must not inherit RT. */
    private static final int SCHED_RESET_ON_FORK = 0x40000000;
    static final int PRIORITY = Integer.getInteger("vigil.vrrp.rtprio", 10);

    private RealtimeScheduling() { }

    static boolean tryRaise() { return tryRaise(PRIORITY); }

    /** Back to SCHED_OTHER (the calling thread): for work that was real-time only while the vrrp thread could wait on it. */
    static boolean lower() {
        try (Arena a = Arena.ofConfined()) {
            Linker l = Linker.nativeLinker();
            MethodHandle set = l.downcallHandle(l.defaultLookup().find("sched_setscheduler").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
            MemorySegment param = a.allocate(JAVA_INT);
            param.set(JAVA_INT, 0, 0);
            return (int) set.invokeExact(0, SCHED_OTHER, param) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** As {@link #tryRaise()} at {@code priority} (the receive and address threads sit just below the vrrp thread). */
    static boolean tryRaise(int priority) {
        if (PRIORITY <= 0 || priority <= 0) return false;
        try (Arena a = Arena.ofConfined()) {
            Linker l = Linker.nativeLinker();
            MethodHandle set = l.downcallHandle(l.defaultLookup().find("sched_setscheduler").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
            MemorySegment param = a.allocate(JAVA_INT);
            param.set(JAVA_INT, 0, priority);
            return (int) set.invokeExact(0, SCHED_RR | SCHED_RESET_ON_FORK, param) == 0; // pid 0 = this thread (a Linux task)
        } catch (Throwable t) {
            return false;
        }
    }
}
