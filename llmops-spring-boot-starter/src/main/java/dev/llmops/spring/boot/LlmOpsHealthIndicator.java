package dev.llmops.spring.boot;

import dev.llmops.core.resilience.Resilience;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of the model endpoints, from their circuit breakers: {@code UP} while every breaker is
 * closed (or probing, half-open), {@link #DEGRADED} while one is open (the client still answers
 * through fallbacks, or fails fast for that endpoint), with each endpoint's state as a detail. No
 * provider is called: it reads state the calls already produced. Thread-safe.
 */
public final class LlmOpsHealthIndicator implements HealthIndicator {
  /** The status while at least one endpoint's breaker is open. */
  public static final Status DEGRADED = new Status("DEGRADED", "a model endpoint's circuit breaker is open");

  private final Resilience resilience;
  private final List<String> endpoints;

  private LlmOpsHealthIndicator(Resilience resilience, List<String> endpoints) {
    this.resilience = resilience;
    this.endpoints = endpoints;
  }

  /**
   * An indicator over {@code endpoints} of the client {@code resilience} is installed in.
   *
   * @param resilience the client's resilience policies
   * @param endpoints the model endpoint names
   * @return the indicator
   */
  public static LlmOpsHealthIndicator of(Resilience resilience, List<String> endpoints) {
    return new LlmOpsHealthIndicator(Objects.requireNonNull(resilience, "resilience"), List.copyOf(endpoints));
  }

  @Override
  public Health health() {
    boolean open = false;
    Health.Builder b = Health.up();
    for (String endpoint : endpoints) {
      Resilience.CircuitState state = resilience.circuitState(endpoint);
      open |= state == Resilience.CircuitState.OPEN;
      b.withDetail(endpoint, state.name());
    }
    return open ? b.status(DEGRADED).build() : b.build();
  }
}
