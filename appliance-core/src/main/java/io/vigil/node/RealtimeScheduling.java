package io.vigil.node;

import io.vigil.linux.LinuxException;
import io.vigil.linux.Sched;

/**
 * Puts the calling thread in SCHED_RR at a low real-time priority, like keepalived's vrrp_rt_priority, so a
 * busy box (checks, GC threads, other daemons) cannot starve advert sending. Java thread priorities are ignored on
 * Linux, hence the syscall. Failure (no CAP_SYS_NICE, container limits) is not fatal: the thread just stays normal.
 */
final class RealtimeScheduling {
    static final int PRIORITY = Integer.getInteger("vigil.vrrp.rtprio", 10);

    private RealtimeScheduling() { }

    static boolean tryRaise() { return tryRaise(PRIORITY); }

    /** Back to SCHED_OTHER (the calling thread): for work that was real-time only while the vrrp thread could wait on it. */
    static boolean lower() {
        return set(Sched.SCHED_OTHER, 0);
    }

    /** As {@link #tryRaise()} at {@code priority} (the receive and address threads sit just below the vrrp thread). */
    static boolean tryRaise(int priority) {
        if (PRIORITY <= 0 || priority <= 0) return false;
        return set(Sched.SCHED_RR | Sched.SCHED_RESET_ON_FORK, priority);
    }

    private static boolean set(int policy, int priority) {
        try {
            Sched.setScheduler(0, policy, priority); // tid 0 = this thread (a Linux task)
            return true;
        } catch (LinuxException | RuntimeException e) {
            return false;
        }
    }
}
