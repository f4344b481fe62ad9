package dev.llmops.core.resilience;

/** The state of one endpoint's circuit breaker. */
public enum CircuitState {
  /** Calls go through; outcomes are counted. */
  CLOSED,
  /** Calls are rejected at once until the open delay has passed. */
  OPEN,
  /** Probe calls go through; their outcome closes or reopens the breaker. */
  HALF_OPEN
}
