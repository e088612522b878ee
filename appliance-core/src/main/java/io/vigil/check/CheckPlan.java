package io.vigil.check;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import java.util.List;
import java.util.Map;

/**
 * A configuration turned into checks: the engine model, one built {@link Check} per probe name, and the
 * problems found ({@code file:line:col: message}). Probes whose block was invalid are left out. {@code shareKeys}:
 * checker name → what makes its probe and its state (see {@link CheckPlanner}); checkers with equal keys share one
 * probe ({@link CheckScheduler}).
 */
public record CheckPlan(HealthModel model, Map<String, Check> checks, List<CheckConfigException> errors,
                        Map<String, String> shareKeys) {
    public CheckPlan {
        checks = Map.copyOf(checks);
        errors = List.copyOf(errors);
        shareKeys = Map.copyOf(shareKeys);
    }

    /** A plan whose probes are never shared. */
    public CheckPlan(HealthModel model, Map<String, Check> checks, List<CheckConfigException> errors) {
        this(model, checks, errors, Map.of());
    }

    public void closeChecks() {
        for (Check c : checks.values()) {
            try { c.close(); } catch (Exception ignored) { /* closing is best effort */ }
        }
    }
}
