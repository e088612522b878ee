package io.vigil.config;

import java.util.Optional;

/** The notify scripts of a vrrp_instance or vrrp_sync_group. {@code notify} gets "TYPE NAME STATE PRIORITY". */
public record Notify(Optional<Script> master, Optional<Script> backup, Optional<Script> fault, Optional<Script> stop,
                     Optional<Script> deleted, Optional<Script> any) {
    public static final Notify NONE = new Notify(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());
}
