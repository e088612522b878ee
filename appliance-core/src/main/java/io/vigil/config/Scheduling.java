package io.vigil.config;

import java.util.List;

/**
 * global_defs scheduling of keepalived's VRRP and checker processes, which Vigil applies to its VRRP threads
 * ({@code vrrp}, receive, {@code vrrp-io}) and checker threads (Vert.x event loops, {@code vigil-ipvs}).
 * {@code maxAutoPriority} 0 = off (keepalived's default); {@code minAutoPriorityDelayUs} default 1 s.
 */
public record Scheduling(Tuning vrrp, Tuning checker, int maxAutoPriority, long minAutoPriorityDelayUs) {
    public static final long DEFAULT_MIN_AUTO_DELAY_US = 1_000_000;
    public static final Scheduling NONE = new Scheduling(Tuning.NONE, Tuning.NONE, 0, DEFAULT_MIN_AUTO_DELAY_US);

    /**
     * One process's keywords: {@code nice} (*_priority, -20..19, 0 = unset), {@code rtPriority} (*_rt_priority, SCHED_RR
     * 1..99, 0 = unset), {@code rlimitRttimeUs} (*_rlimit_rttime, 0 = unset), {@code noSwap}, {@code cpus} (*_cpu_affinity).
     */
    public record Tuning(int nice, int rtPriority, long rlimitRttimeUs, boolean noSwap, List<Integer> cpus) {
        public static final Tuning NONE = new Tuning(0, 0, 0, false, List.of());
        public Tuning { cpus = List.copyOf(cpus); }
        public boolean isEmpty() { return equals(NONE); }
    }
}
