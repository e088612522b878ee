package io.vigil.vrrp;

/**
 * Notify commands of an instance or sync group (each may be null). {@code generic} is keepalived's {@code notify}:
 * it gets "INSTANCE|GROUP name STATE priority" appended.
 */
public record NotifySpec(String master, String backup, String fault, String stop, String generic) {
    public static final NotifySpec NONE = new NotifySpec(null, null, null, null, null);

    public String forState(VrrpState s) {
        return switch (s) {
            case MASTER -> master;
            case BACKUP -> backup;
            case FAULT -> fault;
            case STOP -> stop;
            case INIT -> null;
        };
    }
}
