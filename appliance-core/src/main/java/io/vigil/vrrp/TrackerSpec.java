package io.vigil.vrrp;

/**
 * A tracked object of an instance (track_script / track_interface / track_file / track_process entry) with the
 * weight the instance uses. Semantics, as keepalived: weight &gt; 0 is added while the object is up, weight &lt; 0
 * is added while it is down, weight 0 makes a down object put the instance in FAULT. {@code reverse} swaps up
 * and down. For FILE the reported value is multiplied by the weight (weight 0: non-zero value = FAULT; a
 * product of -254 or lower = FAULT).
 */
public record TrackerSpec(Kind kind, String name, int weight, boolean reverse) {
    public enum Kind { SCRIPT, INTERFACE, FILE, PROCESS }

    public TrackerSpec {
        if (weight < -254 || weight > 254) throw new IllegalArgumentException("tracker " + name + ": weight " + weight + " not in -254..254");
    }

    public static TrackerSpec script(String name, int weight) { return new TrackerSpec(Kind.SCRIPT, name, weight, false); }
    public static TrackerSpec iface(String name, int weight) { return new TrackerSpec(Kind.INTERFACE, name, weight, false); }
    public static TrackerSpec file(String name, int weight) { return new TrackerSpec(Kind.FILE, name, weight, false); }
}
