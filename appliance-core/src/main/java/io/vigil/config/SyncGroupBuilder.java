package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code vrrp_sync_group NAME { group { ... } ... }}; sets the group of its member instances. */
final class SyncGroupBuilder extends TrackingBuilder {
    private final String name;
    private final List<VrrpInstance> instances;
    private final List<String> members = new ArrayList<>();

    static final KeywordTable<SyncGroupBuilder> TABLE = shared(new KeywordTable<SyncGroupBuilder>("vrrp_sync_group")
            .acted("group", "unknown members: warning, ignored", "group", SyncGroupBuilder::group), false)
            .notActedAll("not applied", "global_tracking", "sync_group_tracking_weight");

    SyncGroupBuilder(Ctx cx, String name, List<VrrpInstance> instances, Set<String> scripts, Set<String> files) {
        super(cx, scripts, files);
        this.name = name;
        this.instances = instances;
    }

    private void group(ConfigNode c) {
        for (ConfigNode line : c.children()) for (int k = -1; k < line.args().size(); k++) {
            String m = k < 0 ? line.keyword() : line.args().get(k);
            SourceLocation at = k < 0 ? line.where() : v.at(line, k);
            int idx = indexOf(m);
            if (idx < 0) {
                diags.warning(at, "vrrp_sync_group " + name + ": vrrp_instance " + m + " does not exist; ignored");
            } else if (instances.get(idx).syncGroup().isPresent()) {
                diags.error(at, "vrrp_instance " + m + " is already in vrrp_sync_group "
                        + instances.get(idx).syncGroup().get() + "; an instance can be in one group only");
            } else {
                members.add(m);
                instances.set(idx, instances.get(idx).withSyncGroup(name));
            }
        }
    }

    private int indexOf(String instance) {
        for (int i = 0; i < instances.size(); i++) if (instances.get(i).name().equals(instance)) return i;
        return -1;
    }

    VrrpSyncGroup build(ConfigNode n) {
        for (ConfigNode c : n.children()) dispatch(TABLE, this, c, "in vrrp_sync_group " + name);
        if (members.size() == 1) {
            diags.warning(n.where(), "vrrp_sync_group " + name + " has only 1 vrrp_instance - a sync group syncs "
                    + "two or more (keepalived warns the same)");
        } else if (members.isEmpty()) {
            diags.warning(n.where(), "vrrp_sync_group " + name + " has no existing vrrp_instance in its group");
        }
        flush();
        return new VrrpSyncGroup(name, members, notifyScripts(), ts, ti, tf, smtp, n.where(), n, tp);
    }
}
