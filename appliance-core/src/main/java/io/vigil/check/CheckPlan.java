package io.vigil.check;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import java.util.List;
import java.util.Map;

/**
 * A configuration turned into checks: the engine model, one built {@link Check} per probe name, and the
 * problems found ({@code file:line:col: message}). Probes whose block was invalid are left out. {@code shareKeys}:
 * checker name → what makes its probe and its state (see {@link CheckPlanner}); checkers with equal keys share one
 * probe ({@code runtime.CheckScheduler}).
 */
public record CheckPlan(HealthModel model, Map<String, Check> checks, List<CheckConfigException> errors,
                        Map<String, String> fingerprints, Map<String, String> shareKeys) {
    public CheckPlan {
        checks = Map.copyOf(checks);
        errors = List.copyOf(errors);
        fingerprints = Map.copyOf(fingerprints);
        shareKeys = Map.copyOf(shareKeys);
    }

    public CheckPlan(HealthModel model, Map<String, Check> checks, List<CheckConfigException> errors) {
        this(model, checks, errors, Map.of(), Map.of());
    }

    /**
     * What a reload compares: each real-server checker's block and timing, each real server's settings with its
     * checkers, each virtual server's quorum settings with its real servers — without file positions. Keys: the
     * checker's name, "vsId|rsId", "vsId".
     */
    public Map<String, String> fingerprints() { return fingerprints; }

    public void closeChecks() {
        for (Check c : checks.values()) {
            try { c.close(); } catch (Exception ignored) { /* closing is best effort */ }
        }
    }
}
