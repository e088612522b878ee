package io.vigil.vrrp;

import java.util.List;

/** A vrrp_sync_group: member instance names and the group's notify commands (notify gets "GROUP name STATE"). */
public record SyncGroupSpec(String name, List<String> members, NotifySpec notifyScripts) {
    public SyncGroupSpec {
        members = List.copyOf(members);
        if (members.isEmpty()) throw new IllegalArgumentException("vrrp_sync_group " + name + " has no members");
    }
}
