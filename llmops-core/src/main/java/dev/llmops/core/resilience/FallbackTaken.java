package dev.llmops.core.resilience;

import dev.llmops.api.CallEvent;
import java.util.Objects;

/**
 * Published when a call moves on to the next endpoint of the fallback chain, and recorded on the
 * call as {@link Resilience#FALLBACK} (the last one taken), so the {@link dev.llmops.api.Completion}
 * says which endpoint answered and why.
 *
 * @param from the endpoint that failed
 * @param to the endpoint tried next
 * @param reason why {@code from} was given up, a short code: {@code quota_exhausted}, {@code
 *     circuit_open}, {@code bulkhead_full}, {@code rate_limited}, {@code overloaded}, {@code
 *     unavailable}, {@code timeout}, {@code stream_interrupted}, {@code authentication} or {@code
 *     error}
 */
public record FallbackTaken(String from, String to, String reason) implements CallEvent {

  /** Checks the components. */
  public FallbackTaken {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String name() {
    return "llmops.resilience.fallback";
  }
}
