package dev.llmops.core.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How the circuit breaker of each model endpoint opens and closes. Immutable and thread-safe.
 *
 * <p>Closed, the breaker counts outcomes; when the failures reach the threshold it opens and every
 * call to that endpoint is rejected at once (a fallback endpoint serves it, or it fails with a
 * {@link dev.llmops.api.CircuitOpenException}). After {@code openDelay} the next call is let
 * through as a probe (half-open); {@code successThreshold} successful probes close the breaker, a
 * failed probe opens it again. Failures are provider-side errors (rate limits, overload,
 * unavailability, timeouts, cut streams, exhausted quota); a rejected request (invalid,
 * unauthenticated, filtered) counts as a success, since the endpoint answered.
 *
 * @param failureThreshold failures that open the breaker, {@code >= 1}
 * @param window how many recent outcomes {@code failureThreshold} is counted in (count based),
 *     {@code >= failureThreshold}
 * @param openDelay how long the breaker stays open before it lets a probe through, {@code > 0},
 *     on the client's clock (to the millisecond, rounded up)
 * @param successThreshold successful probes that close a half-open breaker, {@code >= 1}
 */
public record CircuitBreakerPolicy(int failureThreshold, int window, Duration openDelay, int successThreshold) {

  /** Checks the components. */
  public CircuitBreakerPolicy {
    Objects.requireNonNull(openDelay, "openDelay");
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be >= 1 but was " + failureThreshold);
    }
    if (window < failureThreshold) {
      throw new IllegalArgumentException(
          "window must be >= failureThreshold (" + failureThreshold + ") but was " + window);
    }
    if (openDelay.isNegative() || openDelay.isZero()) {
      throw new IllegalArgumentException("openDelay must be > 0 but was " + openDelay);
    }
    if (successThreshold < 1) {
      throw new IllegalArgumentException("successThreshold must be >= 1 but was " + successThreshold);
    }
  }

  /** Opens after {@code failures} consecutive failures; one successful probe closes it again. */
  public static CircuitBreakerPolicy consecutiveFailures(int failures, Duration openDelay) {
    return new CircuitBreakerPolicy(failures, failures, openDelay, 1);
  }

  /** Opens when {@code failures} of the last {@code window} outcomes failed. */
  public static CircuitBreakerPolicy failuresInWindow(int failures, int window, Duration openDelay) {
    return new CircuitBreakerPolicy(failures, window, openDelay, 1);
  }

  /** This policy needing {@code successes} successful probes to close. */
  public CircuitBreakerPolicy withSuccessThreshold(int successes) {
    return new CircuitBreakerPolicy(failureThreshold, window, openDelay, successes);
  }
}
