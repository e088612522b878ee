package io.vigil.node;

import io.vigil.journal.Cause;
import io.vigil.vrrp.TrackerSpec;

import java.util.Map;

/** Turns the engine's causes into journal causes and the words an operator reads in the log. */
final class Causes {
    private Causes() { }

    /**
     * @param trackerSeq journal sequence of the latest event of each tracker (e.g. the CheckResult of a track_script)
     * @param configCause the cause of the configuration now in force (start-up or reload)
     * @param stopCause   what is stopping the node (signal)
     */
    static Cause journal(io.vigil.vrrp.Cause c, String device, Map<String, Long> trackerSeq, Cause configCause, Cause stopCause) {
        return switch (c) {
            case io.vigil.vrrp.Cause.Startup s -> configCause;
            case io.vigil.vrrp.Cause.Advert a -> Cause.packet(a.from().toString(), device);
            case io.vigil.vrrp.Cause.MasterDown m -> Cause.timer("master_down");
            case io.vigil.vrrp.Cause.Tracker t -> {
                Long seq = trackerSeq.get(trackerKey(t.kind(), t.name()));
                yield seq != null && seq >= 0 ? Cause.event(seq)
                        : t.kind() == TrackerSpec.Kind.INTERFACE ? Cause.packet("netlink", t.name()) : Cause.timer(trackerWord(t.kind()));
            }
            case io.vigil.vrrp.Cause.Interface i -> Cause.packet("netlink", i.name());
            case io.vigil.vrrp.Cause.Shutdown s -> stopCause;
            case io.vigil.vrrp.Cause.Operator o -> configCause;
            case io.vigil.vrrp.Cause.SyncGroup g -> journal(g.memberCause(), device, trackerSeq, configCause, stopCause);
        };
    }

    static String words(io.vigil.vrrp.Cause c) {
        return switch (c) {
            case io.vigil.vrrp.Cause.Startup s -> "startup";
            case io.vigil.vrrp.Cause.Advert a -> "advert priority " + a.priority() + " from " + a.from();
            case io.vigil.vrrp.Cause.MasterDown m -> "master_down timer expired";
            case io.vigil.vrrp.Cause.Tracker t -> trackerWord(t.kind()) + " " + t.name()
                    + (t.kind() == TrackerSpec.Kind.FILE ? " value " + t.value() : t.value() != 0 ? " up" : " down");
            case io.vigil.vrrp.Cause.Interface i -> "interface " + i.name() + (i.up() ? " up" : " down");
            case io.vigil.vrrp.Cause.Shutdown s -> "shutdown";
            case io.vigil.vrrp.Cause.Operator o -> o.what();
            case io.vigil.vrrp.Cause.SyncGroup g -> "sync group " + g.group() + " (" + g.member() + ": " + words(g.memberCause()) + ")";
        };
    }

    static String trackerKey(TrackerSpec.Kind kind, String name) { return kind + " " + name; }

    private static String trackerWord(TrackerSpec.Kind k) {
        return switch (k) {
            case SCRIPT -> "track_script";
            case INTERFACE -> "track_interface";
            case FILE -> "track_file";
            case PROCESS -> "track_process";
        };
    }
}
