package io.vigil.vrrp;


import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Compares instance specs component by component (records with arrays do not compare by content themselves). */
final class SpecDiff {
    private SpecDiff() { }

    /**
     * What a reload may change in a running instance without restarting it (keepalived keeps such an instance's
     * state too): the engine takes them in place ({@link io.vigil.vrrp.VrrpInput.Reconfigure}). {@code state}
     * only matters at start.
     */
    static final Set<String> IN_PLACE = Set.of("priority", "trackers", "notifyScripts", "garp", "preempt",
            "preemptDelay", "initialState", "virtualAddresses", "excludedAddresses", "advertOptions", "garpExtraIf");

    /** Names of the record components that differ. */
    static List<String> changed(VrrpInstanceSpec a, VrrpInstanceSpec b) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : VrrpInstanceSpec.class.getRecordComponents()) {
            try {
                if (!Objects.deepEquals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) out.add(c.getName());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e); // public record accessors are always invocable
            }
        }
        return out;
    }

    static boolean same(VrrpInstanceSpec a, VrrpInstanceSpec b) { return changed(a, b).isEmpty(); }

    static boolean inPlace(List<String> changed) { return IN_PLACE.containsAll(changed); }

    /** For the journal: "priority 110 (was 100), track +script:chk(-60) -file:f, notifyScripts". */
    static String describe(VrrpInstanceSpec a, VrrpInstanceSpec b, List<String> changed) {
        List<String> w = new ArrayList<>();
        for (String c : changed) {
            switch (c) {
                case "priority" -> w.add("priority " + b.priority() + " (was " + a.priority() + ")");
                case "trackers" -> {
                    StringBuilder sb = new StringBuilder("track");
                    for (TrackerSpec t : b.trackers()) if (!a.trackers().contains(t)) sb.append(" +").append(word(t));
                    for (TrackerSpec t : a.trackers()) if (!b.trackers().contains(t)) sb.append(" -").append(word(t));
                    w.add(sb.toString());
                }
                default -> w.add(c);
            }
        }
        return String.join(", ", w);
    }

    private static String word(TrackerSpec t) {
        return t.kind().name().toLowerCase() + ":" + t.name() + (t.weight() != 0 ? "(" + t.weight() + (t.reverse() ? " reverse" : "") + ")" : "");
    }
}
