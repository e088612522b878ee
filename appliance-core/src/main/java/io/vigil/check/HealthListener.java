package io.vigil.check;

/**
 * Receives every health event in order, on the scheduler's thread. Implementations must be quick (hand off
 * to the journal's writer, update a map); an exception is caught and counted, never propagated.
 */
@FunctionalInterface
public interface HealthListener {
    void onEvent(HealthEvent event);
}
