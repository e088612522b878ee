package io.vigil.journal;

/**
 * Why an event happened: either an earlier event in the same journal (by sequence number) or something
 * from outside the node. Every journal entry carries exactly one cause, so an operator can walk a chain
 * like "VIP removed ← transition to BACKUP ← advert from 192.0.2.2 with priority 150".
 */
public sealed interface Cause {

    /** Caused by an earlier journal event of this node. */
    record Event(long seq) implements Cause {}

    /** A received packet (VRRP advert, netlink message, ...) from {@code source}, seen on {@code device}. */
    record Packet(String source, String device) implements Cause {
        public Packet { source = nz(source); device = nz(device); }
    }

    /** A timer expired, e.g. {@code master_down}, {@code advert}, {@code check-interval}. */
    record Timer(String name) implements Cause {
        public Timer { name = nz(name); }
    }

    /** A POSIX signal, e.g. {@code SIGHUP} (reload) or {@code SIGTERM} (stop). */
    record Signal(String name) implements Cause {
        public Signal { name = nz(name); }
    }

    /** An operator request, through the CLI or the management API. */
    record Operator(String who, String via) implements Cause {
        public Operator { who = nz(who); via = nz(via); }
    }

    /** Applying configuration (start-up or reload); {@code contentHash} identifies the file contents. */
    record ConfigReload(String contentHash) implements Cause {
        public ConfigReload { contentHash = nz(contentHash); }
    }

    /**
     * A VRRP input with the facts needed to follow it to the peer's journal. {@code kind} is one of
     * {@link #ADVERT} (the advert itself caused it), {@link #MASTER_DOWN} (Master_Down_Timer expired; the
     * fields describe the last advert heard, if any), {@link #PREEMPT} (the timer expired because adverts of
     * lower priority were ignored), {@link #PRIORITY_ZERO} (taken over after the master's priority-0 advert) or
     * {@link #PREEMPT_DELAY}. {@code peer} is the sender's address ("" when none was heard), {@code priority}
     * the advertised priority, {@code heardWallNs} the wall time it arrived here (0 if unknown),
     * {@code relation} compares it with ours: "higher", "lower", "equal, higher address", "equal, lower
     * address" or "" when not compared.
     */
    record Vrrp(String kind, String peer, String device, int priority, long heardWallNs, String relation) implements Cause {
        public Vrrp { kind = nz(kind); peer = nz(peer); device = nz(device); relation = nz(relation); }
        public static final String ADVERT = "advert", MASTER_DOWN = "master_down", PREEMPT = "preempt",
                PRIORITY_ZERO = "priority_zero", PREEMPT_DELAY = "preempt_delay";
    }

    /** No cause recorded: the journal itself (snapshots) or node start-up. */
    record None() implements Cause {}

    None NONE = new None();

    static Cause event(long seq) { return new Event(seq); }
    static Cause packet(String source, String device) { return new Packet(source, device); }
    static Cause timer(String name) { return new Timer(name); }
    static Cause signal(String name) { return new Signal(name); }
    static Cause operator(String who, String via) { return new Operator(who, via); }
    static Cause configReload(String contentHash) { return new ConfigReload(contentHash); }

    /** Short human form used by {@code vigil journal show}. */
    default String describe() {
        return switch (this) {
            case Event e -> "#" + e.seq();
            case Packet p -> "packet from " + p.source() + (p.device().isEmpty() ? "" : " on " + p.device());
            case Timer t -> "timer " + t.name();
            case Signal s -> "signal " + s.name();
            case Operator o -> "operator " + o.who() + (o.via().isEmpty() ? "" : " via " + o.via());
            case ConfigReload c -> "config " + c.contentHash();
            case Vrrp v -> vrrpWords(v);
            case None n -> "-";
        };
    }

    private static String vrrpWords(Vrrp v) {
        String advert = v.peer().isEmpty() ? "no advert heard"
                : "advert priority " + v.priority() + " from " + v.peer() + (v.relation().isEmpty() ? "" : " (" + v.relation() + ")");
        return switch (v.kind()) {
            case Vrrp.ADVERT -> advert;
            case Vrrp.PREEMPT -> "preempt: " + advert;
            case Vrrp.PRIORITY_ZERO -> "master_down after priority 0: " + advert;
            case Vrrp.PREEMPT_DELAY -> "preempt_delay expired: " + advert;
            default -> v.peer().isEmpty() ? "master_down timer: no advert heard" : "master_down timer: last " + advert;
        };
    }

    private static String nz(String s) { return s == null ? "" : s; }
}
