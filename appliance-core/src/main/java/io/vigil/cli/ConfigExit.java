package io.vigil.cli;

import io.vigil.config.Diagnostic;
import io.vigil.config.LoadResult;
import io.vigil.config.Severity;

/**
 * Exit codes of {@code vigil check-config}, the same numbers as {@code keepalived -t} (keepalived 2.2.7
 * config_test_exit()): 0 configuration OK; 4 (KEEPALIVED_EXIT_CONFIG) the configuration cannot be used at all —
 * file missing, unreadable, binary or too large; 5 (KEEPALIVED_EXIT_CONFIG_TEST) it has errors or warnings
 * (keepalived would run with the offending lines ignored or defaulted); 6 (KEEPALIVED_EXIT_CONFIG_TEST_SECURITY)
 * reserved for script-security failures. Informational notes (deprecated spellings) do not change the code.
 */
public final class ConfigExit {
    public static final int OK = 0;
    public static final int FATAL = 4;
    public static final int CONFIG_ERRORS = 5;
    public static final int SECURITY = 6;

    private ConfigExit() {}

    public static int of(LoadResult r) {
        if (r.config().isEmpty()) return FATAL;
        boolean problems = r.diagnostics().stream().map(Diagnostic::severity)
                .anyMatch(s -> s == Severity.ERROR || s == Severity.WARNING);
        return problems ? CONFIG_ERRORS : OK;
    }
}
