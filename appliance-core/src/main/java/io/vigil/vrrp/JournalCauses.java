package io.vigil.vrrp;

import io.vigil.journal.Cause;

import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Turns the engine's causes into journal causes and the words an operator reads in the log. Pure: the node and the
 * forensic simulation journal through the same mapping.
 */
public final class JournalCauses {
    private JournalCauses() { }

    /**
     * What the node knows around one engine cause.
     *
     * @param device      the instance's interface (adverts arrive there)
     * @param trackerSeq  journal sequence of the latest event of each tracker (e.g. the CheckResult of a track_script)
     * @param configCause the cause of the configuration now in force (start-up or reload)
     * @param stopCause   what is stopping the node (signal)
     * @param reload      the step belongs to a reload: start and stop are the reload's doing, not a signal's
     * @param wallOf      the engine's monotonic nanoseconds to wall-clock nanoseconds
     */
    public record Context(String device, Map<String, Long> trackerSeq, Cause configCause, Cause stopCause, boolean reload,
                   LongUnaryOperator wallOf) {}

    public static Cause journal(io.vigil.vrrp.Cause c, Context x) {
        return switch (c) {
            case io.vigil.vrrp.Cause.Startup s -> x.configCause();
            case io.vigil.vrrp.Cause.Advert a -> vrrp(Cause.Vrrp.ADVERT, a, x.device(), x.wallOf());
            case io.vigil.vrrp.Cause.MasterDown m -> vrrp(kind(m.kind()), m.last(), x.device(), x.wallOf());
            case io.vigil.vrrp.Cause.Tracker t -> {
                Long seq = x.trackerSeq().get(trackerKey(t.kind(), t.name()));
                yield seq != null && seq >= 0 ? Cause.event(seq)
                        : t.kind() == TrackerSpec.Kind.INTERFACE ? Cause.packet("netlink", t.name()) : Cause.timer(trackerWord(t.kind()));
            }
            case io.vigil.vrrp.Cause.Interface i -> Cause.packet("netlink", i.name());
            case io.vigil.vrrp.Cause.Shutdown s -> x.reload() ? x.configCause() : x.stopCause();
            case io.vigil.vrrp.Cause.Operator o -> x.configCause();
            case io.vigil.vrrp.Cause.SyncGroup g -> journal(g.memberCause(), x);
        };
    }

    /** The reason text of a transition; VRRP causes read exactly as the journal's {@link Cause#describe()}. */
    public static String words(io.vigil.vrrp.Cause c, boolean reload) {
        return switch (c) {
            case io.vigil.vrrp.Cause.Startup s -> reload ? "reload" : "startup";
            case io.vigil.vrrp.Cause.Advert a -> vrrp(Cause.Vrrp.ADVERT, a, "", t -> 0).describe();
            case io.vigil.vrrp.Cause.MasterDown m -> vrrp(kind(m.kind()), m.last(), "", t -> 0).describe();
            case io.vigil.vrrp.Cause.Tracker t -> trackerWord(t.kind()) + " " + t.name()
                    + (t.kind() == TrackerSpec.Kind.FILE ? " value " + t.value() : t.value() != 0 ? " up" : " down");
            case io.vigil.vrrp.Cause.Interface i -> "interface " + i.name() + (i.up() ? " up" : " down");
            case io.vigil.vrrp.Cause.Shutdown s -> reload ? "reload" : "shutdown";
            case io.vigil.vrrp.Cause.Operator o -> o.what();
            case io.vigil.vrrp.Cause.SyncGroup g -> "sync group " + g.group() + " (" + g.member() + ": " + words(g.memberCause(), reload) + ")";
        };
    }

    public static String words(io.vigil.vrrp.Cause c) { return words(c, false); }

    /** {@code a} null (nothing heard) leaves peer, priority and time empty. */
    private static Cause.Vrrp vrrp(String kind, io.vigil.vrrp.Cause.Advert a, String device, LongUnaryOperator wallOf) {
        if (a == null) return new Cause.Vrrp(kind, "", device, 0, 0, "");
        return new Cause.Vrrp(kind, a.from().toString(), device, a.priority(), wallOf.applyAsLong(a.heardAt()), a.relation().words());
    }

    private static String kind(io.vigil.vrrp.Cause.MasterDown.Kind k) {
        return switch (k) {
            case MASTER_DOWN -> Cause.Vrrp.MASTER_DOWN;
            case PREEMPT -> Cause.Vrrp.PREEMPT;
            case PRIORITY_ZERO -> Cause.Vrrp.PRIORITY_ZERO;
            case PREEMPT_DELAY -> Cause.Vrrp.PREEMPT_DELAY;
        };
    }

    public static String trackerKey(TrackerSpec.Kind kind, String name) { return kind + " " + name; }

    private static String trackerWord(TrackerSpec.Kind k) {
        return switch (k) {
            case SCRIPT -> "track_script";
            case INTERFACE -> "track_interface";
            case FILE -> "track_file";
            case PROCESS -> "track_process";
        };
    }
}
