package io.vigil.node;

import io.vigil.vrrp.VrrpInstanceSpec;

import java.lang.reflect.RecordComponent;
import java.util.Objects;

/** Compares instance specs component by component (records with arrays do not compare by content themselves). */
final class SpecDiff {
    private SpecDiff() { }

    static boolean same(VrrpInstanceSpec a, VrrpInstanceSpec b) {
        for (RecordComponent c : VrrpInstanceSpec.class.getRecordComponents()) {
            try {
                if (!Objects.deepEquals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) return false;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e); // public record accessors are always invocable
            }
        }
        return true;
    }

    static boolean sameExceptPriority(VrrpInstanceSpec a, VrrpInstanceSpec b) {
        return same(a.withPriority(b.priority()), b);
    }
}
