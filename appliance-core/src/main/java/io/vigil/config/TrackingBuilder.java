package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What vrrp_instance and vrrp_sync_group share: notify scripts, track_script / track_interface / track_file lists and
 * the keywords both keep without acting on them. Their entries are declared once, in {@link #shared}.
 */
abstract class TrackingBuilder extends BlockBuilder {
    final Set<String> scripts, files;
    Optional<Script> master = Optional.empty(), backup = Optional.empty(), fault = Optional.empty(),
            stop = Optional.empty(), deleted = Optional.empty(), any = Optional.empty();
    final List<TrackRef> ts = new ArrayList<>(), ti = new ArrayList<>(), tf = new ArrayList<>(), tp = new ArrayList<>();
    /** vrrp_track_process names (set by ModelBuilder before build). */
    Set<String> processes = Set.of();
    Optional<Boolean> smtp = Optional.empty();

    TrackingBuilder(Ctx cx, Set<String> scripts, Set<String> files) {
        super(cx);
        this.scripts = scripts;
        this.files = files;
    }

    Notify notifyScripts() { return new Notify(master, backup, fault, stop, deleted, any); }

    /** The shared entries; {@code instance} picks the wording of the compatibility page. */
    static <B extends TrackingBuilder> KeywordTable<B> shared(KeywordTable<B> t, boolean instance) {
        String run = instance ? "run as `script_user`; a user word after the script is not used" : "";
        return t.acted("notify_master", run, "notifyScripts.master", (b, c) -> b.master = b.script(c))
                .acted("notify_backup", run, "notifyScripts.backup", (b, c) -> b.backup = b.script(c))
                .acted("notify_fault", run, "notifyScripts.fault", (b, c) -> b.fault = b.script(c))
                .acted("notify_stop", run, "notifyScripts.stop", (b, c) -> b.stop = b.script(c))
                .acted("notify", run, "notifyScripts.any", (b, c) -> b.any = b.script(c))
                .notActed("notify_deleted", "Vigil does not run it", "notifyScripts.deleted", (b, c) -> b.deleted = b.script(c))
                .acted("track_script", instance ? "" : "added to every member, as keepalived", "trackScripts",
                        (b, c) -> b.ts.addAll(b.trackRefs(c, b.scripts, "track_script", -253, 253)))
                .acted("track_interface", instance ? "weight 0, the default, = FAULT while down"
                                : "added to every member, as keepalived", "trackInterfaces",
                        (b, c) -> b.ti.addAll(b.trackRefs(c, null, "track_interface", -253, 253)))
                .acted("track_file", instance ? "value x weight added to the priority; weight 0: non-zero = FAULT"
                                : "added to every member, as keepalived", "trackFiles",
                        (b, c) -> b.tf.addAll(b.trackRefs(c, b.files, "track_file", -254, 254)))
                .acted("track_process", instance ? "process count from /proc against quorum..quorum_max"
                                : "added to every member, as keepalived", "trackProcesses",
                        (b, c) -> b.tp.addAll(b.trackRefs(c, b.processes, "track_process", -254, 254)))
                .acted("smtp_alert", "mails this " + (instance ? "instance's" : "group's") + " MASTER/BACKUP/FAULT "
                        + "transitions to notification_email via smtp_server", "smtpAlert", (b, c) -> b.smtp = b.v.bool(c))
                .notActedAll("not applied", "track_bfd")
                .add(priorityChanges(instance));
    }

    /** notify_priority_changes: acted on in an instance (the FIFO line), not in a sync group. */
    private static <B extends TrackingBuilder> KeywordTable.Entry<B> priorityChanges(boolean instance) {
        return instance
                ? new KeywordTable.Entry<>("notify_priority_changes", KeywordTable.Status.ACTED_ON, "notify FIFO line "
                        + "`INSTANCE \"VI_1\" MASTER_PRIORITY 130` on each effective priority change, as keepalived", "",
                        (b, c) -> b.v.bool(c), null)
                : new KeywordTable.Entry<>("notify_priority_changes", KeywordTable.Status.NOT_ACTED_ON, "not applied", "",
                        (b, c) -> { }, null);
    }

    /** track_script / track_file lines: {@code NAME [weight N [reverse]]}. */
    List<TrackRef> trackRefs(ConfigNode block, Set<String> defined, String kind, int minWeight, int maxWeight) {
        var out = new ArrayList<TrackRef>();
        if (!block.args().isEmpty()) {
            diags.warning(v.at(block, 0), block.keyword() + " lists its names in a { } block; '"
                    + String.join(" ", block.args()) + "' ignored");
        }
        if (block.children().isEmpty()) {
            diags.warning(block.where(), "empty " + block.keyword() + " block: nothing is tracked");
        }
        for (ConfigNode c : block.children()) {
            Optional<Integer> weight = Optional.empty();
            boolean reverse = false;
            var a = c.args();
            if (!a.isEmpty()) {
                if (a.getFirst().equals("weight") && a.size() >= 2) {
                    weight = v.integer(c, a.get(1), minWeight, maxWeight, "using the default weight").map(Long::intValue);
                    reverse = a.size() > 2 && a.get(2).equals("reverse");
                    int used = 2 + (reverse ? 1 : 0);
                    if (a.size() > used) {
                        String extra = String.join(" ", a.subList(used, a.size()));
                        diags.warning(v.at(c, used), "extra text after " + kind + " " + c.keyword() + " ignored: '" + extra + "'"
                                + Values.slashHint(extra));
                    }
                } else {
                    String extra = String.join(" ", a);
                    diags.warning(v.at(c, 0), kind + " " + c.keyword() + ": expected 'weight N', got '" + extra + "'; ignored"
                            + Values.slashHint(extra));
                }
            }
            if (defined != null && !defined.contains(c.keyword())) {
                diags.warning(c.where(), kind + " " + c.keyword() + " is not defined; ignored (as keepalived does)");
                continue;
            }
            out.add(new TrackRef(c.keyword(), weight, reverse, c.where()));
        }
        return out;
    }
}
