package io.vigil.check;

import io.vigil.check.api.CheckFactory;
import java.util.Optional;

/**
 * Which factory handles a checker keyword. The planner asks only this, so it stays pure; the runtime's
 * {@code CheckRegistry} (built-ins plus PF4J plugins) is the production implementation.
 */
@FunctionalInterface
public interface CheckFactories {
    Optional<CheckFactory> factory(String keyword);
}
