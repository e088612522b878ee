package io.vigil.node;

import io.vigil.config.Scheduling;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.linux.LinuxException;
import io.vigil.linux.Sched;

import java.util.BitSet;
import java.util.stream.Collectors;

/**
 * keepalived's process scheduling keywords applied to Vigil's threads (linux.Sched, by tid): SCHED_RR priority,
 * nice and CPU affinity per thread; mlockall and RLIMIT_RTTIME for the process, which Linux has only per process.
 * Each setting is journaled as {@code host-changed} (owner the thread) and logged; a failure is a warning naming
 * the errno, never fatal: the thread keeps running as it was.
 */
final class ThreadTuning {
    private final Journal journal;

    ThreadTuning(Journal journal) { this.journal = journal; }

    /**
     * Applies {@code t} to the calling thread. {@code rt} is its SCHED_RR priority (the configured one, or Vigil's
     * default; 0 = leave the policy alone); {@code report} false keeps the default, unconfigured path silent as before.
     */
    void applySelf(String thread, Scheduling.Tuning t, int rt, boolean report) {
        int tid = Sched.gettid();
        if (rt > 0) {
            String v = "SCHED_RR " + rt;
            try {
                Sched.setScheduler(tid, Sched.SCHED_RR | Sched.SCHED_RESET_ON_FORK, rt);
                if (report) done(thread, "scheduler", v, tid, null);
            } catch (LinuxException e) {
                if (report) done(thread, "scheduler", v, tid, e);
                else NodeLog.warn(thread + " thread stays at normal scheduling priority (SCHED_RR refused: " + e.getMessage() + ")");
            }
        }
        if (t.nice() != 0) {
            try { Sched.setNice(tid, t.nice()); done(thread, "nice", Integer.toString(t.nice()), tid, null); }
            catch (LinuxException e) { done(thread, "nice", Integer.toString(t.nice()), tid, e); }
        }
        if (!t.cpus().isEmpty()) {
            BitSet set = new BitSet();
            t.cpus().forEach(set::set);
            String v = t.cpus().stream().map(String::valueOf).collect(Collectors.joining(","));
            try { Sched.setAffinity(tid, set); done(thread, "affinity", v, tid, null); }
            catch (LinuxException e) { done(thread, "affinity", v, tid, e); }
        }
    }

    /** mlockall (either no_swap) and RLIMIT_RTTIME (the larger written), once per process. */
    void applyProcess(Scheduling s) {
        if (s.vrrp().noSwap() || s.checker().noSwap()) {
            // MCL_ONFAULT as keepalived: without it every thread stack and reserved heap page of the JVM would be made resident
            try { Sched.mlockall(Sched.MCL_CURRENT | Sched.MCL_FUTURE | Sched.MCL_ONFAULT); done("process", "mlockall", "MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT", -1, null); }
            catch (LinuxException e) { done("process", "mlockall", "MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT", -1, e); }
        }
        long l = Math.max(s.vrrp().rlimitRttimeUs(), s.checker().rlimitRttimeUs());
        if (l > 0) {
            String v = "soft " + l / 2 + " hard " + l + " µs";
            try {
                // SIGXCPU at the soft limit would end the JVM: log it instead, as keepalived's log_sigxcpu
                sun.misc.Signal.handle(new sun.misc.Signal("XCPU"), sig -> NodeLog.warn("SIGXCPU: a real-time thread "
                        + "used more than half of RLIMIT_RTTIME without blocking; at the hard limit the kernel kills Vigil"));
                Sched.setrlimit(Sched.RLIMIT_RTTIME, l / 2, l);
                done("process", "rlimit_rttime", v, -1, null);
            } catch (LinuxException | IllegalArgumentException e) {
                done("process", "rlimit_rttime", v, -1, e);
            }
        }
    }

    /** keepalived's increment_process_priority: the next SCHED_RR priority after {@code current}, or 0 at {@code max}. */
    static int nextAutoPriority(int current, int max) {
        if (max <= 0 || current >= max) return 0;
        return current <= 0 ? 1 : current + 1;
    }

    /** Raises the calling thread to {@code rt} after a timer {@code lateUs} late (max_auto_priority). */
    void autoRaise(String thread, int rt, long lateUs) {
        NodeLog.info("A thread timer expired " + String.format("%d.%06d", lateUs / 1_000_000, lateUs % 1_000_000)
                + " seconds ago");
        int tid = Sched.gettid();
        try {
            Sched.setScheduler(tid, Sched.SCHED_RR | Sched.SCHED_RESET_ON_FORK, rt);
            done(thread, "scheduler", "SCHED_RR " + rt + " (max_auto_priority: a timer " + lateUs + " µs late)", tid, null);
        } catch (LinuxException e) {
            done(thread, "scheduler", "SCHED_RR " + rt + " (max_auto_priority)", tid, e);
        }
    }

    private void done(String owner, String setting, String value, int tid, Exception e) {
        String v = value + (tid > 0 ? " (tid " + tid + ")" : "");
        journal.append(Cause.NONE, new Event.HostChanged(owner, setting, v, e == null, e == null ? "" : String.valueOf(e.getMessage())));
        if (e == null) NodeLog.info(owner + ": " + setting + " " + v);
        else NodeLog.warn(owner + ": cannot set " + setting + " " + v + ": " + e.getMessage() + " (it runs as it was)");
    }
}
