package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code vrrp_script NAME { script ...; interval; timeout; weight [reverse]; rise; fall; user; init_fail }}.
 * Defaults as keepalived: interval 1s, timeout = interval, weight 0 (failure means FAULT), rise 1, fall 1.
 */
public record VrrpScript(String name, Script script, Duration interval, Duration timeout, int weight,
                         boolean weightReverse, int rise, int fall, boolean initFail, Optional<String> user,
                         SourceLocation where, ConfigNode node) {}
