package io.vigil.check;

/** How a probe ended when the plugin did not deliver a verdict itself; counted per check type. */
public enum ProbeFault {
    /** The check returned a result (up or down). */
    NONE,
    /** {@code run()} threw or its future failed: a plugin defect, recorded DOWN. */
    PLUGIN_ERROR,
    /** No result within the host-enforced deadline: recorded DOWN, the late result is ignored. */
    TIMEOUT
}
